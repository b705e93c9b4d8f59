// Issue 14: kubelet credential provider plugins against the real distribution registry, in htpasswd and
// token-auth mode. Each behaviour has its own small plugin script speaking the real exec protocol
// (CredentialProviderRequest on stdin, CredentialProviderResponse on stdout); every script appends the
// request it got to a log, so the tests count runs rather than time them.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { createKeychain, describeCandidates, loadCredentialProviders } from "../../src/credentials/index.js";
import { parseReference } from "../../src/reference/index.js";
import { RegistryResolver } from "../../src/resolve/index.js";
import { fileURLToPath } from "node:url";
import { settledRequests } from "../harness/access-log.js";
import { freePort } from "../harness/ports.js";
import { spawnTracked } from "../harness/processes.js";
import { makeCertificate } from "../harness/tls.js";
import { send } from "./webhook-support/client.js";
import { runImagepin } from "../harness/cli.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage } from "../harness/seed.js";
import { makeSigningKey } from "../harness/tls.js";

const imagepinBin = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));
import { startTokenServer, type TokenServer } from "../harness/token-server.js";

const alice = { username: "alice", password: "plugin-secret-7781" };
const v1 = "credentialprovider.kubelet.k8s.io/v1";
const basic = (user: { username: string; password: string }) =>
  `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`;
let dir: string;
let bin: string;

/** A plugin script: logs its request (one line) to `NAME.log`, then runs `body` (sh). */
function plugin(name: string, body: string): void {
  const script = join(bin, name);
  writeFileSync(
    script,
    `#!/bin/sh\nrequest=$(cat)\nprintf '%s\\n' "$request" >> ${join(dir, `${name}.log`)}\n${body}\n`,
  );
  chmodSync(script, 0o755);
}

/** A plugin that answers alice's credentials for `host` with this cache key type and duration. */
function answering(name: string, host: string, cacheKeyType: string, extra: object = {}, apiVersion = v1): void {
  const response = JSON.stringify({
    kind: "CredentialProviderResponse",
    apiVersion,
    cacheKeyType,
    auth: { [host]: { username: alice.username, password: alice.password } },
    ...extra,
  });
  plugin(name, `printf '%s' '${response}'`);
}

/** The images each plugin was asked about, in order. */
function requests(name: string): string[] {
  const log = join(dir, `${name}.log`);
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const request = JSON.parse(line) as { kind: string; apiVersion: string; image: string };
      expect(request).toMatchObject({
        kind: "CredentialProviderRequest",
        apiVersion: expect.stringMatching(/^credentialprovider\.kubelet\.k8s\.io\//),
      });
      return request.image;
    });
}

/** A CredentialProviderConfig with one entry per [name, matchImages, apiVersion?]. */
function providerConfig(file: string, providers: [string, string[], string?][], defaultCacheDuration = "10m"): string {
  const path = join(dir, file);
  const entries = providers.map(
    ([name, matchImages, apiVersion]) =>
      `  - name: ${name}\n    matchImages: ${JSON.stringify(matchImages)}\n    defaultCacheDuration: ${defaultCacheDuration}\n    apiVersion: ${apiVersion ?? v1}\n`,
  );
  writeFileSync(
    path,
    `apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n${entries.join("")}`,
  );
  return path;
}

