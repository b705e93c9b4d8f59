// Free loopback ports for servers that must be told their port up front (the registry reads it from its
// config file, so it cannot listen on port 0 and report back).
import { createServer } from "node:net";

/**
 * A TCP port on 127.0.0.1 that was free a moment ago: the OS picks it (listen on port 0), we close the
 * socket and hand the number on. Another process could take it in between, so callers that spawn a server
 * on it should retry on "address in use". Rejects when the OS gives no port.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}
