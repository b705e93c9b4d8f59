// Issue 3's limits on what a registry or token server can make the client do, against the real
// registry in token mode with the fault proxy in front of it and of its token server: no redirect is
// followed on a token request, and manifest and token bodies over their caps are refused, not read.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeychain } from "../../src/credentials/index.js";
import { parseReference } from "../../src/reference/index.js";
import { RegistryClient, type RegistryError } from "../../src/registry/index.js";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage } from "../harness/seed.js";
import { makeSigningKey } from "../harness/tls.js";
import { startTokenServer, type TokenServer } from "../harness/token-server.js";

const alice = { username: "alice", password: "limits-secret" };
const service = "imagepin-limits-registry";
const tokenPath = /^\/token/;
const manifests = /\/manifests\//;
let dir: string;
let tokens: TokenServer;
let tokenProxy: FaultProxy;
let registry: TestRegistry;
let registryProxy: FaultProxy;
let digest: string;
let keychainFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "imagepin-limits-"));
  const signingKey = makeSigningKey(mkdtempSync(join(dir, "key-")));
  tokens = await startTokenServer({ users: [alice], signingKey, issuer: "imagepin-limits-issuer", service });
  tokenProxy = await startFaultProxy(tokens.url.replace(/\/token$/, ""));
  // The registry sends clients to the proxy, which forwards to the token server unless told otherwise.
  registry = await startRegistry({
    auth: {
      kind: "token",
      realm: `${tokenProxy.url}/token`,
      service,
      issuer: "imagepin-limits-issuer",
      rootCertFile: signingKey.certFile,
    },
  });
  const basic = `Basic ${Buffer.from(`${alice.username}:${alice.password}`).toString("base64")}`;
  const { token } = (await (
    await fetch(`${tokens.url}?service=${service}&scope=repository:limits/app:pull,push`, {
      headers: { authorization: basic },
    })
  ).json()) as { token: string };
  digest = (await pushImage({ url: registry.url, authorization: `Bearer ${token}` }, "limits/app", "1")).digest;
  registryProxy = await startFaultProxy(registry.url);
  keychainFile = join(dir, "config.json");
  writeFileSync(
    keychainFile,
    JSON.stringify({ auths: { [registryProxy.host]: { username: alice.username, password: alice.password } } }),
  );
});
afterAll(async () => {
  await registryProxy?.close();
  await registry?.stop();
  await tokenProxy?.close();
  await tokens?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function resolveOnce(): Promise<{ digest?: string; error?: RegistryError }> {
  const client = new RegistryClient({ keychain: await createKeychain({ dockerConfigPath: keychainFile, env: {} }) });
  try {
    return { digest: (await client.resolve(parseReference(`${registryProxy.host}/limits/app:1`))).digest };
  } catch (error) {
    return { error: error as RegistryError };
  } finally {
    await client.close();
  }
}

describe("token requests", () => {
  it("resolve through the proxied token server when nothing is injected", async () => {
    expect(await resolveOnce()).toEqual({ digest });
  });

  it("follow no redirect, not even to the real token server", async () => {
    tokens.clearRequests();
    tokenProxy.always(tokenPath, {
      kind: "redirect",
      location: (path) => `${tokens.url}${path.replace(/^\/token/, "")}`,
    });
    try {
      const { error } = await resolveOnce();
      expect(error).toMatchObject({ code: "invalid-response" });
      expect(error?.message).toContain("redirect");
      expect(tokens.requests()).toEqual([]);
    } finally {
      tokenProxy.always(tokenPath, undefined);
    }
  });

  it("refuse a token body over 1 MiB", async () => {
    tokenProxy.inject(tokenPath, {
      kind: "tamper",
      body: () => Buffer.from(JSON.stringify({ token: "x".repeat(2 << 20) })),
    });
    const { error } = await resolveOnce();
    expect(error).toMatchObject({ code: "invalid-response" });
    expect(error?.message).toMatch(/more than \d+ bytes/);
  });
});

describe("manifest bodies", () => {
  it("refuse a manifest over 4 MiB", async () => {
    // No digest on the HEAD, so the client must GET the manifest, which the proxy inflates.
    registryProxy.always(manifests, {
      kind: "tamper",
      dropDigestOnHead: true,
      body: (bytes) => Buffer.concat([bytes, Buffer.alloc(5 << 20, 0x20)]),
    });
    try {
      const { error } = await resolveOnce();
      expect(error).toMatchObject({ code: "invalid-response" });
      expect(error?.message).toMatch(/more than \d+ bytes/);
      expect(registryProxy.requests().some((r) => r.method === "GET" && r.status === 200)).toBe(true);
    } finally {
      registryProxy.always(manifests, undefined);
    }
  });
});
