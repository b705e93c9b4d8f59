// The client when things go wrong, against the real registry behind servers we control: 429/503 with
// Retry-After (a fault-injecting proxy), a redirect to another host that must not get credentials, a
// registry that stops mid-run, and manifests whose bytes do not match their digest.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeychain } from "../../src/credentials/index.js";
import { parseReference } from "../../src/reference/index.js";
import { isRegistryError, RegistryClient, type RegistryError } from "../../src/registry/index.js";
import { RegistryResolver } from "../../src/resolve/index.js";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage, skopeoDigest } from "../harness/seed.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const alice = { username: "alice", password: "wonderland" };
const manifests = /\/manifests\//;
let registry: TestRegistry;
let proxy: FaultProxy;
let digest: string;

beforeAll(async () => {
  registry = await startRegistry();
  digest = (await pushImage({ url: registry.url }, "faults/app", "1")).digest;
  proxy = await startFaultProxy(registry.url);
});
afterAll(async () => {
  await proxy?.close();
  await registry?.stop();
});

const viaProxy = (path = "faults/app:1") => parseReference(`${proxy.host}/${path}`);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as RegistryError,
  );

describe("retries", () => {
  it("waits out 429 and 503 as Retry-After says, then resolves", async () => {
    const client = new RegistryClient();
    proxy.clearRequests();
    proxy.inject(
      manifests,
      { kind: "status", status: 429, headers: { "retry-after": "1" } },
      { kind: "status", status: 503 },
    );
    const started = Date.now();
    expect((await client.resolve(viaProxy())).digest).toBe(digest);
    const seen = proxy.requests().filter((r) => manifests.test(r.path));
    expect(seen.map((r) => r.status)).toEqual([429, 503, 200]);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(5000);
    await client.close();
  });

  it("gives up after the retries with a temporary error carrying the status", async () => {
    const client = new RegistryClient({ retry: { baseDelayMs: 10 } });
    proxy.always(manifests, { kind: "status", status: 503 });
    try {
      proxy.clearRequests();
      const error = await failure(client.resolve(viaProxy()));
      expect(error).toMatchObject({ code: "server-error", status: 503, temporary: true });
      expect(proxy.requests().filter((r) => manifests.test(r.path))).toHaveLength(4);
      proxy.always(manifests, { kind: "status", status: 429, headers: { "retry-after": "120" } });
      proxy.clearRequests();
      // a Retry-After past what we wait for is not waited for
      expect(await failure(client.resolve(viaProxy()))).toMatchObject({
        code: "too-many-requests",
        status: 429,
        temporary: true,
      });
      expect(proxy.requests().filter((r) => manifests.test(r.path))).toHaveLength(1);
    } finally {
      proxy.always(manifests, undefined);
      await client.close();
    }
  });
});

describe("digests", () => {
  it("falls back to GET when HEAD has no digest, and refuses bytes that do not match", async () => {
    const client = new RegistryClient();
    proxy.inject(manifests, { kind: "tamper", dropDigestOnHead: true });
    proxy.clearRequests();
    expect((await client.resolve(viaProxy())).digest).toBe(digest);
    expect(proxy.requests().map((r) => r.method)).toEqual(["HEAD", "GET"]);

    proxy.inject(
      manifests,
      { kind: "tamper", dropDigestOnHead: true },
      { kind: "tamper", body: (bytes) => Buffer.from(bytes.toString().replace("schemaVersion", "schemaVersion ")) },
    );
    const error = await failure(client.resolve(viaProxy()));
    expect(error).toMatchObject({ code: "digest-mismatch", temporary: false });
    await client.close();
  });

  it("refuses a HEAD digest other than the pinned one", async () => {
    const client = new RegistryClient();
    proxy.inject(manifests, { kind: "tamper", digest: `sha256:${"1".repeat(64)}` });
    expect(await failure(client.resolve(viaProxy(`faults/app@${digest}`)))).toMatchObject({ code: "digest-mismatch" });
    await client.close();
  });
});

describe("redirects", () => {
  it("never sends credentials to the host a manifest redirect points at", async () => {
    const dir = mkdtempSync(join(tmpdir(), "imagepin-redirect-"));
    const guarded = await startRegistry({
      auth: { kind: "htpasswd", users: [alice] },
      storageDir: registry.storageDir,
    });
    const front = await startFaultProxy(guarded.url);
    const storage = await startFaultProxy(registry.url, "127.0.0.2");
    try {
      front.always(manifests, {
        kind: "redirect",
        onlyWithAuthorization: true,
        location: (path) => `${storage.url}${path}`,
      });
      const config = join(dir, "config.json");
      writeFileSync(
        config,
        JSON.stringify({ auths: { [front.host]: { username: alice.username, password: alice.password } } }),
      );
      const client = new RegistryClient({ keychain: await createKeychain({ dockerConfigPath: config, env: {} }) });
      expect((await client.resolve(parseReference(`${front.host}/faults/app:1`))).digest).toBe(digest);
      expect(front.requests().some((r) => r.authorization)).toBe(true);
      expect(storage.requests().length).toBeGreaterThan(0);
      expect(storage.requests().filter((r) => r.authorization)).toEqual([]);
      await client.close();
    } finally {
      await front.close();
      await storage.close();
      await guarded.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a registry that stops mid-run", () => {
  it("reports unreachable (temporary) while down and recovers when it is back", async () => {
    const own = await startRegistry();
    const pushed = await pushImage({ url: own.url }, "outage/app", "1");
    const resolver = new RegistryResolver({ retry: { baseDelayMs: 10 } });
    try {
      const reference = parseReference(`${own.host}/outage/app:1`);
      expect((await resolver.resolve(reference)).digest).toBe(pushed.digest);
      await own.pause();
      const error = await failure(resolver.resolve(reference));
      expect(isRegistryError(error, "unreachable")).toBe(true);
      expect(error).toMatchObject({ temporary: true, registry: own.host });
      await own.restart();
      expect((await resolver.resolve(reference)).digest).toBe(pushed.digest);
      expect(await skopeoDigest(`${own.host}/outage/app:1`)).toBe(pushed.digest);
    } finally {
      await resolver.close();
      await own.stop();
    }
  });

  it("ends with timeout when the deadline passes", async () => {
    const client = new RegistryClient({ timeoutMs: 300 });
    proxy.always(manifests, { kind: "status", status: 503, headers: { "retry-after": "1" } });
    try {
      const started = Date.now();
      const error = await failure(client.resolve(viaProxy()));
      expect(error?.code === "timeout" || error?.code === "server-error").toBe(true);
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      proxy.always(manifests, undefined);
      await client.close();
    }
  });
});
