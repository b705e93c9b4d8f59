// Processes the benchmarks measure, started the way users start them: `imagepin webhook serve` from the
// built CLI, a bare Node HTTPS server as the limit, and `wrk` as the load generator. Every process is
// spawned through the test harness's tracker, so a failing benchmark leaves nothing running.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort } from "../../test/harness/ports.js";
import { spawnTracked, type TrackedProcess } from "../../test/harness/processes.js";

const execFileAsync = promisify(execFile);

export const root = fileURLToPath(new URL("../..", import.meta.url));
/** The CLI under test; BENCH_BIN points at another build (an older commit's, for before/after figures). */
export const cliBin = process.env.BENCH_BIN ?? join(root, "dist/cli/bin.js");

/** Fails with a clear message when a tool the benchmark needs is missing (scripts/setup-bench-deps.sh installs it). */
export function requireTool(command: string, versionArgs: string[] = ["--version"]): void {
  const result = spawnSync(command, versionArgs, { stdio: "ignore" });
  if (result.error) throw new Error(`${command} is not installed; run scripts/setup-bench-deps.sh`);
}

/** A self-signed RSA-2048 serving certificate for 127.0.0.1, the kind cert-manager issues by default. */
export function rsaCertificate(dir: string): { certFile: string; keyFile: string; ca: string } {
  const certFile = join(dir, "tls.crt");
  const keyFile = join(dir, "tls.key");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "1",
      "-subj",
      "/CN=bench",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  return { certFile, keyFile, ca: readFileSync(certFile, "utf8") };
}

/** A server process and the port it answers on. */
export interface ServerProcess {
  process: TrackedProcess;
  port: number;
  /** Resident set size now, in MB (from /proc). */
  rssMb(): number;
  /** CPU seconds (user + system) the process has used so far (from /proc). */
  cpuSeconds(): number;
}

/**
 * CPU seconds (user + system) a process has used: on a machine shared with other work, CPU per request
 * moves far less than requests per second, so the benchmarks print both.
 */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Waits until `GET /healthz` answers 200 over TLS, or fails after 30 s or when the process exits. */
async function waitHealthy(port: number, process: TrackedProcess, ca: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (!process.running()) throw new Error("server exited before it was healthy");
    const ok = await new Promise<boolean>((resolve) => {
      const req = request({ host: "127.0.0.1", port, path: "/healthz", ca, agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode === 200));
      });
      req.on("error", () => resolve(false));
      req.end();
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("server did not become healthy within 30 s");
}

/** Options of {@link startWebhookServe}. */
export interface WebhookServeOptions {
  certFile: string;
  keyFile: string;
  ca: string;
  /** `sqlite:///abs/path.db` and so on. */
  store: string;
  /** `HOST:PORT` of the registry, passed as --insecure-registry (the benchmark registry speaks http). */
  registryHost: string;
  /** Where the server's JSON log lines go (a file, as a container runtime would take them). */
  logFile: string;
  /** Extra node flags, such as --cpu-prof. */
  nodeFlags?: string[];
  extraArgs?: string[];
}

/** Runs `imagepin webhook serve` as a user would, logging at info (stdout drained), and waits until healthy. */
export async function startWebhookServe(options: WebhookServeOptions): Promise<ServerProcess> {
  const port = await freePort();
  const args = [
    ...(options.nodeFlags ?? []),
    cliBin,
    "webhook",
    "serve",
    "--listen",
    `127.0.0.1:${port}`,
    "--tls-cert",
    options.certFile,
    "--tls-key",
    options.keyFile,
    "--store",
    options.store,
    "--insecure-registry",
    options.registryHost,
    "--log-level",
    "info",
    ...(options.extraArgs ?? []),
  ];
  const log = openSync(options.logFile, "a");
  const process = spawnTracked(globalThis.process.execPath, args, { stdio: ["ignore", log, "inherit"] });
  closeSync(log);
  await waitHealthy(port, process, options.ca);
  return { process, port, rssMb: () => rssOf(process.pid), cpuSeconds: () => cpuSecondsOf(process.pid) };
}

/**
 * The limit: a bare Node HTTPS server with the same certificate that reads the body, parses the review
 * and answers `responseText` (imagepin's own answer to the benchmark review, so both send the same bytes).
 */
