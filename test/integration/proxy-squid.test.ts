// Registries reached through a real HTTP proxy (issue 12): Debian's squid on loopback, which alone knows
// that registry.example.test and auth.example.test are 127.0.0.1 (its hosts_file). imagepin cannot resolve
// those names, so every success below went through squid, and squid's access log says how: CONNECT for
// https (only to the ports it allows, as real proxies do), absolute-form requests for http.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImagepin, tempTree, type TempTree } from "../harness/cli.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage } from "../harness/seed.js";
import { startSquid, type TestSquid } from "../harness/squid.js";
import { makeCertificates, makeSigningKey, type TestCertificates } from "../harness/tls.js";
import { startTokenServer, type TokenServer } from "../harness/token-server.js";

const registryName = "registry.example.test";
const authName = "auth.example.test";
const alice = { username: "alice", password: "wonderland" };
const proxyUser = { username: "proxyuser", password: "proxy-s3cret" };
const portOf = (url: string) => Number(new URL(url).port);
const basic = (user: { username: string; password: string }) =>
  `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`;

describe("registries through a real squid proxy", () => {
  let tree: TempTree;
  let certs: TestCertificates;
  let tlsRegistry: TestRegistry;
  let plainRegistry: TestRegistry;
  let tokenRegistry: TestRegistry;
  let tokens: TokenServer;
  let squid: TestSquid;
  let authSquid: TestSquid;
  let dockerConfig = "";
  const digests: Record<string, string> = {};

  // The CLI with only the variables a test sets: no proxy from the machine, no docker credentials.
  const env = (extra: Record<string, string>) => {
    const base = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(https?|no|all)_proxy$/i.test(name)),
    );
    return { ...base, DOCKER_CONFIG: "/nonexistent-imagepin-test", ...extra };
  };
  const resolve = (reference: string, extra: Record<string, string>, flags: string[] = []) =>
    runImagepin(["resolve", "--ca-file", certs.caFile, ...flags, reference], { env: env(extra) });

  beforeAll(async () => {
    tree = tempTree("imagepin-proxy-");
    certs = makeCertificates(tree.root, [registryName, authName]);
    const tls = { certFile: certs.certFile, keyFile: certs.keyFile };
    tlsRegistry = await startRegistry({ tls });
    plainRegistry = await startRegistry();
    const signingKey = makeSigningKey(tree.root);
    tokens = await startTokenServer({
      users: [alice],
      signingKey,
      issuer: "imagepin-test-issuer",
      service: "proxied-registry",
      tls,
    });
    const realm = tokens.url.replace("127.0.0.1", authName);
    tokenRegistry = await startRegistry({
      tls,
      auth: {
        kind: "token",
        realm,
        service: "proxied-registry",
        issuer: "imagepin-test-issuer",
        rootCertFile: signingKey.certFile,
      },
    });
    digests.tls = (await pushImage({ url: tlsRegistry.url, caFile: certs.caFile }, "demo/app", "1")).digest;
    digests.plain = (await pushImage(plainRegistry, "demo/app", "1")).digest;
    // The token server speaks https with the test CA.
    const { request, Agent } = await import("undici");
    const dispatcher = new Agent({ connect: { ca: certs.caPem } });
    const answer = await request(`${tokens.url}?service=proxied-registry&scope=repository:private/app:pull,push`, {
      headers: { authorization: basic(alice) },
      dispatcher,
    });
    const { token } = (await answer.body.json()) as { token: string };
    await dispatcher.close();
    digests.token = (
      await pushImage(
        { url: tokenRegistry.url, caFile: certs.caFile, authorization: `Bearer ${token}` },
        "private/app",
        "1",
      )
    ).digest;
    dockerConfig = join(tree.root, "config.json");
    writeFileSync(
      dockerConfig,
      JSON.stringify({
        auths: {
          [`${registryName}:${portOf(tokenRegistry.url)}`]: {
            auth: Buffer.from(`${alice.username}:${alice.password}`).toString("base64"),
          },
        },
      }),
    );
    const hosts = { [registryName]: "127.0.0.1", [authName]: "127.0.0.1" };
    // CONNECT only to the TLS registries and the token server, never to the plain-http registry's port.
    const connectPorts = [portOf(tlsRegistry.url), portOf(tokenRegistry.url), portOf(tokens.url)];
    squid = await startSquid({ hosts, connectPorts });
    authSquid = await startSquid({ hosts, connectPorts, user: proxyUser });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([
      squid?.stop(),
      authSquid?.stop(),
      tlsRegistry?.stop(),
      plainRegistry?.stop(),
      tokenRegistry?.stop(),
      tokens?.close(),
    ]);
    tree?.remove();
  });

  it("reaches an https registry through CONNECT, and --debug names the proxy", async () => {
    const host = `${registryName}:${portOf(tlsRegistry.url)}`;
    const result = await resolve(`${host}/demo/app:1`, { HTTPS_PROXY: squid.url }, ["--debug"]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(digests.tls);
    expect(result.stderr).toContain(`"proxy":"${squid.url}"`);
    expect(squid.requests()).toContainEqual({ method: "CONNECT", url: host, status: 200, user: "-" });
    expect(squid.requests().filter((entry) => entry.method !== "CONNECT" && entry.url.includes(host))).toEqual([]);
  }, 60_000);

  it("reaches a plain-http registry with absolute-form requests (the proxy refuses CONNECT to its port)", async () => {
    const host = `${registryName}:${portOf(plainRegistry.url)}`;
    const result = await resolve(`${host}/demo/app:1`, { https_proxy: squid.url, http_proxy: squid.url }, [
      "--insecure-registry",
      host,
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(digests.plain);
    const seen = squid.requests().filter((entry) => entry.url.includes(host));
    expect(seen).toContainEqual({
      method: "HEAD",
      url: `http://${host}/v2/demo/app/manifests/1`,
      status: 200,
      user: "-",
    });
    // The https attempt was refused by the proxy's CONNECT rule, never tunnelled.
    expect(seen.filter((entry) => entry.method === "CONNECT").every((entry) => entry.status === 403)).toBe(true);
  }, 60_000);

  it("authenticates with a token realm only the proxy can resolve (no local DNS lookup of the realm)", async () => {
    const host = `${registryName}:${portOf(tokenRegistry.url)}`;
    tokens.clearRequests();
    const result = await resolve(`${host}/private/app:1`, { HTTPS_PROXY: squid.url, DOCKER_CONFIG: tree.root });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(digests.token);
    expect(squid.requests()).toContainEqual({
      method: "CONNECT",
      url: `${authName}:${portOf(tokens.url)}`,
      status: 200,
      user: "-",
    });
    expect(tokens.requests()).toContainEqual(expect.objectContaining({ username: "alice", status: 200 }));
  }, 60_000);

  it("goes directly to hosts NO_PROXY names (here it then cannot resolve the name itself)", async () => {
    const host = `${registryName}:${portOf(tlsRegistry.url)}`;
    const before = squid.requests().length;
    for (const noProxy of [".example.test", `${registryName}:${portOf(tlsRegistry.url)}`, "*"]) {
      const result = await resolve(`${host}/demo/app:1`, { HTTPS_PROXY: squid.url, NO_PROXY: noProxy }, [
        "--timeout",
        "10",
      ]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/cannot reach registry registry\.example\.test.*(ENOTFOUND|EAI_AGAIN)/);
      expect(result.stderr).not.toContain("through proxy");
    }
    expect(squid.requests().length).toBe(before);
  }, 60_000);

  it("a proxy that wants credentials: 407 is a clear error; the URL's user info authenticates, only to the proxy", async () => {
    const host = `${registryName}:${portOf(tlsRegistry.url)}`;
    const refused = await resolve(`${host}/demo/app:1`, { HTTPS_PROXY: authSquid.url });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`proxy ${authSquid.url} refused the request to registry ${host}`);
    expect(refused.stderr).toContain("407 Proxy Authentication Required");
    expect(refused.stderr).toContain("hint: give the proxy's user name and password");
    const withUser = authSquid.url.replace("http://", `http://${proxyUser.username}:${proxyUser.password}@`);
    const accepted = await resolve(`${host}/demo/app:1`, { HTTPS_PROXY: withUser }, ["--debug"]);
    expect(accepted.status, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain(digests.tls);
    expect(authSquid.requests()).toContainEqual({
      method: "CONNECT",
      url: host,
      status: 200,
      user: proxyUser.username,
    });
    // Not in messages or debug logs either.
    expect(accepted.stderr).not.toContain(proxyUser.password);
  }, 60_000);

  it("a malformed proxy URL is a usage error naming the variable", async () => {
    const result = await resolve(`${registryName}/demo/app:1`, { https_proxy: "http://proxy:notaport" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('imagepin: https_proxy: "http://proxy:notaport" is not a proxy URL');
  });
});
