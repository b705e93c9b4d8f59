// Hostile files (issue 18): time and peak RSS of lint on each shape the issue names, one child process
// per input so each peak is its own. Target: every input up to 10 MB finishes in under 5 s and 512 MB.
// The target is judged on CPU time (user + system), which a loaded machine (shared by many jobs) does
// not inflate the way it inflates wall time; both are printed.
// Peer: the yaml library's parseAllDocuments on the same text, unbounded (what lint did before the
// bounds; capped here at a 1 GB heap and 60 s). Limit: reading the file, which no linter can skip.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  deepBlock,
  deepFlow,
  flowSequence,
  longDockerfileLine,
  manyAliases,
  manyDocuments,
  MiB,
} from "../test/support/hostile-inputs.ts";

const targetMs = 5000;
const targetMB = 512;
const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const yamlEntry = import.meta.resolve("yaml");

const ordinaryPod = (n) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: p${n}, labels: {app: web}}\nspec:\n  containers:\n    - name: web\n      image: registry.example.com/team/web:2.${n % 50}\n      ports: [{containerPort: 8080}]\n`;
const inputs = {
  "flow sequence 5 MB": ["f.yaml", () => flowSequence(5 * MiB)],
  "flow sequence 9.9 MB": ["f.yaml", () => flowSequence(9_900_000)],
  "500k aliases in 2 MB": ["f.yaml", () => manyAliases(2 * MiB)],
  "200k documents": ["f.yaml", () => manyDocuments(200_000)],
  "flow nested 900 deep": ["f.yaml", () => deepFlow(900)],
  "maps nested 900 deep": ["f.yaml", () => deepBlock(900)],
  "ordinary Pods, 9.9 MB": [
    "f.yaml",
    () =>
      Array.from({ length: 50_000 }, (_, n) => ordinaryPod(n))
        .join("---\n")
        .slice(0, 9_900_000),
  ],
  "Dockerfile, one 8 MB line": ["Dockerfile", () => longDockerfileLine(8 * MiB)],
  "1 MB of NUL bytes": ["f.yaml", () => "\0".repeat(MiB)],
};

// Each child reports its own wall time and peak RSS as JSON on stdout.
const measure = (body) =>
  `const started = performance.now(); ${body}; const usage = process.resourceUsage(); console.log(JSON.stringify({ ms: performance.now() - started, cpu: (usage.userCPUTime + usage.systemCPUTime) / 1000, mb: usage.maxRSS / 1024 }));`;
const cases = {
  "read only (limit)": (file) => measure(`(await import("node:fs")).readFileSync(${JSON.stringify(file)}, "utf8")`),
  "imagepin lint": (file) =>
    measure(
      `const { loadManifests } = await import(${JSON.stringify(`${dist}manifests/index.js`)}); const { lintFiles } = await import(${JSON.stringify(`${dist}policy/index.js`)}); lintFiles((await loadManifests([${JSON.stringify(file)}], { readStdin: async () => "" })).files)`,
    ),
  "peer: yaml parseAllDocuments": (file) =>
    measure(
      `const { parseAllDocuments } = await import(${JSON.stringify(yamlEntry)}); parseAllDocuments((await import("node:fs")).readFileSync(${JSON.stringify(file)}, "utf8"))`,
    ),
};

function run(script, heapMB) {
  const result = spawnSync(process.execPath, [`--max-old-space-size=${heapMB}`, "--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.status === 0) return JSON.parse(result.stdout.trim().split("\n").pop());
  return {
    failed:
      result.error?.code === "ETIMEDOUT" || result.signal === "SIGTERM"
        ? "timeout 60 s"
        : /heap out of memory/.test(result.stderr)
          ? `out of ${heapMB} MB heap`
          : `exit ${result.status}`,
  };
}

const dir = mkdtempSync(join(tmpdir(), "imagepin-hostile-bench-"));
let missed = 0;
console.log("input                        case                          wall ms     CPU ms   peak MB   target");
try {
  for (const [input, [name, make]] of Object.entries(inputs)) {
    const file = join(dir, name);
    writeFileSync(file, make());
    for (const [label, script] of Object.entries(cases)) {
      const isPeer = label.startsWith("peer");
      const measured = run(script(file), isPeer ? 1024 : targetMB);
      const ours = label === "imagepin lint";
      const met = ours && !measured.failed && measured.cpu < targetMs && measured.mb < targetMB;
      if (ours && !met) missed++;
      const numbers = measured.failed
        ? measured.failed.padStart(30)
        : `${measured.ms.toFixed(0).padStart(8)}   ${measured.cpu.toFixed(0).padStart(8)}   ${measured.mb.toFixed(0).padStart(7)}`;
      console.log(
        `${input.padEnd(29)}${label.padEnd(30)}${numbers}   ${ours ? `< ${targetMs} CPU ms, < ${targetMB} MB ${met ? "met" : "MISSED"}` : ""}`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (missed > 0) console.log(`${missed} target(s) missed`);
