// Authentication against the real registry: htpasswd Basic, TLS with a test CA, token auth through the
// harness token server (basic and identitytoken refresh), credentials from config.json, a credential
// helper and pull secrets, tried in turn until one is accepted. Digests cross-checked with skopeo.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeychain } from "../../src/credentials/index.js";
import { parseReference } from "../../src/reference/index.js";
import { isRegistryError, RegistryClient } from "../../src/registry/index.js";
import { RegistryResolver } from "../../src/resolve/index.js";
import { keychainFromPullSecretObjects } from "../../src/credentials/index.js";
import { settledRequests } from "../harness/access-log.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage, skopeoDigest } from "../harness/seed.js";
import { makeCertificates, makeSigningKey } from "../harness/tls.js";
import { startTokenServer, type TokenServer } from "../harness/token-server.js";

const alice = { username: "alice", password: "wonderland" };
const basic = (user: { username: string; password: string }) =>
  `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "imagepin-auth-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dockerConfig(name: string, config: object): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}
const auth = (user: { username: string; password: string }) =>
  Buffer.from(`${user.username}:${user.password}`).toString("base64");

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isRegistryError(error) ? error.code : error).toBe(code);
}

describe("htpasswd Basic auth", () => {
  let registry: TestRegistry;
  let digest: string;
  beforeAll(async () => {
    registry = await startRegistry({ auth: { kind: "htpasswd", users: [alice] } });
    digest = (await pushImage({ url: registry.url, authorization: basic(alice) }, "private/app", "1")).digest;
  });
  afterAll(() => registry?.stop());

  it("is unauthorized without credentials and with a wrong password", async () => {
    const reference = parseReference(`${registry.host}/private/app:1`);
    await expectCode(new RegistryClient().resolve(reference), "unauthorized");
    const wrong = await createKeychain({
      dockerConfigPath: dockerConfig("wrong", {
        auths: { [registry.host]: { auth: auth({ ...alice, password: "nope" }) } },
      }),
      env: {},
    });
    await expectCode(new RegistryClient({ keychain: wrong }).resolve(reference), "unauthorized");
  });

  it("tries every matching credential in turn, most specific first, until one is accepted", async () => {
    const secret = join(dir, "regcred.yaml");
    const inner = JSON.stringify({
      auths: { [`${registry.host}/private`]: { auth: auth({ ...alice, password: "stale" }) } },
    });
    writeFileSync(
      secret,
      `apiVersion: v1\nkind: Secret\nmetadata: {name: regcred, namespace: team}\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${Buffer.from(inner).toString("base64")}\n`,
    );
    const config = dockerConfig("good", { auths: { [`http://${registry.host}`]: { auth: auth(alice) } } });
    const keychain = await createKeychain({ pullSecretFiles: [secret], dockerConfigPath: config, env: {} });
    const client = new RegistryClient({ keychain });
    await settledRequests(registry);
    registry.clearRequests();
    expect((await client.resolve(parseReference(`${registry.host}/private/app:1`))).digest).toBe(digest);
    // no credential known yet: anonymous is not tried when there are candidates; the challenge comes back first
    expect((await settledRequests(registry)).map((r) => r.status)).toEqual([401, 401, 200]);
    expect(await skopeoDigest(`${registry.host}/private/app:1`, { creds: `${alice.username}:${alice.password}` })).toBe(
      digest,
    );
    await client.close();
  });

  it("resolves with a Pod's pull secrets through a derived resolver that shares nothing else", async () => {
    const reference = parseReference(`${registry.host}/private/app:1`);
    const base = new RegistryResolver({ cacheTtlMs: 30_000 });
    const inner = JSON.stringify({ auths: { [registry.host]: { auth: auth(alice) } } });
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "regcred", namespace: "team" },
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": Buffer.from(inner).toString("base64") },
    };
    const derived = base.withKeychain(keychainFromPullSecretObjects([secret]), { thenOwnCredentials: true });
    try {
      expect((await derived.resolve(reference)).digest).toBe(digest);
      expect((await derived.resolve(reference)).source).toBe("cached");
      // the webhook's own (anonymous) resolver gets neither the answer nor the credentials
      await expectCode(base.resolve(reference), "unauthorized");
    } finally {
      await derived.close();
      await base.close();
    }
  });

  it("asks a credential helper from the docker config only when needed", async () => {
    const bin = join(dir, "bin");
    rmSync(bin, { recursive: true, force: true });
    writeFileSync(join(dir, "helper-calls"), "");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(bin);
    const helper = join(bin, "docker-credential-imagepintest");
    writeFileSync(
      helper,
      `#!/bin/sh\nread server\necho "$server" >> ${join(dir, "helper-calls")}\nprintf '{"ServerURL":"%s","Username":"${alice.username}","Secret":"${alice.password}"}' "$server"\n`,
    );
    chmodSync(helper, 0o755);
    const config = dockerConfig("helper", { credHelpers: { [registry.host]: "imagepintest" } });
    const keychain = await createKeychain({ dockerConfigPath: config, env: { PATH: `${bin}:/usr/bin:/bin` } });
    const client = new RegistryClient({ keychain });
    expect((await client.resolve(parseReference(`${registry.host}/private/app:1`))).digest).toBe(digest);
    expect((await client.resolve(parseReference(`${registry.host}/private/app:1`))).digest).toBe(digest);
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(join(dir, "helper-calls"), "utf8").trim().split("\n")).toEqual([registry.host]);
    await client.close();
  });
});

