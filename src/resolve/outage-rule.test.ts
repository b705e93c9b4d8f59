// The one outage rule (issue 18), error class by error class: the real registry client against local
// servers that fail each way, then the fallback resolver with a last known digest in the store. Outages
// (connection refused, timeout, 5xx, 429) serve the last known digest; answers (an untrusted certificate,
// a refused credential, a missing tag, a response that is not the distribution API, a digest that does
// not match) never do, whatever the store holds.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCertificate } from "../../test/harness/tls.js";
import { parseReference } from "../reference/index.js";
import { isOutage } from "../registry/errors.js";
import { MemoryDigestStore } from "../store/memory.js";
import { FallbackResolver } from "./fallback.js";
import { RegistryResolver } from "./registry-resolver.js";

const manifest = Buffer.from(
  JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: {}, layers: [] }),
);
const manifestType = "application/vnd.oci.image.manifest.v1+json";
const lastKnown = `sha256:${"e".repeat(64)}`;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Each failing registry: how to start it, the code the client reports, and whether it is an outage. */
const cases: {
  name: string;
  code: string;
  outage: boolean;
  handler?: Handler;
  raw?: (socket: Socket) => void;
  tls?: true;
  closed?: true;
}[] = [
  { name: "connection refused", code: "unreachable", outage: true, closed: true },
  { name: "no answer within the request timeout", code: "timeout", outage: true, handler: () => {} },
  {
    name: "503 after the retries",
    code: "server-error",
    outage: true,
    handler: (_req, res) => void res.writeHead(503).end(),
  },
  {
    name: "429 after the retries",
    code: "too-many-requests",
    outage: true,
    handler: (_req, res) => void res.writeHead(429).end(),
  },
  {
    name: "an untrusted certificate",
    code: "unreachable",
    outage: false,
    tls: true,
    handler: (_req, res) => void res.writeHead(200).end(),
  },
  {
    name: "credentials refused (401)",
    code: "unauthorized",
    outage: false,
    handler: (_req, res) => void res.writeHead(401, { "www-authenticate": 'Basic realm="r"' }).end(),
  },
  {
    name: "a tag that does not exist (404)",
    code: "not-found",
    outage: false,
    handler: (_req, res) => void res.writeHead(404).end(),
  },
  // The fuzz finding: a 100 KB challenge header was reported `unreachable` and served the last known digest.
  {
    name: "a 100 KB WWW-Authenticate header",
    code: "invalid-response",
    outage: false,
    handler: (_req, res) =>
      void res.writeHead(401, { "www-authenticate": `Bearer realm="${"a".repeat(100_000)}"` }).end(),
  },
  {
    name: "bytes that are not HTTP",
    code: "invalid-response",
    outage: false,
    raw: (socket) => socket.end("SSH-2.0-OpenSSH_9.2\r\n\r\n"),
  },
  {
    name: "a header line that is not a header",
    code: "invalid-response",
    outage: false,
    raw: (socket) => socket.end("HTTP/1.1 200 OK\r\nnot a header\r\n\r\n"),
  },
  {
    name: "an unknown media type",
    code: "invalid-response",
    outage: false,
    handler: (req, res) =>
      void res.writeHead(200, { "content-type": "text/html" }).end(req.method === "HEAD" ? undefined : "<html>"),
  },
  {
    name: "a manifest whose bytes do not match its digest",
    code: "digest-mismatch",
    outage: false,
    handler: (req, res) => {
      if (req.method === "HEAD") return void res.writeHead(200, { "content-type": manifestType }).end();
      res
        .writeHead(200, {
          "content-type": manifestType,
          "docker-content-digest": `sha256:${createHash("sha256").update("other").digest("hex")}`,
        })
        .end(manifest);
    },
  },
];

describe("the outage rule decides the fallback", () => {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const hosts = new Map<string, string>();
  let dir: string;
  let resolver: RegistryResolver;

  const listen = async (server: Server): Promise<string> => {
    servers.push(server);
    server.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `127.0.0.1:${(server.address() as { port: number }).port}`;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "imagepin-outage-"));
    const cert = makeCertificate(dir);
    for (const entry of cases) {
      if (entry.closed) {
        const host = await listen(createNetServer());
        await new Promise((resolve) => servers.pop()!.close(resolve));
        hosts.set(entry.name, host);
      } else if (entry.raw) hosts.set(entry.name, await listen(createNetServer(entry.raw)));
      else if (entry.tls)
        hosts.set(
          entry.name,
          await listen(createHttpsServer({ cert: cert.cert, key: readFileSync(cert.keyFile) }, entry.handler)),
        );
      else hosts.set(entry.name, await listen(createHttpServer(entry.handler)));
    }
    const plain = cases.filter((entry) => !entry.tls).map((entry) => hosts.get(entry.name)!);
    // Short timeouts and backoff keep the suite fast; the classes do not depend on them.
    resolver = new RegistryResolver({
      insecureRegistries: plain,
      requestTimeoutMs: 300,
      timeoutMs: 5000,
      retry: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 20 },
    });
  }, 30_000);

  afterAll(async () => {
    await resolver?.close();
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const entry of cases) {
    it(`${entry.name}: ${entry.code}, ${entry.outage ? "an outage: the last known digest is served" : "an answer: no fallback"}`, async () => {
      const reference = parseReference(`${hosts.get(entry.name)}/team/app:1`);
      const store = new MemoryDigestStore();
      await store.put({
        reference: reference.normalized,
        digest: lastKnown,
        mediaType: manifestType,
        resolvedAt: 1_700_000_000_000,
        scope: "public",
      });
      const error = await resolver.resolve(reference).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toMatchObject({ code: entry.code });
      expect(isOutage(error)).toBe(entry.outage);
      const fallback = new FallbackResolver({ resolver, store });
      if (entry.outage) {
        await expect(fallback.resolve(reference, { scope: "public" })).resolves.toMatchObject({
          source: "fallback",
          digest: lastKnown,
          fallbackReason: { code: entry.code },
        });
      } else {
        await expect(fallback.resolve(reference, { scope: "public" })).rejects.toMatchObject({ code: entry.code });
      }
    });
  }
});
