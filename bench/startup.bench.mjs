// Start-up of the CLI as a whole process beside a bare `node -e 0` in the same run (the limit: no CLI can
// start faster than the runtime). Targets (issue 16): `--version` <= 1.1x, `parse nginx` <= 1.25x,
// `lint` of one small Deployment <= 1.5x. Wall time is the median of BENCH_ROUNDS (default 30)
// interleaved runs; CPU time (user + system of the child, from /proc/self/stat's cutime and cstime) is
// the mean, printed beside it because on a machine shared with other work it moves far less.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const bin = process.env.BENCH_BIN ?? fileURLToPath(new URL("../dist/cli/bin.js", import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
const dir = mkdtempSync(join(tmpdir(), "imagepin-bench-startup-"));
const small = join(dir, "deploy.yaml");
writeFileSync(
  small,
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.25\n",
);

/** CPU milliseconds used by this process's waited-for children so far (clock ticks of 10 ms). */
function childrenCpuMs() {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

function timeOnce(args, okStatus) {
  const cpu = childrenCpuMs();
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] });
  if (!okStatus.includes(result.status)) throw new Error(`${args.join(" ")} exited ${result.status}`);
  return { wall: Number(process.hrtime.bigint() - start) / 1e6, cpu: childrenCpuMs() - cpu };
}

const cases = [
  { name: "node -e 0 (limit)", args: ["-e", "0"], ok: [0] },
  { name: "imagepin --version", args: [bin, "--version"], ok: [0], target: 1.1 },
  { name: "imagepin parse nginx", args: [bin, "parse", "nginx"], ok: [0], target: 1.25 },
  // exit 1: the file has an unpinned image, which is what lint is for
  { name: "imagepin lint deploy.yaml", args: [bin, "lint", small], ok: [1], target: 1.5 },
];
const samples = cases.map(() => ({ wall: [], cpu: 0 }));
// Interleaved so machine noise falls on every case alike; three warm-up rounds fill the page cache.
for (let round = 0; round < rounds + 3; round++) {
  cases.forEach((c, i) => {
    const run = timeOnce(c.args, c.ok);
    if (round < 3) return;
    samples[i].wall.push(run.wall);
    samples[i].cpu += run.cpu;
  });
}
rmSync(dir, { recursive: true, force: true });
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const bareWall = median(samples[0].wall);
const bareCpu = samples[0].cpu / rounds;
let missed = 0;
console.log(`start-up as whole processes: wall median and mean CPU of ${rounds} interleaved runs each`);
console.log("case                         wall ms   ratio    CPU ms   ratio   target");
cases.forEach((c, i) => {
  const wall = median(samples[i].wall);
  const cpu = samples[i].cpu / rounds;
  const ratio = wall / bareWall;
  if (c.target && ratio > c.target) missed++;
  const verdict = c.target
    ? `<= ${c.target}x ${ratio <= c.target ? "met" : "MISSED"} (by CPU ${(cpu / bareCpu).toFixed(2)}x)`
    : "";
  console.log(
    `${c.name.padEnd(27)}${wall.toFixed(1).padStart(9)}${(ratio.toFixed(2) + "x").padStart(8)}${cpu.toFixed(1).padStart(10)}${((cpu / bareCpu).toFixed(2) + "x").padStart(8)}   ${verdict}`,
  );
});
if (missed > 0) console.log(`${missed} start-up target(s) missed by wall time`);