async function resolverWith(config: string, options: { providerTimeoutMs?: number } = {}): Promise<RegistryResolver> {
  const keychain = await createKeychain({
    env: { PATH: "/usr/bin:/bin" },
    credentialProviderConfig: config,
    credentialProviderBinDir: bin,
    ...options,
  });
  return new RegistryResolver({ keychain });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "imagepin-providers-"));
  bin = join(dir, "bin");
  mkdirSync(bin);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("htpasswd registry", () => {
  let registry: TestRegistry;
  let digests: string[];
  const images = (n: number) => Array.from({ length: n }, (_, i) => `${registry.host}/team/app${i}:1`);

  beforeAll(async () => {
    registry = await startRegistry({ auth: { kind: "htpasswd", users: [alice] } });
    digests = [];
    for (let i = 0; i < 6; i++)
      digests.push(
        (await pushImage({ url: registry.url, authorization: basic(alice) }, `team/app${i}`, "1", { seed: `app${i}` }))
          .digest,
      );
    answering("registry-scope", registry.host, "Registry");
    answering("image-scope", registry.host, "Image");
    answering("global-scope", registry.host, "Global");
    answering("expiring", registry.host, "Registry", { cacheDuration: "1s" });
    answering("wrong-api-version", registry.host, "Registry", {}, "credentialprovider.kubelet.k8s.io/v1beta1");
    plugin("bad-json", `printf '{"kind":"CredentialProviderResponse",'`);
    plugin("hangs", "exec sleep 30");
    plugin("crashes", "echo 'metadata service unreachable' >&2\nexit 3");
    plugin("floods", "exec head -c 3000000 /dev/zero");
  });
  afterAll(() => registry?.stop());

  it("registry-scoped answer: resolving six images of one registry at once runs the plugin once", async () => {
    // a glob is not allowed in a port: such a pattern is refused before anything runs
    await expect(
      resolverWith(providerConfig("bad-port.yaml", [["registry-scope", ["127.0.0.1:*"]]])),
    ).rejects.toMatchObject({ code: "invalid-provider-config" });
    const resolver = await resolverWith(
      providerConfig("registry.yaml", [["registry-scope", [`${registry.host}/team`]]]),
    );
    // An image the pattern does not select goes first: the registry's challenge is then known, and the
    // six lookups below reach the plugin at the same moment instead of one after another.
    await expect(resolver.resolve(parseReference(`${registry.host}/other/x:1`))).rejects.toMatchObject({
      code: "unauthorized",
    });
    expect(requests("registry-scope")).toEqual([]);
    const results = await Promise.all(images(6).map((image) => resolver.resolve(parseReference(image))));
    expect(results.map((r) => r.digest)).toEqual(digests);
    expect(requests("registry-scope")).toHaveLength(1);
    expect(requests("registry-scope")[0]).toMatch(/^127\.0\.0\.1:\d+\/team\/app\d$/);
    await resolver.close();
  });

  it("image-scoped answer: one run per image, reused for the same image", async () => {
    const resolver = await resolverWith(providerConfig("image.yaml", [["image-scope", [registry.host]]]));
    for (const image of [...images(3), ...images(3)]) await resolver.resolve(parseReference(image));
    expect(requests("image-scope")).toEqual([0, 1, 2].map((i) => `${registry.host}/team/app${i}`));
    await resolver.close();
  });

  it("global answer: one run for every registry and image", async () => {
    const resolver = await resolverWith(providerConfig("global.yaml", [["global-scope", [registry.host]]]));
    for (const image of images(4)) await resolver.resolve(parseReference(image));
    expect(requests("global-scope")).toHaveLength(1);
    await resolver.close();
  });

  it("cacheDuration: the answer expires and the plugin runs again", async () => {
    const resolver = await resolverWith(providerConfig("expiring.yaml", [["expiring", [registry.host]]]));
    await resolver.resolve(parseReference(images(1)[0]!));
    await resolver.resolve(parseReference(images(2)[1]!));
    expect(requests("expiring")).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await resolver.resolve(parseReference(images(3)[2]!));
    expect(requests("expiring")).toHaveLength(2);
    await resolver.close();
  });

  // [plugin, error message part]
  const broken: [string, RegExp][] = [
    [
      "wrong-api-version",
      /credential provider wrong-api-version for 127\.0\.0\.1:\d+\/team\/app0: answered apiVersion "credentialprovider\.kubelet\.k8s\.io\/v1beta1", but the config names credentialprovider\.kubelet\.k8s\.io\/v1/,
    ],
    ["bad-json", /credential provider bad-json for .*: answered with something that is not JSON/],
    ["hangs", /credential provider hangs for .*: did not answer within 1000 ms/],
    ["crashes", /credential provider crashes for .*: exited with status 3: metadata service unreachable/],
    ["floods", /credential provider floods for .*: wrote more than 1048576 bytes/],
  ];
  it.each(broken)("%s: an attributed error, and the next provider is still asked", async (name, message) => {
    const alone = await resolverWith(providerConfig(`${name}-alone.yaml`, [[name, [registry.host]]]), {
      providerTimeoutMs: 1000,
    });
    const failure = await alone.resolve(parseReference(images(1)[0]!)).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    );
    expect(failure?.code).toBe("unauthorized");
    expect(failure?.message).toMatch(message);
    await alone.close();

    const before = requests("registry-scope").length;
    const withGood = await resolverWith(
      providerConfig(`${name}-then-good.yaml`, [
        [name, [registry.host]],
        ["registry-scope", [registry.host]],
      ]),
      { providerTimeoutMs: 1000 },
    );
    expect((await withGood.resolve(parseReference(images(1)[0]!))).digest).toBe(digests[0]);
    expect(requests(name).length).toBeGreaterThanOrEqual(2);
    expect(requests("registry-scope")).toHaveLength(before + 1);
    await withGood.close();
  });

  it("a plugin whose answer holds nothing for the image is named in the 401", async () => {
    answering("other-registry", "elsewhere.example.com", "Registry");
    const resolver = await resolverWith(providerConfig("other.yaml", [["other-registry", [registry.host]]]));
    const failure = await resolver.resolve(parseReference(images(1)[0]!)).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    );
    expect(failure?.code).toBe("unauthorized");
    expect(failure?.message).toContain(
      `credential-provider:other-registry answered no credential for ${registry.host}/team/app0`,
    );
    expect(requests("other-registry")).toHaveLength(1);
    await resolver.close();
  });

  it("reads a config directory in name order, as the kubelet does, and refuses a name given twice across files", async () => {
    const configDir = join(dir, "config.d");
    mkdirSync(configDir);
    const one = providerConfig("one.yaml", [["image-scope", ["*.example.com"]]]);
    const two = providerConfig("two.yaml", [["registry-scope", [registry.host]]]);
    writeFileSync(join(configDir, "20-registry.yaml"), readFileSync(two, "utf8"));
    writeFileSync(join(configDir, "10-image.json"), JSON.stringify(parseYaml(readFileSync(one, "utf8"))));
    writeFileSync(join(configDir, "notes.txt"), "not a config");
    const providers = await loadCredentialProviders({ configPath: configDir, binDir: bin, env: {} });
    expect(providers.map((p) => p.name)).toEqual(["image-scope", "registry-scope"]);
    writeFileSync(join(configDir, "30-again.yaml"), readFileSync(two, "utf8"));
    await expect(loadCredentialProviders({ configPath: configDir, binDir: bin, env: {} })).rejects.toMatchObject({
      code: "invalid-provider-config",
      message: expect.stringMatching(
        /30-again\.yaml:4:5: duplicate provider name "registry-scope" across configuration files/,
      ),
    });
    await expect(
      loadCredentialProviders({ configPath: configDir, binDir: join(dir, "no-such-dir"), env: {} }),
    ).rejects.toMatchObject({ code: "config-not-found" });
    const missingPlugin = providerConfig("missing-plugin.yaml", [["not-installed", [registry.host]]]);
    await expect(loadCredentialProviders({ configPath: missingPlugin, binDir: bin, env: {} })).rejects.toMatchObject({
      code: "config-not-found",
      message: expect.stringMatching(/not-installed does not exist/),
    });
  });

  it("runs nothing for an image its matchImages do not select", async () => {
    const resolver = await resolverWith(providerConfig("nomatch.yaml", [["image-scope", ["*.example.com"]]]));
    const before = requests("image-scope").length;
    await expect(resolver.resolve(parseReference(images(1)[0]!))).rejects.toMatchObject({ code: "unauthorized" });
    expect(requests("image-scope")).toHaveLength(before);
    await resolver.close();
  });

  it("the docker config comes first, as on a kubelet: a plugin behind an accepted credential never runs", async () => {
    const dockerConfig = join(dir, "docker.json");
    writeFileSync(
      dockerConfig,
      JSON.stringify({ auths: { [registry.host]: { username: alice.username, password: alice.password } } }),
    );
    const config = providerConfig("behind.yaml", [["image-scope", [registry.host]]]);
    const before = requests("image-scope").length;
    const keychain = await createKeychain({
      env: {},
      dockerConfigPath: dockerConfig,
      credentialProviderConfig: config,
      credentialProviderBinDir: bin,
    });
    expect((await keychain.candidates(registry.host, "team/app0")).map((c) => c.source)).toEqual([
      `docker-config:${dockerConfig}`,
      "credential-provider:image-scope",
    ]);
    const resolver = new RegistryResolver({ keychain });
    expect((await resolver.resolve(parseReference(images(1)[0]!))).digest).toBe(digests[0]);
    expect(requests("image-scope")).toHaveLength(before);
    await resolver.close();
  });

  it("auth which lists the provider with its pattern and user, never the password", async () => {
    const keychain = await createKeychain({
      env: {},
      credentialProviderConfig: providerConfig("which.yaml", [["registry-scope", [registry.host, "*.example.com"]]]),
      credentialProviderBinDir: bin,
    });
    expect(await describeCandidates(keychain, images(1)[0]!)).toEqual([
      { source: "credential-provider:registry-scope", key: registry.host, username: alice.username },
    ]);
    const cli = await runImagepin([
      "auth",
      "which",
      "--json",
      "--credential-provider-config",
      join(dir, "which.yaml"),
      "--credential-provider-bin-dir",
      bin,
      images(1)[0]!,
    ]);
    expect(cli.status).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual({
      image: images(1)[0],
      candidates: [{ source: "credential-provider:registry-scope", key: registry.host, username: "alice" }],
    });
    expect(cli.stdout + cli.stderr).not.toContain(alice.password);
  });

  it("resolve and pin through the built CLI; --debug logs the run without the answer", async () => {
    const config = providerConfig("cli.yaml", [["registry-scope", [registry.host]]]);
    const flags = ["--credential-provider-config", config, "--credential-provider-bin-dir", bin];
    const resolved = await runImagepin(["resolve", "--debug", ...flags, ...images(3)]);
    expect(resolved.status).toBe(0);
    expect(resolved.stdout).toContain(digests[2]);
    expect(resolved.stderr).toMatch(
      /credential provider ran \{"provider":"registry-scope","image":"127\.0\.0\.1:\d+\/team\/app\d","durationMs":\d+/,
    );
    expect(resolved.stderr).toMatch(/credential provider answer reused/);
    expect(resolved.stdout + resolved.stderr).not.toContain(alice.password);

    const manifest = join(dir, "deploy.yaml");
    writeFileSync(
      manifest,
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: ${images(1)[0]}\n`,
    );
    const pinned = await runImagepin(["pin", "--write", ...flags, manifest]);
    expect(pinned.status).toBe(0);
    expect(readFileSync(manifest, "utf8")).toContain(`${images(1)[0]}@${digests[0]}`);

    const missing = await runImagepin(["resolve", "--credential-provider-config", config, images(1)[0]!]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--credential-provider-bin-dir is needed/);
  });

  it("webhook serve takes the providers from its config file and pins a private image", async () => {
    const config = providerConfig("webhook.yaml", [["registry-scope", [registry.host]]]);
    const webhookConfig = join(dir, "webhook-config.yaml");
    writeFileSync(webhookConfig, `credentialProviderConfig: ${config}\ncredentialProviderBinDir: ${bin}\n`);
    const cert = makeCertificate(mkdtempSync(join(dir, "tls-")));
    const port = await freePort();
    const server = spawnTracked(process.execPath, [
      imagepinBin,
      "webhook",
      "serve",
      "--listen",
      `127.0.0.1:${port}`,
      "--tls-cert",
      cert.certFile,
      "--tls-key",
      cert.keyFile,
      "--store",
      "memory:",
      "--config",
      webhookConfig,
    ]);
    try {
      await new Promise<void>((resolve, reject) => {
        let log = "";
        server.child.stdout?.on("data", (chunk: Buffer) => {
          log += chunk.toString();
          if (log.includes('"msg":"ready"')) resolve();
        });
        server.child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
        server.child.once("exit", (code) => reject(new Error(`webhook exited with ${code}: ${log}`)));
      });
      const before = requests("registry-scope").length;
      const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "web", namespace: "shop" },
        spec: { containers: images(2).map((image, i) => ({ name: `c${i}`, image })) },
      };
      const request = {
        uid: "uid-1",
        kind: { group: "", version: "v1", kind: "Pod" },
        resource: { group: "", version: "v1", resource: "pods" },
        namespace: "shop",
        operation: "CREATE",
        object: pod,
      };
      const reply = await send(
        port,
        cert.cert,
        "POST",
        "/mutate",
        JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request }),
      );
      expect(reply.status).toBe(200);
      const response = reply.json().response as { allowed: boolean; patch?: string };
      expect(response.allowed).toBe(true);
      const patch = Buffer.from(response.patch ?? "", "base64").toString("utf8");
      expect(patch).toContain(`${images(1)[0]}@${digests[0]}`);
      expect(patch).toContain(`${images(2)[1]}@${digests[1]}`);
      expect(requests("registry-scope")).toHaveLength(before + 1);
    } finally {
      await server.stop();
    }
  });

  it("imageset create resolves a private mirror through the provider", async () => {
    const pushed = await pushImage(
      { url: registry.url, authorization: basic(alice) },
      "mirror/calico/node",
      "v3.32.0",
      { seed: "calico-node" },
    );
    const config = providerConfig("imageset.yaml", [["registry-scope", [registry.host]]]);
    const created = await runImagepin([
      "imageset",
      "create",
      "--registry",
      registry.host,
      "--image-path",
      "mirror/calico",
      "--credential-provider-config",
      config,
      "--credential-provider-bin-dir",
      bin,
      "docker.io/calico/node:v3.32.0",
    ]);
    expect(created.status).toBe(0);
    expect(created.stdout).toContain(pushed.digest);
  });

  it("webhook manifests validate the provider config and mount the plugin directory", async () => {
    const config = providerConfig("manifests.yaml", [["registry-scope", ["*.dkr.ecr.*.amazonaws.com"]]]);
    const good = await runImagepin([
      "webhook",
      "manifests",
      "--image",
      `registry.example/imagepin-webhook@sha256:${"a".repeat(64)}`,
      "--credential-provider-config",
      config,
      "--credential-provider-bin-dir",
      "/etc/eks/image-credential-provider",
    ]);
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/credential-providers\.yaml: \|/);
    expect(good.stdout).toContain("path: /etc/eks/image-credential-provider");
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, readFileSync(config, "utf8").replace("matchImages", "matchImage"));
    const bad = await runImagepin([
      "webhook",
      "manifests",
      "--image",
      `registry.example/imagepin-webhook@sha256:${"a".repeat(64)}`,
      "--credential-provider-config",
      broken,
      "--credential-provider-bin-dir",
      "/etc/eks/image-credential-provider",
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(
      `${broken}:4:5: providers[0]: matchImages: at least one pattern is required (and 1 more: 5:5: providers[0].matchImage: unknown field`,
    );
  });
});

describe("token-auth registry", () => {
  let registry: TestRegistry;
  let tokens: TokenServer;
  let digest: string;
  const service = "imagepin-provider-registry";

  beforeAll(async () => {
    const signingKey = makeSigningKey(mkdtempSync(join(dir, "key-")));
    tokens = await startTokenServer({ users: [alice], signingKey, issuer: "imagepin-provider-issuer", service });
    registry = await startRegistry({
      auth: {
        kind: "token",
        realm: tokens.url,
        service,
        issuer: "imagepin-provider-issuer",
        rootCertFile: signingKey.certFile,
      },
    });
    const response = await fetch(`${tokens.url}?service=${service}&scope=repository:cloud/app:pull,push`, {
      headers: { authorization: basic(alice) },
    });
    const { token } = (await response.json()) as { token: string };
    digest = (await pushImage({ url: registry.url, authorization: `Bearer ${token}` }, "cloud/app", "1")).digest;
    answering("token-registry", registry.host, "Registry");
  });
  afterAll(async () => {
    await registry?.stop();
    await tokens?.close();
  });

  it("the plugin's credentials are exchanged for a bearer token", async () => {
    const resolver = await resolverWith(providerConfig("token.yaml", [["token-registry", [registry.host]]]));
    expect((await resolver.resolve(parseReference(`${registry.host}/cloud/app:1`))).digest).toBe(digest);
    expect(requests("token-registry")).toEqual([`${registry.host}/cloud/app`]);
    expect(tokens.requests().some((r) => r.username === "alice" && r.status === 200)).toBe(true);
    await resolver.close();
  });
});

describe("anonymous registry", () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
    await pushImage({ url: registry.url }, "public/app", "1");
    answering("never-needed", registry.host, "Registry");
  });
  afterAll(() => registry?.stop());

  it("a registry that answers without a challenge never runs the plugin", async () => {
    const resolver = await resolverWith(providerConfig("anonymous.yaml", [["never-needed", [registry.host]]]));
    await settledRequests(registry);
    registry.clearRequests();
    await resolver.resolve(parseReference(`${registry.host}/public/app:1`));
    await resolver.resolve(parseReference(`${registry.host}/public/app:1`));
    expect(requests("never-needed")).toEqual([]);
    expect((await settledRequests(registry)).every((r) => r.status === 200)).toBe(true);
    await resolver.close();
  });
});
