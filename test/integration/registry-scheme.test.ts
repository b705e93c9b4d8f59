// Scheme rules of issue 3 against the real registry: a loopback registry that speaks plain http is
// probed with TLS once per host and then reached over http for every request (the probe costs nothing
// per request), and credentials never go "down to http" on a redirect, even to the same host and port.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeychain } from "../../src/credentials/index.js";
import { parseReference } from "../../src/reference/index.js";
import { RegistryClient } from "../../src/registry/index.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage, type PushedManifest } from "../harness/seed.js";
import { forwardToRegistry, startSniffingPort } from "../harness/sniffing-port.js";
import { makeCertificates } from "../harness/tls.js";

const alice = { username: "alice", password: "scheme-secret-pw" };
let registry: TestRegistry;
let dir: string;
const pushed: PushedManifest[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "imagepin-scheme-"));
  registry = await startRegistry();
  for (let i = 0; i < 20; i++) pushed.push(await pushImage(registry, "scheme/app", `v${i}`));
}, 60_000);
afterAll(async () => {
  await registry?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a plain-http loopback registry", () => {
  it("is probed with TLS once, then every request goes over http", async () => {
    const port = await startSniffingPort({ kind: "forward", upstream: registry.host });
    const client = new RegistryClient();
    try {
      const results = await Promise.all(
        pushed.map((_, i) => client.resolve(parseReference(`${port.host}/scheme/app:v${i}`))),
      );
      expect(results.map((r) => r.digest)).toEqual(pushed.map((p) => p.digest));
      // later requests of the same run reuse what the probe learnt
      expect((await client.resolve(parseReference(`${port.host}/scheme/app:v0`))).digest).toBe(pushed[0]!.digest);
      expect(port.connections().tls).toBe(1);
      expect(port.connections().plain).toBeGreaterThanOrEqual(1);
    } finally {
      await client.close();
      await port.close();
    }
  });
});

describe("a redirect from https down to http on the same host and port", () => {
  it("is followed without the credentials", async () => {
    const certificates = makeCertificates(mkdtempSync(join(dir, "tls-")));
    const guarded = await startRegistry({
      auth: { kind: "htpasswd", users: [alice] },
      storageDir: registry.storageDir,
    });
    const seen: { scheme: "https" | "http"; method: string; path: string; authorization?: string }[] = [];
    const record = (scheme: "https" | "http", req: IncomingMessage) => {
      seen.push({
        scheme,
        method: req.method ?? "",
        path: req.url ?? "",
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      });
    };
    let host = "";
    const port = await startSniffingPort({
      kind: "serve",
      tls: { certFile: certificates.certFile, keyFile: certificates.keyFile },
      https: (req: IncomingMessage, res: ServerResponse) => {
        record("https", req);
        // Once the client authenticated, send the manifest to plain http on this very host:port.
        if (req.headers.authorization && (req.url ?? "").includes("/manifests/")) {
          res.writeHead(307, { location: `http://${host}${req.url}` }).end();
          return;
        }
        forwardToRegistry(guarded.url, req, res).catch(() => res.writeHead(502).end());
      },
      http: (req: IncomingMessage, res: ServerResponse) => {
        record("http", req);
        forwardToRegistry(registry.url, req, res, false).catch(() => res.writeHead(502).end());
      },
    });
    host = port.host;
    const config = join(dir, "config.json");
    writeFileSync(
      config,
      JSON.stringify({ auths: { [port.host]: { username: alice.username, password: alice.password } } }),
    );
    const client = new RegistryClient({
      keychain: await createKeychain({ dockerConfigPath: config, env: {} }),
      caCertificates: [readFileSync(certificates.caFile, "utf8")],
    });
    try {
      expect((await client.resolve(parseReference(`${port.host}/scheme/app:v1`))).digest).toBe(pushed[1]!.digest);
      expect(seen.some((r) => r.scheme === "https" && r.authorization !== undefined)).toBe(true);
      const downgraded = seen.filter((r) => r.scheme === "http");
      expect(downgraded.length).toBeGreaterThan(0);
      expect(downgraded.filter((r) => r.authorization !== undefined)).toEqual([]);
    } finally {
      await client.close();
      await port.close();
      await guarded.stop();
    }
  });
});
