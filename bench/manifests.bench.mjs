// Lint and pin throughput over a generated corpus of 10,000 manifests (100 files of 100 documents:
// Deployments with comments, quoted and plain images, an init container, some already pinned),
// beside parse-only with the same YAML library: no scanner built on it can be faster than parsing,
// so that is the limit. Pin uses an in-memory resolver, so the registry is not what is measured.
// Target: lint and pin each at least 0.7 of parse-only throughput. Beside them, a peer: what a tool
// that re-serialises does (yq, kustomize edit): parse, set the images in the tree, stringify; it loses
// comments' places and quoting, so it is the cost of the simple way, not a target.
import { parseAllDocuments, LineCounter } from "yaml";
import { scanText, pinFiles } from "../dist/manifests/index.js";
// A test helper, not shipped in dist: loaded from its TypeScript source (benchmarks run under tsx).
import { memoryResolver } from "../test/support/test-resolver.ts";
import { lintFiles } from "../dist/policy/index.js";

const filesCount = 100;
const perFile = 100;
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const target = 0.7;

function document(file, index) {
  const n = file * perFile + index;
  const pinned = n % 5 === 0 ? `@sha256:${String(n % 10).repeat(64)}` : "";
  return `# Source: chart-${file}/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${n}
  namespace: team-${file}
  labels: {app: app-${n}, tier: web}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-${n}
  template:
    metadata:
      labels:
        app: app-${n}
    spec:
      initContainers:
        - name: migrate
          image: "registry.example.com/team-${file}/migrate:1.${n % 40}"   # runs first
      containers:
        - name: web
          image: registry.example.com/team-${file}/web:2.${n % 50}${pinned}
          imagePullPolicy: IfNotPresent
          ports:
            - containerPort: 8080
          env:
            - {name: MODE, value: production}
`;
}

const corpus = Array.from({ length: filesCount }, (_, file) => ({
  name: `corpus/file-${file}.yaml`,
  text: Array.from({ length: perFile }, (_, index) => document(file, index)).join("---\n"),
}));
const bytes = corpus.reduce((sum, file) => sum + file.text.length, 0);

const cases = {
  "parse only (limit)": async () => {
    for (const file of corpus) parseAllDocuments(file.text, { lineCounter: new LineCounter() });
  },
  "peer: parse, set, stringify": async () => {
    for (const file of corpus) {
      const documents = parseAllDocuments(file.text);
      for (const doc of documents) {
        for (const path of [
          ["spec", "template", "spec", "initContainers", 0, "image"],
          ["spec", "template", "spec", "containers", 0, "image"],
        ]) {
          const image = doc.getIn(path);
          if (!image.includes("@")) doc.setIn(path, `${image}@sha256:${"0".repeat(64)}`);
        }
      }
      documents.map(String).join("");
    }
  },
  lint: async () => {
    lintFiles(corpus.map((file) => scanText(file.name, file.text)));
  },
  "pin (in-memory resolver)": async () => {
    const pinned = await pinFiles(
      corpus.map((file) => scanText(file.name, file.text)),
      { resolver: memoryResolver() },
    );
    if (!pinned.every((file) => file.changed)) throw new Error("pin changed nothing");
  },
};

const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
// Interleaved, after one warm-up round, so machine noise and JIT warm-up fall on all cases alike.
for (let round = 0; round < rounds + 1; round++) {
  for (const [name, run] of Object.entries(cases)) {
    const start = process.hrtime.bigint();
    await run();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (round > 0) samples[name].push(ms);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const limit = median(samples["parse only (limit)"]);
const manifests = filesCount * perFile;
let missed = 0;
console.log(
  `${manifests} manifests in ${filesCount} files (${(bytes / 1e6).toFixed(1)} MB), median of ${rounds} rounds, interleaved`,
);
console.log("case                        median ms   manifests/s   ratio to parse-only   target");
for (const [name, values] of Object.entries(samples)) {
  const ms = median(values);
  const ratio = limit / ms;
  const measured = !name.includes("limit") && !name.startsWith("peer");
  if (measured && ratio < target) missed++;
  console.log(
    `${name.padEnd(28)}${ms.toFixed(0).padStart(9)}   ${Math.round(manifests / (ms / 1000))
      .toString()
      .padStart(
        11,
      )}   ${ratio.toFixed(2).padStart(19)}   ${measured ? `>= ${target} ${ratio >= target ? "met" : "MISSED"}` : ""}`,
  );
}
if (missed > 0) console.log(`${missed} throughput target(s) missed`);