export async function startBareServer(
  certFile: string,
  keyFile: string,
  ca: string,
  dir: string,
  responseText: string,
): Promise<ServerProcess> {
  const script = join(dir, "bare-server.mjs");
  writeFileSync(
    script,
    `
    import { createServer } from "node:https";
    import { readFileSync } from "node:fs";
    const response = ${JSON.stringify(responseText)};
    const server = createServer({ cert: readFileSync(${JSON.stringify(certFile)}), key: readFileSync(${JSON.stringify(keyFile)}), minVersion: "TLSv1.2" }, (req, res) => {
      if (req.url === "/healthz") return res.end("ok");
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const review = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        if (review.kind !== "AdmissionReview") res.writeHead(400);
        else res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(response) });
        res.end(response);
      });
    });
    server.keepAliveTimeout = 65000;
    server.listen(Number(process.argv[2]), "127.0.0.1");
  `,
  );
  const port = await freePort();
  const process = spawnTracked(globalThis.process.execPath, [script, String(port)], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitHealthy(port, process, ca);
  return { process, port, rssMb: () => rssOf(process.pid), cpuSeconds: () => cpuSecondsOf(process.pid) };
}

/** POSTs one body and resolves with the status and response text. */
export function post(
  port: number,
  path: string,
  body: string,
  ca: string,
  agent: Agent | false = false,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path,
        ca,
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** What one wrk run reports. */
export interface WrkResult {
  requests: number;
  perSecond: number;
  /** Non-2xx answers and socket errors together. */
  errors: number;
}

/**
 * Runs Debian's `wrk` (one thread, `connections` keep-alive connections) for `seconds` against
 * `https://127.0.0.1:PORT/PATH`, with a Lua script that builds each request.
 */
export async function runWrk(
  port: number,
  path: string,
  luaFile: string,
  seconds: number,
  connections = 16,
): Promise<WrkResult> {
  // Asynchronous on purpose: the registry's access log and the servers' logs reach this process through
  // pipes, and a blocked event loop here would fill them and stall the writers mid-benchmark.
  const { stdout: output } = await execFileAsync(
    "wrk",
    ["-t1", `-c${connections}`, `-d${seconds}s`, "-s", luaFile, `https://127.0.0.1:${port}${path}`],
    { encoding: "utf8" },
  );
  const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? NaN);
  const perSecond = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  if (!Number.isFinite(perSecond)) throw new Error(`cannot read wrk's output:\n${output}`);
  return { requests, perSecond, errors: non2xx + socketErrors };
}

/** A wrk Lua script that POSTs the same JSON body on every request. */
export function fixedBodyScript(dir: string, name: string, body: string): string {
  const file = join(dir, `${name}.lua`);
  writeFileSync(
    file,
    `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${luaString(body)}\n`,
  );
  return file;
}

/** Text as a Lua long string literal. */
export function luaString(text: string): string {
  let level = "";
  while (text.includes(`]${level}]`)) level += "=";
  return `[${level}[${text}]${level}]`;
}

/**
 * Open loop at `perSecond` for `ms` (wrk has no fixed-rate mode; wrk2 is not in Debian): latency counted
 * from each request's scheduled start, so a stalled server cannot hide its queue. p50 and p99 in ms.
 */
export async function openLoopLatency(
  port: number,
  body: string,
  ca: string,
  perSecond: number,
  ms: number,
): Promise<{ p50: number; p99: number; count: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const samples: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < ms) {
    const due = Math.floor(((performance.now() - start) / 1000) * perSecond);
    for (; sent < due; sent++) {
      const scheduled = start + (sent / perSecond) * 1000;
      pending.push(post(port, "/mutate", body, ca, agent).then(() => void samples.push(performance.now() - scheduled)));
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  agent.destroy();
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { p50: at(0.5), p99: at(0.99), count: samples.length };
}

/** The median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The fault proxy with `latencyMs` before every request, in its own process (bench/support/latency-proxy.ts). */
export async function startLatencyProxy(
  upstream: string,
  latencyMs: number,
): Promise<{ host: string; process: TrackedProcess }> {
  const script = join(root, "bench/support/latency-proxy.ts");
  const process = spawnTracked(globalThis.process.execPath, ["--import", "tsx", script, upstream, String(latencyMs)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const host = await new Promise<string>((resolve, reject) => {
    let text = "";
    process.child.stdout?.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = /proxy (\S+)/.exec(text);
      if (match) resolve(match[1]!);
    });
    process.child.once("exit", (code) => reject(new Error(`latency proxy exited with ${code}`)));
  });
  return { host, process };
}
