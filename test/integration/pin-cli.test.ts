// `imagepin pin` end to end through the built CLI, resolving offline from a lock file so these run
// without a registry (pin-registry.test.ts resolves at a real one): output modes, --check, --write
// with failures beside successes, --no-keep-tag, usage errors.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runImagepinSync } from "../harness/cli.js";

const bin = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));
const digestOf = (ch: string) => `sha256:${ch.repeat(64)}`;
const lockEntries = { "docker.io/library/nginx:1.25": digestOf("1"), "docker.io/library/redis:7": digestOf("2") };
const lockText =
  JSON.stringify(
    {
      version: 1,
      images: Object.entries(lockEntries).map(([reference, digest]) => ({
        reference,
        digest,
        mediaType: "application/vnd.oci.image.index.v1+json",
        resolvedAt: "2026-01-01T00:00:00.000Z",
      })),
    },
    null,
    2,
  ) + "\n";
const pod = (image: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p   # the pod\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`;

const imagepin = (args: string[], options: { input?: string; cwd?: string; stdio?: ("pipe" | number)[] } = {}) =>
  runImagepinSync(args, options);

describe("imagepin pin (offline)", () => {
  let work: string;
  let lock: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), "imagepin-pin-"));
    lock = join(work, "imagepin.lock");
    writeFileSync(lock, lockText);
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it("prints the pinned text of one file, keeping quotes and comments", () => {
    writeFileSync(join(work, "a.yaml"), pod("'nginx:1.25'  # web"));
    const result = imagepin(["pin", "--offline", "--lock", lock, "a.yaml"], { cwd: work });
    expect(result).toMatchObject({ status: 0, stdout: pod(`'nginx:1.25@${digestOf("1")}'  # web`) });
    expect(readFileSync(join(work, "a.yaml"), "utf8")).toBe(pod("'nginx:1.25'  # web"));
  });

  it("prints a unified diff of several files and reads standard input", () => {
    writeFileSync(join(work, "a.yaml"), pod("nginx:1.25"));
    writeFileSync(join(work, "b.yaml"), pod("redis:7"));
    const diff = imagepin(["pin", "--offline", "--lock", lock, "."], { cwd: work });
    expect(diff.status).toBe(0);
    expect(diff.stdout).toContain("--- a/a.yaml\n+++ b/a.yaml\n");
    expect(diff.stdout).toContain(`-      image: redis:7\n+      image: redis:7@${digestOf("2")}\n`);
    const stdin = imagepin(["pin", "--offline", "--lock", lock, "--no-keep-tag", "-"], { input: pod("nginx:1.25") });
    expect(stdin.stdout).toBe(pod(`nginx@${digestOf("1")}`));
  });

  it("--check exits 1 when something would change and 0 when all is pinned", () => {
    writeFileSync(join(work, "a.yaml"), pod("nginx:1.25"));
    const check = imagepin(["pin", "--offline", "--lock", lock, "--check", "a.yaml"], { cwd: work });
    expect(check.status).toBe(1);
    expect(check.stderr).toContain("would pin a.yaml:8:14 nginx:1.25 -> nginx:1.25@");
    expect(readFileSync(join(work, "a.yaml"), "utf8")).toBe(pod("nginx:1.25"));
    writeFileSync(join(work, "a.yaml"), pod(`nginx:1.25@${digestOf("1")}`));
    expect(imagepin(["pin", "--offline", "--lock", lock, "--check", "a.yaml"], { cwd: work }).status).toBe(0);
  });

  it("--write writes what it can: a broken file stays as it was, an unresolvable image is reported and the rest of its file pinned", () => {
    const good = join(work, "good.yaml");
    writeFileSync(good, pod("nginx:1.25"));
    chmodSync(good, 0o640);
    writeFileSync(join(work, "broken.yaml"), pod("redis:7") + "---\nkind: [\n");
    writeFileSync(
      join(work, "unknown.yaml"),
      pod("nginx:1.25").replace("    - name: c", "    - name: x\n      image: unknown:1\n    - name: c"),
    );
    const result = imagepin(
      ["pin", "--offline", "--lock", lock, "--write", "good.yaml", "broken.yaml", "unknown.yaml"],
      { cwd: work },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("broken.yaml: left unchanged");
    expect(result.stderr).toMatch(
      /unknown\.yaml:8:14: cannot pin unknown:1: docker\.io\/library\/unknown:1 is not in the lock file/,
    );
    expect(readFileSync(good, "utf8")).toBe(pod(`nginx:1.25@${digestOf("1")}`));
    expect(statSync(good).mode & 0o777).toBe(0o640);
    expect(readFileSync(join(work, "broken.yaml"), "utf8")).toBe(pod("redis:7") + "---\nkind: [\n");
    expect(readFileSync(join(work, "unknown.yaml"), "utf8")).toContain(`image: nginx:1.25@${digestOf("1")}\n`);
    expect(readFileSync(join(work, "unknown.yaml"), "utf8")).toContain("image: unknown:1\n");
  });

  // Issue 13: --check exits 1 only for "would change", 2 when something could not be resolved.
  it("--check exits 2 when an image cannot be resolved, and --format json lists changes and failures", () => {
    writeFileSync(
      join(work, "a.yaml"),
      pod("nginx:1.25").replace("    - name: c", "    - name: x\n      image: unknown:1\n    - name: c"),
    );
    const text = imagepin(["pin", "--offline", "--lock", lock, "--check", "a.yaml"], { cwd: work });
    expect(text.status).toBe(2);
    expect(text.stderr).toContain("would pin a.yaml:10:14 nginx:1.25 -> nginx:1.25@");
    expect(text.stderr).toMatch(/a\.yaml:8:14: cannot pin unknown:1: .*not in the lock file/);
    const json = imagepin(["pin", "--offline", "--lock", lock, "--check", "--format", "json", "a.yaml"], { cwd: work });
    expect(json.status).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      changes: [{ file: "a.yaml", line: 10, column: 14, from: "nginx:1.25", to: `nginx:1.25@${digestOf("1")}` }],
      failures: [
        {
          file: "a.yaml",
          line: 8,
          column: 14,
          image: "unknown:1",
          code: "not-in-lock",
          message: expect.stringContaining("not in the lock file"),
        },
      ],
      skipped: [],
    });
    // --write writes exactly what --check listed.
    const write = imagepin(["pin", "--offline", "--lock", lock, "--write", "--format", "json", "a.yaml"], {
      cwd: work,
    });
    expect(write.status).toBe(1);
    expect(JSON.parse(write.stdout).changes).toEqual(JSON.parse(json.stdout).changes);
    expect(readFileSync(join(work, "a.yaml"), "utf8")).toContain(`image: nginx:1.25@${digestOf("1")}`);
    const clean = imagepin(["pin", "--offline", "--lock", lock, "--check", "--format", "json", "a.yaml"], {
      cwd: work,
    });
    expect(clean.status).toBe(2);
    expect(JSON.parse(clean.stdout).changes).toEqual([]);
    expect(imagepin(["pin", "--offline", "--lock", lock, "--format", "json", "a.yaml"], { cwd: work }).status).toBe(2);
  });

  it("--check exits 1 for changes alone, and reports images from variables once as warnings", () => {
    writeFileSync(
      join(work, "compose.yaml"),
      'services:\n  web:\n    image: ${IMG:-nginx}:${TAG:-1.25}\n  snuba:\n    image: "$SNUBA_IMAGE"\n',
    );
    const check = imagepin(["pin", "--offline", "--lock", lock, "--check", "--no-keep-tag", "compose.yaml"], {
      cwd: work,
    });
    expect(check.status).toBe(1);
    expect(check.stderr).toContain(
      `would pin compose.yaml:3:12 \${IMG:-nginx}:\${TAG:-1.25} -> \${IMG:-nginx}@${digestOf("1")}`,
    );
    expect(check.stderr.match(/\$SNUBA_IMAGE not pinned: the image comes from \$SNUBA_IMAGE/g)).toHaveLength(1);
  });

  it("says when no image was found, and that a Helm chart's templates were skipped", () => {
    mkdirSync(join(work, "chart", "templates"), { recursive: true });
    writeFileSync(join(work, "chart", "Chart.yaml"), "apiVersion: v2\nname: web\nversion: 1.0.0\n");
    writeFileSync(join(work, "chart", "values.yaml"), "image:\n  repository: nginx\n  tag: 1.25\n");
    writeFileSync(
      join(work, "chart", "templates", "deployment.yaml"),
      'kind: Deployment\nspec: {template: {spec: {containers: [{image: "{{ .Values.image.repository }}"}]}}}\n',
    );
    for (const command of [["lint"], ["pin", "--offline", "--lock", lock, "--check"]]) {
      const result = imagepin([...command, "chart"], { cwd: work });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toContain(
        "imagepin: chart is a Helm chart: its templates/ are Go templates and were skipped; check what they render to: helm template chart | imagepin lint -",
      );
      expect(result.stderr).toContain("imagepin: no images found in 2 files");
    }
  });

  it("--write reports a file in a read-only directory and still writes the others", () => {
    // Root writes anywhere, so as root the CLI runs as nobody: the directory is then really read-only.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    chmodSync(work, 0o777);
    mkdirSync(join(work, "ro"));
    writeFileSync(join(work, "ro", "a.yaml"), pod("nginx:1.25"));
    writeFileSync(join(work, "b.yaml"), pod("redis:7"));
    chmodSync(join(work, "ro"), 0o555);
    const result = spawnSync(
      process.execPath,
      [bin, "pin", "--offline", "--lock", lock, "--write", "ro/a.yaml", "b.yaml"],
      { cwd: work, encoding: "utf8", timeout: 30_000, ...asUser },
    );
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toContain("cannot write ro/a.yaml: permission denied");
    expect(readFileSync(join(work, "ro", "a.yaml"), "utf8")).toBe(pod("nginx:1.25"));
    expect(readdirSync(join(work, "ro"))).toEqual(["a.yaml"]);
    expect(readFileSync(join(work, "b.yaml"), "utf8")).toBe(pod(`redis:7@${digestOf("2")}`));
  });

  it("--write through a symbolic link rewrites the file it names and keeps the link", () => {
    mkdirSync(join(work, "real"));
    writeFileSync(join(work, "real", "a.yaml"), pod("nginx:1.25"));
    symlinkSync("real/a.yaml", join(work, "link.yaml"));
    const result = imagepin(["pin", "--offline", "--lock", lock, "--write", "link.yaml"], { cwd: work });
    expect(result.status, result.stderr).toBe(0);
    expect(lstatSync(join(work, "link.yaml")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(work, "real", "a.yaml"), "utf8")).toBe(pod(`nginx:1.25@${digestOf("1")}`));
  });

  it("walks symbolic links to files and directories once, loops included", () => {
    mkdirSync(join(work, "tree", "sub"), { recursive: true });
    writeFileSync(join(work, "tree", "sub", "a.yaml"), pod("nginx:1.25"));
    writeFileSync(join(work, "elsewhere.yaml"), pod("redis:7"));
    symlinkSync("..", join(work, "tree", "sub", "up"));
    symlinkSync("../elsewhere.yaml", join(work, "tree", "linked.yaml"));
    const result = imagepin(["pin", "--offline", "--lock", lock, "--check", "tree"], { cwd: work });
    expect(result.status).toBe(1);
    expect(result.stderr.split("\n").filter((line) => line.includes("would pin"))).toEqual([
      `imagepin: would pin tree/linked.yaml:8:14 redis:7 -> redis:7@${digestOf("2")}`,
      `imagepin: would pin tree/sub/a.yaml:8:14 nginx:1.25 -> nginx:1.25@${digestOf("1")}`,
    ]);
  });

  it("--offline with a lock file that does not exist is a usage error, not unlocked images", () => {
    writeFileSync(join(work, "a.yaml"), pod("nginx:1.25"));
    const result = imagepin(["pin", "--offline", "--lock", "missing.json", "--check", "a.yaml"], { cwd: work });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("imagepin: lock file missing.json does not exist");
    expect(result.stderr).not.toContain("not in the lock file");
  });

  it("a malformed lock file is a usage error naming the file, never an internal error", () => {
    writeFileSync(join(work, "a.yaml"), pod("nginx:1.25"));
    writeFileSync(join(work, "null.lock"), "null\n");
    const nullLock = imagepin(["pin", "--offline", "--lock", "null.lock", "a.yaml"], { cwd: work });
    expect(nullLock.status).toBe(2);
    expect(nullLock.stderr).toContain('imagepin: null.lock: expected {"version": 1, "images": [...]}');
    writeFileSync(join(work, "broken.lock"), '{\n  "version": 1,\n  "images": [hunter2]\n}\n');
    const broken = imagepin(["pin", "--offline", "--lock", "broken.lock", "a.yaml"], { cwd: work });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain("imagepin: broken.lock:3:14: not valid JSON: unexpected character");
    expect(broken.stderr).not.toContain("hunter2");
  });

  it("--check lists what would change by file, line and column", () => {
    // initContainers are scanned before containers, but written after them here.
    const text = `kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: nginx:1.25\n  initContainers:\n    - name: i\n      image: redis:7\n`;
    writeFileSync(join(work, "b.yaml"), text);
    writeFileSync(join(work, "a.yaml"), pod("redis:7"));
    const result = imagepin(["pin", "--offline", "--lock", lock, "--check", "b.yaml", "a.yaml"], { cwd: work });
    expect(result.status).toBe(1);
    expect(
      result.stderr
        .split("\n")
        .filter((line) => line.includes("would pin"))
        .map((line) => line.split(" ")[3]),
    ).toEqual(["a.yaml:8:14", "b.yaml:6:14", "b.yaml:9:14"]);
  });

  it("pins the operator Deployment of tigera-operator.yaml and nothing else (issue 6)", () => {
    const manifest = readFileSync(
      fileURLToPath(new URL("../fixtures/manifests/corpus/tigera-operator.yaml", import.meta.url)),
      "utf8",
    );
    const operator = digestOf("3");
    const operatorLock = join(work, "operator.lock");
    writeFileSync(
      operatorLock,
      JSON.stringify({
        version: 1,
        images: [
          {
            reference: "quay.io/tigera/operator:v1.34.0",
            digest: operator,
            mediaType: "application/vnd.oci.image.index.v1+json",
            resolvedAt: "2026-01-01T00:00:00.000Z",
          },
        ],
      }),
    );
    writeFileSync(join(work, "tigera-operator.yaml"), manifest);
    const result = imagepin(["pin", "--offline", "--lock", operatorLock, "tigera-operator.yaml"], { cwd: work });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      manifest.replace(
        "image: quay.io/tigera/operator:v1.34.0\n",
        `image: quay.io/tigera/operator:v1.34.0@${operator}\n`,
      ),
    );
    expect(result.stdout).not.toBe(manifest);
    expect(imagepin(["lint", "tigera-operator.yaml"], { cwd: work }).stdout).toContain(
      "tigera-operator.yaml:272:18 digest-missing quay.io/tigera/operator:v1.34.0",
    );
  });

  it("rejects contradictory flags with exit 2", () => {
    writeFileSync(join(work, "a.yaml"), pod("nginx:1.25"));
    expect(imagepin(["pin", "--write", "--check", "--offline", "--lock", lock, "a.yaml"], { cwd: work }).status).toBe(
      2,
    );
    expect(imagepin(["pin", "--offline", "a.yaml"], { cwd: work })).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("--lock"),
    });
    expect(imagepin(["pin", "--offline", "--lock", lock, "--write", "-"], { input: pod("nginx:1.25") }).status).toBe(2);
    expect(imagepin(["pin", "--offline", "--lock", lock, "missing.yaml"], { cwd: work }).status).toBe(2);
  });
});
