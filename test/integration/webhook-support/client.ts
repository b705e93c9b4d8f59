// A minimal HTTPS client for the webhook tests: trusts exactly the test CA, one request per call.
import { request } from "node:https";
import { connect, type TLSSocket } from "node:tls";

/** Status, body text and the server certificate's CN of one response. */
export interface Reply {
  status: number;
  text: string;
  json(): Record<string, unknown>;
}

/** Sends one HTTPS request to 127.0.0.1:port. */
export function send(
  port: number,
  ca: string,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        ca,
        agent: false,
        headers: { "content-type": "application/json", ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text) as Record<string, unknown> });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The subject CN of the certificate the server presents now. */
export function servedCommonName(port: number, ca: string | string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = connect(
      { host: "127.0.0.1", port, ca, servername: "localhost", rejectUnauthorized: false },
      () => {
        const cn = socket.getPeerCertificate().subject?.CN;
        socket.end();
        resolve(Array.isArray(cn) ? cn.join(",") : (cn ?? ""));
      },
    );
    socket.on("error", reject);
  });
}

/** Sends raw bytes over TLS and closes; resolves with whatever came back before the close. */
export function sendRaw(port: number, ca: string, bytes: string, endAfterWrite = true): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, ca, servername: "localhost" }, () => {
      socket.write(bytes);
      if (endAfterWrite) socket.end();
      else setTimeout(() => socket.destroy(), 50);
    });
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
    socket.on("error", () => {});
  });
}
