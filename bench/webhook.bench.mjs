// Admission webhook throughput and latency with a warm cache, beside a bare Node.js HTTPS server that
// answers the same AdmissionReview response to the same request (the limit: no webhook written on Node
// can answer faster than one that does no work). Each server runs in its own process (one core); the
// load generator runs here (the other core). Targets (issue 5): reviews/s >= 0.6x the bare server, and
// p99 < 10 ms at 500 reviews/s.
//
// The resolver is an in-memory stand-in answering `cached`, as the registry resolver does with a warm
// positive cache; everything else (TLS, body read, JSON parse, filters, JSON Patch, annotations, metrics,
// JSON logs at info to /dev/null) is the real server. Needs `npm run build`.
import { execFileSync, spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rate = 500;
const dir = mkdtempSync(join(tmpdir(), "imagepin-bench-webhook-"));
const certFile = join(dir, "tls.crt");
const keyFile = join(dir, "tls.key");
execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "1", "-subj", "/CN=bench", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
const ca = readFileSync(certFile, "utf8");

const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { generateName: "web-", namespace: "apps", labels: { app: "web" } },
  spec: {
    initContainers: [{ name: "init", image: "busybox:1.36" }],
    containers: [
      { name: "web", image: "nginx:1.25", ports: [{ containerPort: 80 }], resources: { requests: { cpu: "100m" } } },
      { name: "sidecar", image: "quay.io/prometheus/node-exporter:v1.8.0" },
    ],
  },
};
const body = JSON.stringify({
  apiVersion: "admission.k8s.io/v1",
  kind: "AdmissionReview",
  request: { uid: "bench-uid", kind: { group: "", version: "v1", kind: "Pod" }, resource: { group: "", version: "v1", resource: "pods" }, namespace: "apps", operation: "CREATE", object: pod },
});

const imagepinServer = `
  const { serveWebhook, defaultWebhookConfig, WebhookMetrics } = await import(${JSON.stringify(join(root, "dist/webhook/index.js"))});
  const { MemoryDigestStore } = await import(${JSON.stringify(join(root, "dist/store/index.js"))});
  const { pino } = await import("pino");
  // Logging as \`webhook serve\` does (JSON lines at info), written to /dev/null.
  const logger = pino({ level: "info", base: { component: "imagepin-webhook" } }, pino.destination({ dest: "/dev/null", sync: false }));
  const digest = "sha256:" + "a".repeat(64);
  const resolver = { async resolve(reference) {
    return { reference, pinned: reference.withDigest(digest), digest, mediaType: "application/vnd.oci.image.index.v1+json", source: "cached", resolvedAt: Date.now() };
  } };
  const server = await serveWebhook({ config: defaultWebhookConfig(), resolver, store: new MemoryDigestStore(), tls: { certFile: ${JSON.stringify(certFile)}, keyFile: ${JSON.stringify(keyFile)} }, host: "127.0.0.1", port: 0, metrics: new WebhookMetrics(), logger });
  process.stdout.write(String(server.port) + "\\n");`;

// The limit: read the body, answer a fixed response of the same size as imagepin's.
const bareServer = (responseText) => `
  const { createServer } = await import("node:https");
  const { readFileSync } = await import("node:fs");
  const response = ${JSON.stringify(responseText)};
  const server = createServer({ cert: readFileSync(${JSON.stringify(certFile)}), key: readFileSync(${JSON.stringify(keyFile)}), minVersion: "TLSv1.2" }, (req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(response) });
      res.end(response);
    });
  });
  server.keepAliveTimeout = 65000;
  server.listen(0, "127.0.0.1", () => process.stdout.write(String(server.address().port) + "\\n"));`;

function startServer(script) {
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout.once("data", (chunk) => resolve({ child, port: Number(String(chunk).trim()) }));
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

function post(agent, port) {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/mutate", ca, agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString("utf8")) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Closed loop: `concurrency` clients back to back for `ms`; reviews per second. */
async function throughput(port, ms, concurrency = 16) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let done = 0;
  const end = performance.now() + ms;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      await post(agent, port);
      done++;
    }
  }));
  agent.destroy();
  return done / (ms / 1000);
}

/** Open loop at `perSecond` for `ms`: latency from each request's scheduled start; p50 and p99 in ms. */
async function latency(port, perSecond, ms) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const samples = [];
  const pending = [];
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < ms) {
    const due = Math.floor(((performance.now() - start) / 1000) * perSecond);
    for (; sent < due; sent++) {
      const scheduled = start + (sent / perSecond) * 1000;
      pending.push(post(agent, port).then(() => samples.push(performance.now() - scheduled)));
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  agent.destroy();
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { p50: at(0.5), p99: at(0.99), count: samples.length };
}

const imagepin = await startServer(imagepinServer);
const sample = await post(new Agent(), imagepin.port);
if (!JSON.parse(sample).response.patch) throw new Error("imagepin did not patch the benchmark Pod");
const bare = await startServer(bareServer(sample));
try {
  // Warm-up, then measure interleaved so machine noise falls on both.
  await throughput(bare.port, 800);
  await throughput(imagepin.port, 800);
  // Three alternating rounds, median of each: other work on the machine falls on both servers alike.
  const bareRates = [];
  const ourRates = [];
  for (let round = 0; round < 3; round++) {
    bareRates.push(await throughput(bare.port, seconds * 1000));
    ourRates.push(await throughput(imagepin.port, seconds * 1000));
  }
  const median = (values) => [...values].sort((a, b) => a - b)[1];
  const bareRate = median(bareRates);
  const ourRate = median(ourRates);
  const bareLatency = await latency(bare.port, rate, seconds * 1000);
  const ourLatency = await latency(imagepin.port, rate, seconds * 1000);
  const ratio = ourRate / bareRate;
  console.log(`admission webhook, warm cache, POST /mutate (Pod with 3 images); reviews/s: median of 3 alternating ${seconds}s rounds, 16 clients; latency: ${seconds}s open loop at ${rate}/s`);
  console.log("server                        reviews/s   p50 ms @500/s   p99 ms @500/s");
  const row = (name, r, l) => console.log(`${name.padEnd(28)}${r.toFixed(0).padStart(11)}${l.p50.toFixed(2).padStart(16)}${l.p99.toFixed(2).padStart(16)}`);
  row("bare node https (limit)", bareRate, bareLatency);
  row("imagepin webhook serve", ourRate, ourLatency);
  console.log(`ratio to the limit: ${ratio.toFixed(2)}x (target >= 0.6: ${ratio >= 0.6 ? "met" : "MISSED"}); p99 at 500/s: ${ourLatency.p99.toFixed(2)} ms (target < 10: ${ourLatency.p99 < 10 ? "met" : "MISSED"})`);
} finally {
  imagepin.child.kill("SIGTERM");
  bare.child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
