// The demo of imagepin's main job. Until the registry-backed commands land it shows the grammar every
// other command rests on: how references people write are normalized, and which are rejected.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../dist/cli/bin.js", import.meta.url));
const examples = [
  "nginx",
  "nginx:1.25",
  "bitnami/redis:7.2",
  "index.docker.io/library/busybox",
  "quay.io/calico/node:v3.28.0",
  "localhost:5000/team/app:dev",
  "[::1]:5000/app",
  "ghcr.io/org/app:1.0@sha256:" + "0".repeat(64),
  "Nginx:latest",
  "nginx@sha256:abc",
];

function run(args) {
  console.log(`\n$ imagepin ${args.map((a) => (/[^\w@:./=-]/.test(a) ? `'${a}'` : a)).join(" ")}`);
  const result = spawnSync(process.execPath, [bin, ...args], { stdio: "inherit" });
  return result.status ?? 1;
}

let failures = 0;
// Text form: valid references print their normalized form, invalid ones an error; exit 1 because two are invalid.
if (run(["parse", ...examples]) !== 1) failures++;
if (run(["parse", "--json", "nginx:1.25", "nginx@sha256:abc"]) !== 1) failures++;
if (failures > 0) {
  console.error(`\ndemo: ${failures} step(s) did not behave as shown`);
  process.exit(1);
}
console.log("\ndemo: every step behaved as shown");
