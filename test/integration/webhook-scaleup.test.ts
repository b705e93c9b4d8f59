// Issue 5: "a short positive cache (default 30 s TTL) and single-flight keep a scale-up of 1,000 Pods from
// sending 1,000 requests to the registry". The built `imagepin webhook serve` with its default config
// answers 1,000 concurrent reviews of Pods using the same two images; the real registry's access log
// must show one manifest request per image, and a second wave inside the TTL none at all.
import { Agent, request } from "node:https";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settledRequests } from "../harness/access-log.js";
import { freePort } from "../harness/ports.js";
import { spawnTracked, type TrackedProcess } from "../harness/processes.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage, pushIndex, type PushedManifest } from "../harness/seed.js";
import { makeCertificate } from "../harness/tls.js";

const bin = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));
const pods = 1000;

let registry: TestRegistry;
let server: TrackedProcess | undefined;
let dir: string;
let cert: ReturnType<typeof makeCertificate>;
let port: number;
let web: PushedManifest;
let cache: PushedManifest;
// Many sockets at once, as several API server replicas would open; each carries many reviews.
let agent: Agent;

function review(name: string, images: string[]): Promise<string[]> {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "shop" },
    spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) },
  };
  const body = JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: `uid-${name}`,
      kind: { group: "", version: "v1", kind: "Pod" },
      resource: { group: "", version: "v1", resource: "pods" },
      namespace: "shop",
      operation: "CREATE",
      object: pod,
    },
  });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/mutate",
        ca: cert.cert,
        agent,
        headers: { "content-type": "application/json" },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const response = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { response: { patch?: string } })
            .response;
          const patch = response.patch
            ? (JSON.parse(Buffer.from(response.patch, "base64").toString("utf8")) as { path: string; value: unknown }[])
            : [];
          resolve(patch.filter((op) => op.path.startsWith("/spec/containers/")).map((op) => String(op.value)));
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

beforeAll(async () => {
  registry = await startRegistry();
  dir = mkdtempSync(join(tmpdir(), "imagepin-webhook-scaleup-"));
  cert = makeCertificate(dir);
  web = await pushImage(registry, "scale/web", "1.25");
  cache = await pushIndex(registry, "scale/cache", "7", [
    { os: "linux", architecture: "amd64" },
    { os: "linux", architecture: "arm64" },
  ]);
  port = await freePort();
  agent = new Agent({ keepAlive: true, maxSockets: 64 });
  // No --config: the default 30 s cache is what is under test.
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
    "--log-level",
    "warn",
  ]);
  server = started;
  await new Promise<void>((resolve, reject) => {
    let log = "";
    const poll = setInterval(() => {
      const probe = request({ host: "127.0.0.1", port, path: "/healthz", ca: cert.cert, agent: false }, (res) => {
        res.resume();
        if (res.statusCode === 200) {
          clearInterval(poll);
          resolve();
        }
      });
      probe.on("error", () => {});
      probe.end();
    }, 100);
    started.child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
    started.child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
    started.child.once("exit", (code) => {
      clearInterval(poll);
      reject(new Error(`webhook exited with ${code}: ${log}`));
    });
  });
}, 60_000);

afterAll(async () => {
  agent?.destroy();
  await server?.stop();
  await registry?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a scale-up of 1,000 Pods", () => {
  it("sends one manifest request per image to the registry, and none while the answers are cached", async () => {
    const images = [`${registry.host}/scale/web:1.25`, `${registry.host}/scale/cache:7`];
    const expected = [`${images[0]}@${web.digest}`, `${images[1]}@${cache.digest}`];
    await settledRequests(registry);
    registry.clearRequests();

    const first = await Promise.all(Array.from({ length: pods }, (_, i) => review(`web-${i}`, images)));
    expect(first.every((patched) => patched.join(" ") === expected.join(" "))).toBe(true);
    const manifestRequests = (await settledRequests(registry)).filter((r) => r.path.includes("/manifests/"));
    expect(manifestRequests.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      "HEAD /v2/scale/cache/manifests/7",
      "HEAD /v2/scale/web/manifests/1.25",
    ]);

    registry.clearRequests();
    const second = await Promise.all(Array.from({ length: pods }, (_, i) => review(`web-again-${i}`, images)));
    expect(second.every((patched) => patched.join(" ") === expected.join(" "))).toBe(true);
    expect(await settledRequests(registry)).toEqual([]);
  }, 120_000);
});
