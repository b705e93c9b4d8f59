import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../internal/logger.js";
import { ImagepinError } from "../errors.js";
import { silentLogger } from "../internal/logger.js";
import type { WebhookMetrics } from "./metrics.js";
import type { AdmissionReviewer, ReviewAnswer } from "./review.js";
import { loadTls, watchTls, type TlsFiles } from "./tls.js";

/** Options of {@link startWebhookServer}. */
export interface WebhookServerOptions {
  reviewer: AdmissionReviewer;
  metrics: WebhookMetrics;
  tls: TlsFiles;
  /** Address to listen on; default `0.0.0.0` (in a Pod the API server connects from outside). */
  host?: string;
  /** Port; default 8443; 0 picks a free one. */
  port?: number;
  /** Largest accepted request body; default 4 MiB. Larger bodies get 413. */
  maxBodyBytes?: number;
  logger?: Logger;
  /** Extra readiness check for `/readyz` (for example, the store answers); default always ready. */
  ready?: () => Promise<boolean>;
  /** Poll interval of the certificate files; default 10 s. */
  tlsPollMs?: number;
}

/** A running webhook server. */
export interface WebhookServer {
  readonly host: string;
  readonly port: number;
  /** Reviews being answered right now. */
  readonly inFlight: number;
  /**
   * Stops gracefully: `/readyz` turns 503 at once; requests are still served for `delayMs` (default 0),
   * the time Kubernetes needs to take the Pod out of the Service's endpoints; then no new connections
   * are accepted and in-flight reviews finish; after `graceMs` (default 20 s) remaining connections are cut.
   */
  close(graceMs?: number, delayMs?: number): Promise<void>;
}

/**
 * Starts the HTTPS admission server: `POST /mutate`, `POST /validate`, `GET /healthz`, `/readyz`,
 * `/metrics`. TLS 1.2 minimum; the certificate and key are reloaded when the files change. Every
 * request gets an answer: bad bodies a 400 (or 413 when too large), unknown paths 404, other methods
 * 405, each with a JSON body `{code, message}` (`invalid-review`, `body-too-large`, `not-found`,
 * `method-not-allowed`, `internal-error`), and nothing a client sends can end the process.
 *
 * @throws ImagepinError `invalid-tls` when the certificate or key cannot be loaded; `listen-failed`
 *   naming the address (`EADDRINUSE`, …) when it cannot be bound.
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const logger = options.logger ?? silentLogger;
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const { fingerprint, ...tlsOptions } = loadTls(options.tls);
  let inFlight = 0;
  let closing = false;
  /** Set when stopping begins, before `closing`: /readyz answers 503 through the shutdown delay. */
  let notReady = false;
  let drained: (() => void) | undefined;

  const server: Server = createServer({ ...tlsOptions }, (req, res) => {
    inFlight++;
    handle(req, res)
      .catch((error: unknown) => {
        if (req.destroyed || res.destroyed) {
          logger.debug({ err: (error as Error).message, path: req.url }, "client went away");
          return;
        }
        logger.error({ err: (error as Error).message, path: req.url }, "request failed");
        if (!res.headersSent) send(res, 500, { code: "internal-error", message: "internal error" });
        else res.destroy();
      })
      .finally(() => {
        inFlight--;
        if (closing && inFlight === 0) drained?.();
      });
  });
  // Kubernetes reuses connections to the webhook; keep them longer than the API server's idle timeout.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  server.on("clientError", (error, socket) => {
    logger.debug({ err: error.message }, "client error");
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  server.on("tlsClientError", (error) => logger.debug({ err: error.message }, "TLS handshake failed"));

  const stopWatching = watchTls(
    options.tls,
    fingerprint,
    (next) => server.setSecureContext(next),
    logger,
    options.tlsPollMs,
  );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/mutate" || path === "/validate") {
      if (req.method !== "POST")
        return send(
          res,
          405,
          { code: "method-not-allowed", message: `${path} takes POST, not ${req.method}` },
          { allow: "POST" },
        );
      const body = await readBody(req, maxBody);
      if (body === undefined) {
        options.metrics.review(path.slice(1), "invalid", 0);
        res.setHeader("connection", "close");
        return send(res, 413, { code: "body-too-large", message: `request body is larger than ${maxBody} bytes` });
      }
      const answer: ReviewAnswer =
        path === "/mutate" ? await options.reviewer.mutate(body) : await options.reviewer.validate(body);
      if (answer.status === 400) return send(res, 400, { code: answer.code, message: answer.message });
      return send(res, 200, answer.body);
    }
    if (req.method !== "GET" && req.method !== "HEAD")
      return send(
        res,
        405,
        { code: "method-not-allowed", message: `${path} takes GET, not ${req.method}` },
        { allow: "GET, HEAD" },
      );
    if (path === "/healthz") return sendText(res, 200, "ok\n");
    if (path === "/readyz") {
      const ready = !notReady && (options.ready ? await options.ready().catch(() => false) : true);
      return sendText(res, ready ? 200 : 503, ready ? "ok\n" : "not ready\n");
    }
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": options.metrics.contentType });
      res.end(await options.metrics.text());
      return;
    }
    return send(res, 404, {
      code: "not-found",
      message: `no such path ${path}; use /mutate, /validate, /healthz, /readyz or /metrics`,
    });
  }

  const host = options.host ?? "0.0.0.0";
  const port = options.port ?? 8443;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    // The certificate watcher's timer would otherwise keep a server that never listened alive.
    stopWatching();
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "EADDRINUSE"
        ? "the address is already in use"
        : code === "EACCES"
          ? "permission denied"
          : code === "EADDRNOTAVAIL"
            ? "no such local address"
            : (error as Error).message;
    const address = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    throw new ImagepinError("listen-failed", `cannot listen on ${address}: ${reason}${code ? ` (${code})` : ""}`, {
      cause: error,
    });
  }
  const address = server.address() as AddressInfo;
  logger.info({ host: address.address, port: address.port }, "webhook listening");

  return {
    host: address.address,
    port: address.port,
    get inFlight() {
      return inFlight;
    },
    async close(graceMs = 20_000, delayMs = 0) {
      if (closing || notReady) return;
      notReady = true;
      // API servers keep sending reviews until the endpoint removal reaches them: answer them meanwhile.
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      closing = true;
      stopWatching();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
      }
      // Keep-alive connections that became idle after their last review, and any left after the grace.
      server.closeAllConnections();
      await stopped;
    },
  };
}

/** Reads a body up to `limit` bytes; undefined when it is larger (the rest is discarded). */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    let ended = false;
    req.on("end", () => {
      ended = true;
      // A review body usually arrives in one chunk; decode it without copying it first.
      resolve(over ? undefined : (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString("utf8"));
    });
    req.on("error", reject);
    // A client that goes away mid-body: no 'end' comes, and without this the review would count as in flight forever.
    req.on("close", () => {
      if (!ended) reject(new Error("client closed the connection before the body ended"));
    });
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
