// Issue 5: "Graceful shutdown: in-flight reviews finish on SIGTERM." The built `imagepin webhook serve`
// gets SIGTERM while a review waits on a registry that accepts connections and never answers: the review
// still gets its answer (at the review deadline, with a warning), new connections are refused, and the
// process exits soon after, without waiting for the abandoned registry request to time out.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../harness/ports.js";
import { spawnTracked, type TrackedProcess } from "../harness/processes.js";
import { send } from "./webhook-support/client.js";
import { makeCertificate } from "../harness/tls.js";

const bin = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));
let dir: string;
let blackHole: Server;
let blackHoleHost: string;
const held = new Set<Socket>();
let server: TrackedProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "imagepin-webhook-shutdown-"));
  blackHole = createServer((socket) => {
    held.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => held.delete(socket));
  });
  await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", () => resolve()));
  blackHoleHost = `127.0.0.1:${(blackHole.address() as { port: number }).port}`;
});
afterAll(async () => {
  await server?.stop("SIGKILL");
  for (const socket of held) socket.destroy();
  await new Promise<void>((resolve) => blackHole.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe("webhook serve on SIGTERM", () => {
  it("answers the review in flight, refuses new connections and exits promptly", async () => {
    const cert = makeCertificate(dir);
    const port = await freePort();
    writeFileSync(join(dir, "config.yaml"), "deadlineSeconds: 2\n");
    const started = spawnTracked(process.execPath, [
      bin,
      "webhook",
      "serve",
      "--listen",
      `127.0.0.1:${port}`,
      "--tls-cert",
      cert.certFile,
      "--tls-key",
      cert.keyFile,
      "--store",
      `sqlite://${join(dir, "digests.db")}`,
      "--config",
      join(dir, "config.yaml"),
      "--timeout",
      "30",
    ]);
    server = started;
    let log = "";
    await new Promise<void>((resolve, reject) => {
      started.child.stdout?.on("data", (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('"msg":"ready"')) resolve();
      });
      started.child.once("exit", (code) => reject(new Error(`webhook exited with ${code}: ${log}`)));
    });

    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "web", namespace: "shop" },
      spec: { containers: [{ name: "app", image: `${blackHoleHost}/shop/app:1` }] },
    };
    const request = {
      uid: "uid-shutdown",
      kind: { group: "", version: "v1", kind: "Pod" },
      resource: { group: "", version: "v1", resource: "pods" },
      namespace: "shop",
      operation: "CREATE",
      object: pod,
    };
    const pending = send(
      port,
      cert.cert,
      "POST",
      "/mutate",
      JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request }),
    );
    while (held.size === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    started.signal("SIGTERM");
    const signalledAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(send(port, cert.cert, "GET", "/healthz")).rejects.toMatchObject({ code: "ECONNREFUSED" });

    const reply = await pending;
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ response: { uid: "uid-shutdown", allowed: true } });
    expect(JSON.stringify(reply.json())).toContain("timeout");

    expect(await started.exited()).toBe(0);
    // the review deadline (2 s), then closing; not the 30 s registry timeout
    expect(Date.now() - signalledAt).toBeLessThan(6000);
  }, 30_000);
});