describe("TLS with a self-signed CA", () => {
  let registry: TestRegistry;
  let caFile: string;
  let digest: string;
  beforeAll(async () => {
    const certs = makeCertificates(mkdtempSync(join(dir, "tls-")));
    caFile = certs.caFile;
    registry = await startRegistry({ tls: { certFile: certs.certFile, keyFile: certs.keyFile } });
    digest = (await pushImage({ url: registry.url, caFile }, "secure/app", "1")).digest;
  });
  afterAll(() => registry?.stop());

  it("needs --ca-file, then resolves over https", async () => {
    const reference = parseReference(`${registry.host}/secure/app:1`);
    const untrusted = await new RegistryClient().resolve(reference).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRegistryError(untrusted, "unreachable")).toBe(true);
    expect((untrusted as { temporary: boolean; hint?: string }).temporary).toBe(false);
    expect((untrusted as { hint?: string }).hint).toContain("--ca-file");
    const { readFileSync } = await import("node:fs");
    const client = new RegistryClient({ caCertificates: [readFileSync(caFile, "utf8")] });
    expect((await client.resolve(reference)).digest).toBe(digest);
    await client.close();
  });
});

describe("token auth (the registry's auth: token mode)", () => {
  let registry: TestRegistry;
  let tokens: TokenServer;
  const service = "imagepin-test-registry";
  let digests: string[];
  beforeAll(async () => {
    const signingKey = makeSigningKey(mkdtempSync(join(dir, "key-")));
    tokens = await startTokenServer({ users: [alice], signingKey, issuer: "imagepin-test-issuer", service });
    registry = await startRegistry({
      auth: {
        kind: "token",
        realm: tokens.url,
        service,
        issuer: "imagepin-test-issuer",
        rootCertFile: signingKey.certFile,
      },
    });
    digests = [];
    for (const repository of ["tok/one", "tok/two"]) {
      const url = `${tokens.url}?service=${service}&scope=repository:${repository}:pull,push`;
      const { token } = (await (await fetch(url, { headers: { authorization: basic(alice) } })).json()) as {
        token: string;
      };
      for (const tag of ["1", "2"])
        digests.push(
          (await pushImage({ url: registry.url, authorization: `Bearer ${token}` }, repository, tag)).digest,
        );
    }
  });
  afterAll(async () => {
    await registry?.stop();
    await tokens?.close();
  });

  it("fetches one token per repository scope with basic credentials and reuses it", async () => {
    const keychain = await createKeychain({
      dockerConfigPath: dockerConfig("token", { auths: { [registry.host]: { auth: auth(alice) } } }),
      env: {},
    });
    const client = new RegistryClient({ keychain });
    tokens.clearRequests();
    await settledRequests(registry);
    registry.clearRequests();
    const refs = ["tok/one:1", "tok/one:2", "tok/two:1", "tok/two:2"].map((text) =>
      parseReference(`${registry.host}/${text}`),
    );
    const results = await Promise.all(refs.map((reference) => client.resolve(reference)));
    expect(results.map((r) => r.digest)).toEqual(digests);
    const requests = tokens.requests();
    expect(requests.map((r) => r.scopes.join(" ")).sort()).toEqual([
      "repository:tok/one:pull",
      "repository:tok/two:pull",
    ]);
    expect(requests.every((r) => r.method === "GET" && r.username === "alice")).toBe(true);
    // one challenge for the registry, then one HEAD per reference
    expect((await settledRequests(registry)).map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 401]);
    await client.close();
  });

  it("exchanges an identitytoken through the OAuth2 refresh-token POST", async () => {
    const refreshToken = tokens.issueRefreshToken("alice");
    const keychain = await createKeychain({
      dockerConfigPath: dockerConfig("identity", {
        auths: { [registry.host]: { auth: Buffer.from("<token>:").toString("base64"), identitytoken: refreshToken } },
      }),
      env: {},
    });
    const client = new RegistryClient({ keychain });
    tokens.clearRequests();
    expect((await client.resolve(parseReference(`${registry.host}/tok/two:2`))).digest).toBe(digests[3]);
    expect(tokens.requests()).toEqual([
      expect.objectContaining({ method: "POST", grantType: "refresh_token", username: "alice", status: 200 }),
    ]);
    expect(tokens.requests()[0]!.query).not.toContain("password");
    await client.close();
  });

  it("is unauthorized anonymously and with a refused refresh token", async () => {
    const reference = parseReference(`${registry.host}/tok/one:1`);
    await expectCode(new RegistryClient().resolve(reference), "unauthorized");
    const keychain = await createKeychain({
      dockerConfigPath: dockerConfig("bad-identity", { auths: { [registry.host]: { identitytoken: "rt-revoked" } } }),
      env: {},
    });
    const error = await new RegistryClient({ keychain }).resolve(reference).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRegistryError(error, "unauthorized")).toBe(true);
    expect((error as Error).message).not.toContain("rt-revoked");
  });
});
