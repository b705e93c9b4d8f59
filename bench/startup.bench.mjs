// Start-up time of the CLI beside a bare `node -e 0` in the same run (the limit: no CLI can start
// faster than the runtime). Target: `imagepin --version` and `imagepin parse nginx` within 1.5x.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../dist/cli/bin.js", import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
const target = 1.5;

function timeOnce(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const cases = {
  "node -e 0 (limit)": ["-e", "0"],
  "imagepin --version": [bin, "--version"],
  "imagepin parse nginx": [bin, "parse", "nginx"],
};
const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
// Interleave the cases so machine noise falls on all of them alike.
for (let round = 0; round < rounds + 3; round++) {
  for (const [name, args] of Object.entries(cases)) {
    const ms = timeOnce(args);
    if (round >= 3) samples[name].push(ms);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const bare = median(samples["node -e 0 (limit)"]);
let missed = 0;
console.log(`start-up, median of ${rounds} runs each, interleaved`);
console.log("case                      median ms   ratio to bare node   target");
for (const [name, values] of Object.entries(samples)) {
  const ms = median(values);
  const ratio = ms / bare;
  const isLimit = name.includes("limit");
  if (!isLimit && ratio > target) missed++;
  console.log(`${name.padEnd(26)}${ms.toFixed(1).padStart(9)}   ${ratio.toFixed(2).padStart(18)}x   ${isLimit ? "" : `<= ${target}x ${ratio <= target ? "met" : "MISSED"}`}`);
}
if (missed > 0) console.log(`${missed} start-up target(s) missed`);
