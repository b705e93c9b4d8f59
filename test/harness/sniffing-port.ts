// One loopback port that tells TLS from plain HTTP by the first byte a client sends (0x16 opens a TLS
// handshake), for two kinds of test: counting how often a client tries TLS on a plain-http registry
// (the scheme probe must be paid once per host, not per request), and serving https and http on the
// same host:port, so a redirect can go "down to http" without changing host or port.
import { readFileSync } from "node:fs";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { request } from "undici";

const tlsHandshake = 0x16;

/** What a {@link startSniffingPort} does with the connections of each protocol. */
export type SniffingMode =
  /** Every connection is piped byte for byte to `upstream` (`127.0.0.1:PORT`), TLS attempts included. */
  | { kind: "forward"; upstream: string }
  /** TLS connections are served by `https` (with the certificate), plain ones by `http`. */
  | { kind: "serve"; tls: { certFile: string; keyFile: string }; https: RequestListener; http: RequestListener };

/** A running sniffing port. */
export interface SniffingPort {
  /** `127.0.0.1:PORT`. */
  host: string;
  /** Connections that opened with a TLS handshake, and those that did not. */
  connections(): { tls: number; plain: number };
  close(): Promise<void>;
}

/** Starts a sniffing port on 127.0.0.1 and a free port. */
export async function startSniffingPort(mode: SniffingMode): Promise<SniffingPort> {
  const counts = { tls: 0, plain: 0 };
  const sockets = new Set<Socket>();
  // TLS cannot be handed a socket whose first bytes were already read, so each protocol gets its own
  // internal server and the sniffer pipes bytes to the right one.
  let upstreams: { tls: string; plain: string };
  const internal: Server[] = [];
  if (mode.kind === "serve") {
    const https = createHttpsServer(
      { cert: readFileSync(mode.tls.certFile), key: readFileSync(mode.tls.keyFile) },
      mode.https,
    );
    const http = createHttpServer(mode.http);
    internal.push(https, http);
    upstreams = { tls: await listenOnLoopback(https), plain: await listenOnLoopback(http) };
  } else {
    upstreams = { tls: mode.upstream, plain: mode.upstream };
  }

  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    socket.once("data", (first: Buffer) => {
      socket.pause();
      const isTls = first[0] === tlsHandshake;
      if (isTls) counts.tls++;
      else counts.plain++;
      const [upstreamHost, upstreamPort] = (isTls ? upstreams.tls : upstreams.plain).split(":");
      const upstream = connect(Number(upstreamPort), upstreamHost);
      sockets.add(upstream);
      upstream.on("error", () => socket.destroy());
      socket.on("close", () => upstream.destroy());
      upstream.on("close", () => {
        sockets.delete(upstream);
        socket.destroy();
      });
      upstream.write(first);
      socket.pipe(upstream).pipe(socket);
      socket.resume();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    connections: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        for (const other of internal) {
          other.closeAllConnections();
          other.close();
        }
        server.close(() => resolve());
      }),
  };
}

/**
 * Forwards a GET or HEAD to `upstream` (`http://127.0.0.1:PORT`) with the headers a registry needs
 * (`accept`, and `authorization` unless `withAuthorization` is false) and copies the answer back.
 */
export async function forwardToRegistry(
  upstream: string,
  req: IncomingMessage,
  res: ServerResponse,
  withAuthorization = true,
): Promise<void> {
  const headers: Record<string, string> = {};
  for (const name of ["accept", ...(withAuthorization ? ["authorization"] : [])])
    if (typeof req.headers[name] === "string") headers[name] = req.headers[name];
  const answer = await request(upstream + (req.url ?? "/"), { method: req.method as "GET" | "HEAD", headers });
  const body = Buffer.from(await answer.body.arrayBuffer());
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (typeof value === "string" && !["connection", "keep-alive", "transfer-encoding"].includes(name))
      out[name] = value;
  }
  res.writeHead(answer.statusCode, out).end(req.method === "HEAD" ? undefined : body);
}

async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}
