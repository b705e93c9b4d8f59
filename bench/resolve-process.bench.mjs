// Resolving tags as users do it: whole processes, start-up included, on the same 300 references
// (6 repositories on the real distribution registry, anonymous, http). Printed side by side, median of
// BENCH_ROUNDS (default 5) alternating rounds:
//   a bare Node fetch HEAD loop at concurrency 16 (the limit; bench/support/fetch-head-loop.mjs);
//   `imagepin resolve -` at --concurrency 16;
//   crane (go-containerregistry) `crane digest`, one process per reference, sequentially and 8 wide,
//   built by scripts/build-crane.sh from Debian's source package (the peer users pick);
//   skopeo `inspect --raw`, 8 wide, and sequentially on a sample of 30, extrapolated.
// Targets (issue 16): imagepin >= 0.85x the bare loop's throughput; imagepin >= 1.8x faster than crane 8 wide.
// Needs `npm run build`, docker-registry, skopeo, and crane (scripts/setup-bench-deps.sh builds it).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { startRegistry } from "../test/harness/registry.ts";
import { pushImage } from "../test/harness/seed.ts";
import { cliBin, median, requireTool } from "./support/servers.ts";

const count = Number(process.env.BENCH_TAGS ?? 300);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const concurrency = 16;
const wide = 8;
const targets = { bare: 0.85, crane: 1.8 };
requireTool("docker-registry");
requireTool("skopeo");
const crane = execFileSync("bash", [fileURLToPath(new URL("../scripts/build-crane.sh", import.meta.url))], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
}).trim();
const loop = fileURLToPath(new URL("./support/fetch-head-loop.mjs", import.meta.url));

const dir = mkdtempSync(join(tmpdir(), "imagepin-bench-resolve-process-"));
const registry = await startRegistry();
try {
  const references = [];
  for (let i = 0; i < count; i++) {
    const repository = `bench/app${Math.floor(i / 50)}`;
    await pushImage({ url: registry.url }, repository, `v${i}`);
    references.push(`${registry.host}/${repository}:v${i}`);
  }
  const listFile = join(dir, "references.txt");
  writeFileSync(listFile, references.join("\n") + "\n");

  const cases = {
    bare: () => run(process.execPath, [loop, listFile, String(concurrency)]),
    imagepin: () =>
      run(
        process.execPath,
        [cliBin, "resolve", "-", "--concurrency", String(concurrency), "--insecure-registry", registry.host],
        references.join("\n"),
      ),
    crane8: () => eachReference(references, wide, (reference) => [crane, ["digest", "--insecure", reference]]),
    skopeo8: () =>
      eachReference(references, wide, (reference) => [
        "skopeo",
        ["inspect", "--raw", "--tls-verify=false", `docker://${reference}`],
      ]),
  };
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, runCase] of Object.entries(cases)) samples[name].push(await timed(runCase));
  }
  // Sequential peers are slow: crane once over all references per round is enough to show it; skopeo on a sample.
  const craneSequential = await timed(() =>
    eachReference(references, 1, (reference) => [crane, ["digest", "--insecure", reference]]),
  );
  const sample = references.slice(0, 30);
  const skopeoSequential =
    ((await timed(() =>
      eachReference(sample, 1, (reference) => [
        "skopeo",
        ["inspect", "--raw", "--tls-verify=false", `docker://${reference}`],
      ]),
    )) /
      sample.length) *
    references.length;

  const bare = median(samples.bare);
  const ours = median(samples.imagepin);
  const crane8 = median(samples.crane8);
  console.log(
    `resolve ${references.length} tags as whole processes, start-up included; median of ${rounds} alternating rounds`,
  );
  console.log("case                                     ms    refs/s   throughput vs bare loop");
  const row = (name, ms, note = "") =>
    console.log(
      `${name.padEnd(36)}${ms.toFixed(0).padStart(7)}${((references.length / ms) * 1000).toFixed(0).padStart(10)}   ${(bare / ms).toFixed(2)}x ${note}`,
    );
  row(`bare node fetch HEAD loop, ${concurrency} wide (limit)`, bare);
  row(
    `imagepin resolve --concurrency ${concurrency}`,
    ours,
    `target >= ${targets.bare}x ${bare / ours >= targets.bare ? "met" : "MISSED"}`,
  );
  row(`crane digest, ${wide} wide`, crane8);
  row("crane digest, sequential (1 run)", craneSequential);
  row(`skopeo inspect --raw, ${wide} wide`, median(samples.skopeo8));
  row(`skopeo inspect --raw, sequential (${sample.length} extrapolated)`, skopeoSequential);
  console.log(
    `imagepin is ${(crane8 / ours).toFixed(2)}x faster than crane ${wide} wide (target >= ${targets.crane}x ${crane8 / ours >= targets.crane ? "met" : "MISSED"}); the bare loop is ${(crane8 / bare).toFixed(2)}x faster`,
  );
} finally {
  await registry.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function timed(runCase) {
  const start = performance.now();
  await runCase();
  return performance.now() - start;
}

/** Runs one process; rejects when it fails. Output is discarded; standard input is `input`, if any. */
function run(command, args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input === undefined ? "ignore" : "pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.slice(0, 3).join(" ")} exited ${code}: ${stderr.slice(0, 500)}`)),
    );
    child.stdin?.end(input);
  });
}

/** One process per reference, `width` at a time. */
async function eachReference(references, width, commandFor) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < references.length) {
        const [command, args] = commandFor(references[next++]);
        await run(command, args);
      }
    }),
  );
}
