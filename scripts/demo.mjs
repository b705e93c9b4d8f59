// The demo of imagepin's main job, on this machine, with no network but loopback: a throw-away CNCF
// distribution registry seeded with demo images, then every command as a user runs it, each printed
// before its output. Exits non-zero when a step does not behave as shown. Run with `npm run demo`
// (tsx loads the test harness's registry launcher and seeder, so the demo and the tests share them).
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../test/harness/ports.ts";
import { spawnTracked } from "../test/harness/processes.ts";
import { startRegistry } from "../test/harness/registry.ts";
import { pushImage, pushIndex } from "../test/harness/seed.ts";
import { makeCertificates } from "../test/harness/tls.ts";
import { postReview, podReview, waitForWebhook } from "./demo-review.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "dist/cli/bin.js");
const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const work = mkdtempSync(join(tmpdir(), "imagepin-demo-"));
const cleanups = [() => rmSync(work, { recursive: true, force: true })];
let failures = 0;

async function cleanup() {
  while (cleanups.length > 0) await Promise.resolve(cleanups.pop()()).catch(() => undefined);
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    console.error(`\ndemo: ${signal}, cleaning up`);
    cleanup().finally(() => process.exit(130));
  });
}

function section(title) {
  console.log(`\n${bold(`## ${title}`)}`);
}

/** Runs `imagepin ARGS` in `cwd`, printing the command and its output; checks the exit status. */
function imagepin(args, { expect = 0, cwd = work, input } = {}) {
  const shown = args.map((arg) => (/[^\w@:./=-]/.test(arg) ? `'${arg}'` : arg)).join(" ");
  console.log(`\n${bold(`$ imagepin ${shown}`)}`);
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    input,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  process.stdout.write(result.stdout);
  process.stdout.write(result.stderr);
  if (result.status !== expect) {
    failures++;
    console.log(`demo: expected exit ${expect}, got ${result.status}`);
  }
  return result;
}

function check(condition, message) {
  if (!condition) {
    failures++;
    console.log(`demo: ${message}`);
  }
}

function ensureRegistryInstalled() {
  const have =
    spawnSync("sh", ["-c", "command -v docker-registry && command -v openssl"], { stdio: "ignore" }).status === 0;
  if (have) return;
  console.log("installing the CNCF distribution registry and openssl from apt …");
  const result = spawnSync("bash", [join(root, "scripts/setup-test-deps.sh"), "docker-registry", "openssl"], {
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error("could not install docker-registry from apt");
}

/** Copies examples/ (but the Calico list and the KRM input) to `target`, pointing localhost:5000 at `host`. */
function copyExamples(target, host) {
  for (const dir of ["helm", "kustomize", "compose", "docker"]) {
    cpSync(join(root, "examples", dir), join(target, dir), { recursive: true });
  }
  for (const file of [
    "helm/rendered.yaml",
    "kustomize/overlays/prod/kustomization.yaml",
    "compose/compose.yaml",
    "docker/Dockerfile",
  ]) {
    const path = join(target, file);
    writeFileSync(path, readFileSync(path, "utf8").replaceAll("localhost:5000", host));
  }
}

async function main() {
  ensureRegistryInstalled();
  const registry = await startRegistry();
  cleanups.push(() => registry.stop());
  const host = registry.host;
  const bothArchitectures = [
    { os: "linux", architecture: "amd64" },
    { os: "linux", architecture: "arm64", variant: "v8" },
  ];
  await pushImage(registry, "demo/nginx", "1.25", { seed: "nginx-1.25-build-1" });
  await pushIndex(registry, "demo/redis", "7", bothArchitectures);
  await pushIndex(registry, "demo/builder", "1.22", bothArchitectures);
  await pushImage(registry, "demo/shop-migrate", "2.3.1", { format: "docker" });
  await pushImage(registry, "demo/shop-report", "latest");
  await pushImage(registry, "demo/api", "1.8.0");
  const calicoList = readFileSync(join(root, "examples/calico/print-images.txt"), "utf8");
  for (const match of calicoList.matchAll(/^quay\.io\/calico\/([^:\s]+):(\S+)$/gm)) {
    await pushIndex(
      registry,
      `calico/${match[1]}`,
      match[2],
      [
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm64", variant: "v8" },
      ],
      { seed: match[1] },
    );
  }
  console.log(
    `a throw-away registry on ${host}, seeded with the images examples/ names (demo/nginx:1.25, a multi-arch demo/redis:7, …) and the calico/* images of v3.32.0`,
  );

  section("1. lint: which images are not pinned?");
  const lint = imagepin(["lint", "examples"], { expect: 1, cwd: root });
  check(/digest-missing/.test(lint.stdout), "lint did not report digest-missing");

  section("2. pin: resolve every tag at the registry and rewrite only the image values");
  console.log(`(a copy of examples/ in a temporary directory, with localhost:5000 replaced by ${host})`);
  copyExamples(join(work, "examples"), host);
  const before = readFileSync(join(work, "examples/helm/rendered.yaml"), "utf8");
  const diff = imagepin(["pin", "examples"]);
  check(
    /^\+\s+image: .*demo\/nginx:1\.25@sha256:[0-9a-f]{64}/m.test(diff.stdout),
    "pin did not show a pinned nginx line in the diff",
  );
  check(
    /^\+\s+digest: sha256:[0-9a-f]{64}/m.test(diff.stdout),
    "pin did not add a digest: field to the Kustomize images: entry",
  );
  imagepin(["pin", "--write", "--lock", "imagepin.lock", "examples"]);
  const pinned = readFileSync(join(work, "examples/helm/rendered.yaml"), "utf8");
  const unpinnedLines = (text) => text.split("\n").filter((line) => !/demo\/[a-z-]+/.test(line));
  check(
    unpinnedLines(pinned).join("\n") === unpinnedLines(before).join("\n"),
    "pin --write changed lines other than the image values",
  );
  imagepin(["pin", "--check", "examples"]);

  section("3. a tag moves: demo/nginx:1.25 is pushed again; verify notices, verify --update follows it");
  await pushImage(registry, "demo/nginx", "1.25", { seed: "nginx-1.25-build-2" });
  const verify = imagepin(["verify", "examples"], { expect: 1 });
  check(/tag-moved/.test(verify.stdout), "verify did not report the moved tag");
  imagepin(["verify", "--update", "examples"]);
  imagepin(["verify", "examples"]);

  section("4. the admission webhook: Pods get digests at creation, also while the registry is down");
  const certs = makeCertificates(mkdtempSync(join(work, "certs-")));
  const port = await freePort();
  const store = `sqlite://${join(work, "digests.db")}`;
  const serve = () => {
    const server = spawnTracked(
      process.execPath,
      [
        bin,
        "webhook",
        "serve",
        "--listen",
        `127.0.0.1:${port}`,
        "--tls-cert",
        certs.certFile,
        "--tls-key",
        certs.keyFile,
        "--store",
        store,
        "--log-level",
        "warn",
      ],
      { cwd: work },
    );
    server.child.stdout.resume();
    server.child.stderr.resume();
    cleanups.push(() => server.stop());
    return waitForWebhook(port, certs.caPem).then(() => server);
  };
  console.log(
    `\n${bold(`$ imagepin webhook serve --listen 127.0.0.1:${port} --tls-cert tls.crt --tls-key tls.key --store ${store.replace(work, "$TMP")}`)}`,
  );
  let server = await serve();
  const review = podReview([`${host}/demo/nginx:1.25`, `${host}/demo/redis:7`]);
  const fresh = await postReview(port, certs.caPem, review);
  printReview(fresh);
  check(
    fresh.patchedImages.every((image) => /@sha256:[0-9a-f]{64}$/.test(image)),
    "the webhook did not pin every image",
  );
  console.log("\nthe registry goes down, and the webhook restarts (its last known digests are in SQLite):");
  await registry.pause();
  await server.stop();
  server = await serve();
  const fallback = await postReview(port, certs.caPem, review);
  printReview(fallback);
  check(
    fallback.warnings.length > 0 && fallback.patchedImages.join() === fresh.patchedImages.join(),
    "the webhook did not fall back to the last known digests with a warning",
  );
  await server.stop();
  await registry.restart();

  section("5. Calico: an ImageSet from the operator's image list, resolved at the registry the cluster pulls from");
  const listFile = join(work, "print-images.txt");
  cpSync(join(root, "examples/calico/print-images.txt"), listFile);
  imagepin(["imageset", "create", "--from", "print-images.txt", "--registry", host, "-o", "imageset.yaml"]);
  const imageset = readFileSync(join(work, "imageset.yaml"), "utf8");
  console.log(imageset.split("\n").slice(0, 10).join("\n") + "\n  …");
  imagepin(["imageset", "verify", "--registry", host, "imageset.yaml"]);
}

function printReview(result) {
  for (const op of result.patch) {
    // annotation values are JSON documents; their keys say enough here
    const value = typeof op.value === "string" ? op.value : `{${Object.keys(op.value ?? {}).join(", ")}}`;
    console.log(`  patch: ${op.op} ${op.path} ${value}`);
  }
  for (const warning of result.warnings) console.log(`  warning: ${warning}`);
  console.log(`  the Pod runs: ${result.patchedImages.join(", ")}`);
}

try {
  await main();
} catch (error) {
  failures++;
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await cleanup();
}
if (failures > 0) {
  console.error(`\ndemo: ${failures} step(s) did not behave as shown`);
  process.exit(1);
}
console.log("\ndemo: every step behaved as shown");
