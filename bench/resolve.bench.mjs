// Tag resolution throughput (issue 3): 500 distinct tags on a local distribution registry, cold (a new
// resolver, and the registry restarted before every run so its caches are cold too). Printed side by
// side: imagepin's RegistryResolver; a bare in-process undici HEAD loop at the same concurrency (the
// limit: it does only the HTTP work, and the registry itself spends ~1.9 ms of CPU per HEAD on 2 cores);
// and sequential `skopeo inspect` per reference (what people use today), timed on a sample and
// extrapolated. Registry requests are counted from the registry's access log. Needs `npm run build`.
// Targets: imagepin >= 0.8x the bare loop's throughput; <= 1 registry request per distinct reference
// (plus one token per repository scope when auth is on; this run is anonymous).
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { Pool, request } from "undici";

const count = Number(process.env.BENCH_TAGS ?? 500);
const concurrency = 16;
const skopeoSample = Number(process.env.BENCH_SKOPEO_SAMPLE ?? 20);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const target = 0.8;

try {
  execFileSync("docker-registry", ["--version"], { stdio: "ignore" });
} catch {
  console.log("docker-registry is not installed (npm test's pretest installs it); skipping");
  process.exit(0);
}
const { RegistryResolver } = await import("../dist/resolve/index.js");
const { parseReference } = await import("../dist/reference/index.js");

const dir = mkdtempSync(join(tmpdir(), "imagepin-bench-resolve-"));
const port = await new Promise((resolve) => {
  const server = createServer().listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const host = `127.0.0.1:${port}`;
const base = `http://${host}`;
writeFileSync(
  join(dir, "config.yml"),
  [
    "version: 0.1",
    "log:",
    "  level: error",
    "  accesslog:",
    "    disabled: false",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${join(dir, "storage")}`,
    "  cache:",
    "    blobdescriptor: inmemory",
    "http:",
    `  addr: ${host}`,
    "",
  ].join("\n"),
);

let registry;
let accessLog = [];
async function startRegistry() {
  registry = spawn("docker-registry", ["serve", join(dir, "config.yml")], { stdio: ["ignore", "pipe", "pipe"] });
  let partial = "";
  const take = (chunk) => {
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      const match = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3}) /.exec(line);
      if (match) accessLog.push({ method: match[1], path: match[2], status: Number(match[3]) });
    }
  };
  registry.stdout.on("data", take);
  registry.stderr.on("data", take);
  for (let i = 0; i < 300; i++) {
    try {
      const response = await request(`${base}/v2/`);
      await response.body.dump();
      if (response.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("registry did not start");
}
async function stopRegistry() {
  if (!registry || registry.exitCode !== null) return;
  const exited = new Promise((resolve) => registry.once("exit", resolve));
  process.kill(registry.pid, "SIGTERM");
  await exited;
}
async function quietLog() {
  let last = -1;
  while (accessLog.length !== last) {
    last = accessLog.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const sha256 = (bytes) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
async function put(method, url, body, contentType) {
  const response = await request(url, { method, body, headers: contentType ? { "content-type": contentType } : {} });
  await response.body.dump();
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode}`);
  return response.headers;
}
async function pushBlob(repository, bytes) {
  const session = await put("POST", `${base}/v2/${repository}/blobs/uploads/`);
  const url = new URL(session.location, base);
  url.searchParams.set("digest", sha256(bytes));
  await put("PUT", url.toString(), bytes, "application/octet-stream");
  return sha256(bytes);
}

// Seed: one repository per 50 tags, each tag its own manifest (distinct annotations, shared blobs).
await startRegistry();
const references = [];
const layer = gzipSync(Buffer.alloc(1024));
const repositories = Math.ceil(count / 50);
for (let r = 0; r < repositories; r++) {
  const repository = `bench/app${r}`;
  const config = Buffer.from(
    JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }),
  );
  const configDigest = await pushBlob(repository, config);
  const layerDigest = await pushBlob(repository, layer);
  const tags = Array.from({ length: Math.min(50, count - r * 50) }, (_, i) => `v${r * 50 + i}`);
  await Promise.all(
    tags.map(async (tag) => {
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest, size: config.length },
          layers: [
            { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: layerDigest, size: layer.length },
          ],
          annotations: { "org.imagepin.bench": tag },
        }),
      );
      await put(
        "PUT",
        `${base}/v2/${repository}/manifests/${tag}`,
        manifest,
        "application/vnd.oci.image.manifest.v1+json",
      );
      references.push(`${host}/${repository}:${tag}`);
    }),
  );
}
const accept =
  "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

