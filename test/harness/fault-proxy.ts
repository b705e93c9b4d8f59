// A fault-injecting HTTP proxy for tests: sits in front of a real registry and, per request, either
// forwards it or answers with an injected status (429/503 with Retry-After), or alters the manifest it
// forwards (a wrong digest). Records every request it saw, with whether credentials came along.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";

/** What to do with one request: forward it, answer it, or forward it and change the answer. */
export type Fault =
  | { kind: "status"; status: number; headers?: Record<string, string> }
  | {
      kind: "tamper";
      dropDigestOnHead?: boolean;
      body?: (bytes: Buffer) => Buffer;
      digest?: string;
      headers?: Record<string, string>;
    }
  | { kind: "redirect"; location: (path: string) => string; status?: number; onlyWithAuthorization?: boolean };

/** One request the proxy saw. */
export interface ProxiedRequest {
  method: string;
  path: string;
  authorization: boolean;
  status: number;
  at: number;
}

/** A running proxy. */
export interface FaultProxy {
  /** `HOST:PORT` as written in image references. */
  host: string;
  url: string;
  /** Faults taken in order by requests whose path matches; when none is left, requests are forwarded. */
  inject(match: RegExp, ...faults: Fault[]): void;
  /** A fault applied to every matching request until cleared. */
  always(match: RegExp, fault: Fault | undefined): void;
  /** Holds every request this long before handling it, as a distant registry would (0 turns it off). */
  setLatency(ms: number): void;
  requests(): ProxiedRequest[];
  clearRequests(): void;
  close(): Promise<void>;
}

/** Starts a proxy to `upstream` (`http://127.0.0.1:PORT`) on `bindHost` (default 127.0.0.1) and a free port. */
export async function startFaultProxy(upstream: string, bindHost = "127.0.0.1"): Promise<FaultProxy> {
  const queued: { match: RegExp; fault: Fault }[] = [];
  const standing = new Map<string, { match: RegExp; fault: Fault }>();
  const log: ProxiedRequest[] = [];
  let latencyMs = 0;

  const applies = (fault: Fault, authorized: boolean) =>
    !(fault.kind === "redirect" && fault.onlyWithAuthorization && !authorized);
  const pick = (path: string, authorized: boolean): Fault | undefined => {
    const index = queued.findIndex((entry) => entry.match.test(path) && applies(entry.fault, authorized));
    if (index >= 0) return queued.splice(index, 1)[0]!.fault;
    for (const entry of standing.values())
      if (entry.match.test(path) && applies(entry.fault, authorized)) return entry.fault;
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = req.url ?? "/";
    const entry: ProxiedRequest = {
      method: req.method ?? "GET",
      path,
      authorization: req.headers.authorization !== undefined,
      status: 0,
      at: Date.now(),
    };
    log.push(entry);
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const fault = pick(path, entry.authorization);
    if (fault?.kind === "status") {
      entry.status = fault.status;
      res
        .writeHead(fault.status, { "content-type": "application/json", ...fault.headers })
        .end(JSON.stringify({ errors: [{ code: "INJECTED", message: "injected fault" }] }));
      return;
    }
    if (fault?.kind === "redirect") {
      entry.status = fault.status ?? 307;
      res.writeHead(entry.status, { location: fault.location(path) }).end();
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of ["accept", "authorization"])
      if (typeof req.headers[name] === "string") headers[name] = req.headers[name];
    const upstreamResponse = await request(upstream + path, { method: req.method as "GET" | "HEAD", headers });
    let body: Buffer = Buffer.from(await upstreamResponse.body.arrayBuffer());
    const outHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(upstreamResponse.headers)) {
      if (
        typeof value === "string" &&
        !["content-length", "connection", "keep-alive", "transfer-encoding"].includes(name)
      )
        outHeaders[name] = value;
    }
    if (fault?.kind === "tamper" && upstreamResponse.statusCode === 200) {
      if (fault.dropDigestOnHead && req.method === "HEAD") delete outHeaders["docker-content-digest"];
      if (fault.body && req.method === "GET") body = fault.body(body);
      if (fault.digest) outHeaders["docker-content-digest"] = fault.digest;
      Object.assign(outHeaders, fault.headers);
    }
    entry.status = upstreamResponse.statusCode;
    outHeaders["content-length"] = String(
      req.method === "HEAD" ? (upstreamResponse.headers["content-length"] ?? body.length) : body.length,
    );
    res.writeHead(upstreamResponse.statusCode, outHeaders).end(req.method === "HEAD" ? undefined : body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502).end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, bindHost, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host: `${bindHost}:${port}`,
    url: `http://${bindHost}:${port}`,
    inject: (match, ...faults) => void queued.push(...faults.map((fault) => ({ match, fault }))),
    always: (match, fault) =>
      fault ? void standing.set(match.source, { match, fault }) : void standing.delete(match.source),
    setLatency: (ms) => void (latencyMs = ms),
    requests: () => log.slice(),
    clearRequests: () => void log.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
