// Runs every bench/*.bench.mjs in turn, each in its own process so one benchmark's warm caches and
// servers cannot flatter the next. A benchmark prints its own table: ours, the peer, the limit, ratios.
// `npm run bench -- NAME` runs only the benchmarks whose file name contains NAME.
// Benchmarks run under tsx so they can share the test harness (test/harness/*.ts: a real registry,
// its seeder) instead of keeping a second copy of it in JavaScript.
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const filter = process.argv[2];
const files = readdirSync(dir)
  .filter((name) => name.endsWith(".bench.mjs") && (!filter || name.includes(filter)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file}`);
  const result = spawnSync(process.execPath, ["--import", "tsx", `${dir}/${file}`], { stdio: "inherit" });
  if (result.status !== 0) failed++;
}
if (files.length === 0) console.log("no benchmarks matched");
process.exitCode = failed > 0 ? 1 : 0;