async function bareLoop() {
  const pool = new Pool(base, { connections: concurrency });
  let next = 0;
  const worker = async () => {
    while (next < references.length) {
      const reference = references[next++];
      const slash = reference.indexOf("/");
      const [repository, tag] = reference.slice(slash + 1).split(":");
      const response = await pool.request({
        path: `/v2/${repository}/manifests/${tag}`,
        method: "HEAD",
        headers: { accept },
      });
      await response.body.dump();
      if (!response.headers["docker-content-digest"]) throw new Error(`no digest for ${reference}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await pool.close();
}

async function imagepin() {
  const resolver = new RegistryResolver({ concurrency });
  await Promise.all(references.map((text) => resolver.resolve(parseReference(text))));
  await resolver.close();
}

async function timed(run) {
  await stopRegistry();
  await startRegistry();
  await quietLog();
  accessLog = [];
  const start = performance.now();
  await run();
  const ms = performance.now() - start;
  await quietLog();
  return { ms, requests: accessLog.length };
}

const samples = { imagepin: [], bare: [] };
let imagepinRequests = 0;
for (let round = 0; round < rounds; round++) {
  samples.bare.push((await timed(bareLoop)).ms);
  const run = await timed(imagepin);
  samples.imagepin.push(run.ms);
  imagepinRequests = run.requests;
}
const sample = references.slice(0, skopeoSample);
const skopeoStart = performance.now();
for (const reference of sample)
  execFileSync("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${reference}`], {
    stdio: ["ignore", "ignore", "inherit"],
  });
const skopeoMs = ((performance.now() - skopeoStart) / sample.length) * references.length;

await stopRegistry();
rmSync(dir, { recursive: true, force: true });

const best = (values) => Math.min(...values);
const bare = best(samples.bare);
const ours = best(samples.imagepin);
const perSecond = (ms) => (references.length / ms) * 1000;
const ratio = bare / ours;
console.log(
  `resolve ${references.length} distinct tags in ${repositories} repositories, cold, concurrency ${concurrency}, best of ${rounds}`,
);
console.log("case                                   ms    refs/s   throughput vs bare loop");
console.log(
  `bare undici HEAD loop (limit)  ${bare.toFixed(0).padStart(9)} ${perSecond(bare).toFixed(0).padStart(9)}   1.00x`,
);
console.log(
  `imagepin RegistryResolver      ${ours.toFixed(0).padStart(9)} ${perSecond(ours).toFixed(0).padStart(9)}   ${ratio.toFixed(2)}x   target >= ${target}x ${ratio >= target ? "met" : "MISSED"}`,
);
console.log(
  `skopeo inspect, sequential     ${skopeoMs.toFixed(0).padStart(9)} ${perSecond(skopeoMs).toFixed(0).padStart(9)}   ${(bare / skopeoMs).toFixed(2)}x   (extrapolated from ${sample.length} references; imagepin is ${(skopeoMs / ours).toFixed(1)}x faster)`,
);
const perReference = imagepinRequests / references.length;
console.log(
  `registry requests by imagepin: ${imagepinRequests} for ${references.length} distinct references = ${perReference.toFixed(3)} per reference   target <= 1 ${perReference <= 1 ? "met" : "MISSED"}`,
);
