// `imagepin krm` run by the real kpt (issue 12): `kpt fn eval --exec` and `kpt fn render` with a Kptfile
// pipeline, on a package with multi-container workloads, comments and several files. The package bytes
// afterwards must differ from the originals only in image values, and a second render must change nothing.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imagepinBin, tempTree, type TempTree } from "../harness/cli.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage } from "../harness/seed.js";

function requireKpt(): void {
  try {
    execFileSync("kpt", ["version"], { stdio: "ignore" });
  } catch {
    throw new Error(
      "kpt is not installed: these tests run the real kpt (Debian/Ubuntu package google-cloud-cli-kpt, or a kpt release binary on PATH)",
    );
  }
}

const deployment = (host: string) => `# The web front end: two containers.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # keep this comment
spec:
  template:
    spec:
      containers:
        - name: web
          image: ${host}/demo/web:1 # the app
        - name: proxy
          image: "${host}/demo/proxy:1"
      initContainers:
        - name: init
          image: ${host}/demo/web:1
`;

const jobs = (host: string) => `# first document
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      containers:
        - {name: migrate, image: '${host}/demo/migrate:1'} # flow style
---
# second document
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: shell
      image: ${host}/demo/proxy:1
    - name: tools
      # a comment between keys
      image: ${host}/demo/migrate:1
`;

const kptfile = (fn: string) => `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: app
pipeline:
  mutators:
    - exec: ${fn}
`;

function kpt(args: string[], cwd: string) {
  const result = spawnSync("kpt", args, {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, DOCKER_CONFIG: "/nonexistent-imagepin-test" },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function packageFiles(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name.endsWith(".yaml"))
      .map((name) => [name, readFileSync(join(dir, name), "utf8")]),
  );
}

describe("imagepin krm under the real kpt", () => {
  let registry: TestRegistry;
  let tree: TempTree;
  let fn = "";
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    requireKpt();
    registry = await startRegistry();
    for (const name of ["web", "proxy", "migrate"])
      digests[name] = (await pushImage(registry, `demo/${name}`, "1", { seed: name })).digest;
    tree = tempTree("imagepin-kpt-");
    // kpt runs an executable without arguments from a Kptfile, so the function is a small script.
    fn = tree.write("bin/imagepin-krm", `#!/bin/sh\nexec "${process.execPath}" "${imagepinBin}" krm "$@"\n`);
    chmodSync(fn, 0o755);
  }, 120_000);
  afterAll(async () => {
    await registry?.stop();
    tree?.remove();
  });

  /** The files as they were, with only the image values pinned. */
  function expectedPinned(files: Record<string, string>): Record<string, string> {
    const pin = (text: string) =>
      text.replace(
        /(\/demo\/(web|proxy|migrate):1)(?=["' \n}])/g,
        (_, image: string, name: string) => `${image}@${digests[name]}`,
      );
    return Object.fromEntries(Object.entries(files).map(([name, text]) => [name, pin(text)]));
  }

  function writePackage(dir: string): Record<string, string> {
    const files = { "deploy.yaml": deployment(registry.host), "jobs.yaml": jobs(registry.host) };
    for (const [name, text] of Object.entries(files)) tree.write(join(dir, name), text);
    return files;
  }

  it("kpt fn eval --exec pins every image of every file and changes nothing else", () => {
    const original = writePackage("eval");
    const result = kpt(["fn", "eval", "eval", "--exec", fn, "--truncate-output=false"], tree.root);
    expect(result.status, result.output).toBe(0);
    expect(result.output).not.toMatch(/AliasNode|wrong node kind/);
    expect(packageFiles(join(tree.root, "eval"))).toEqual(expectedPinned(original));
    // kpt shows the function's results, one per pinned image, naming the resource.
    expect(result.output).toContain(
      `[info] apps/v1/Deployment/web spec.template.spec.containers[0].image: pinned ${registry.host}/demo/web:1 to ${registry.host}/demo/web:1@${digests.web} (container web)`,
    );
    expect(result.output).toContain(
      `[info] v1/Pod/debug spec.containers[1].image: pinned ${registry.host}/demo/migrate:1`,
    );
    // A second run finds nothing to pin and leaves every byte (comments included) where it is.
    const again = kpt(["fn", "eval", "eval", "--exec", fn], tree.root);
    expect(again.status, again.output).toBe(0);
    expect(packageFiles(join(tree.root, "eval"))).toEqual(expectedPinned(original));
  }, 120_000);

  it("kpt fn render runs it from a Kptfile pipeline; a second render changes nothing", () => {
    const original = writePackage("render");
    tree.write("render/Kptfile", kptfile(fn));
    const result = kpt(["fn", "render", "render", "--allow-exec"], tree.root);
    expect(result.status, result.output).toBe(0);
    const pinned = packageFiles(join(tree.root, "render"));
    expect(pinned).toEqual(expectedPinned(original));
    const again = kpt(["fn", "render", "render", "--allow-exec"], tree.root);
    expect(again.status, again.output).toBe(0);
    expect(packageFiles(join(tree.root, "render"))).toEqual(pinned);
  }, 120_000);

  it("kubectl kustomize refuses the exec transformer, and with --enable-alpha-plugins skips it silently (docs/krm.md says so)", () => {
    tree.write("kustomize/kustomization.yaml", "resources: [deploy.yaml]\ntransformers: [pin.yaml]\n");
    tree.write("kustomize/deploy.yaml", deployment(registry.host));
    tree.write(
      "kustomize/pin.yaml",
      `apiVersion: imagepin.dev/v1alpha1\nkind: PinConfig\nmetadata:\n  name: pin\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: ${fn}\n`,
    );
    const kubectl = (args: string[]) =>
      spawnSync("kubectl", ["kustomize", ...args, join(tree.root, "kustomize")], { encoding: "utf8", timeout: 60_000 });
    const refused = kubectl([]);
    if (refused.error) throw new Error(`kubectl is needed for this test: ${refused.error.message}`);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("external plugins disabled");
    const skipped = kubectl(["--enable-alpha-plugins"]);
    expect(skipped.status, skipped.stderr).toBe(0);
    expect(skipped.stdout).toContain(`image: ${registry.host}/demo/web:1\n`);
    expect(skipped.stdout).not.toContain("@sha256:");
  }, 120_000);

  it("kpt reports an image that cannot be resolved as an error result and leaves the package as it was", () => {
    const original = writePackage("missing");
    tree.write(
      "missing/extra.yaml",
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: gone\nspec:\n  containers:\n    - {name: a, image: ${registry.host}/demo/gone:1}\n    - {name: b, image: ${registry.host}/demo/gone:2}\n`,
    );
    const result = kpt(["fn", "eval", "missing", "--exec", fn, "--truncate-output=false"], tree.root);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(
      `[error] v1/Pod/gone spec.containers[0].image: cannot pin ${registry.host}/demo/gone:1`,
    );
    expect(result.output).toContain(
      `[error] v1/Pod/gone spec.containers[1].image: cannot pin ${registry.host}/demo/gone:2`,
    );
    expect(result.output).toContain("left unpinned because another image failed");
    expect(result.output).not.toMatch(/AliasNode|wrong node kind/);
    const after = packageFiles(join(tree.root, "missing"));
    expect({ "deploy.yaml": after["deploy.yaml"], "jobs.yaml": after["jobs.yaml"] }).toEqual(original);
  }, 120_000);
});
