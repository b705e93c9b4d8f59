// The hooks of .pre-commit-hooks.yaml run by the real pre-commit (Debian's package) through
// `pre-commit try-repo` on a throw-away git repository, with the built CLI on PATH as `imagepin` (the
// hooks are `language: system`: the user installs imagepin first). A staged unpinned image fails with
// the finding shown; a pinned one passes. Needs `npm run build`, git and pre-commit.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imagepinBin } from "../harness/cli.js";

const hooksFile = fileURLToPath(new URL("../../.pre-commit-hooks.yaml", import.meta.url));
const digest = `sha256:${"1".repeat(64)}`;
const deployment = (image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`;
const lock = `${JSON.stringify({ version: 1, images: [{ reference: "docker.io/library/nginx:1.25", digest, mediaType: "application/vnd.oci.image.index.v1+json", resolvedAt: "2026-01-01T00:00:00.000Z" }] }, null, 2)}\n`;

function requireCommand(command: string): void {
  const found = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
  if (found.status !== 0)
    throw new Error(`${command} is not installed; run scripts/setup-test-deps.sh (Debian package ${command})`);
}

describe("pre-commit hooks", () => {
  let root: string;
  let hooks: string;
  let project: string;
  let env: NodeJS.ProcessEnv;

  const git = (cwd: string, ...args: string[]) => {
    const result = spawnSync(
      "git",
      ["-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args],
      { cwd, encoding: "utf8", env },
    );
    if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  };
  const tryRepo = (hook: string) => {
    const started = Date.now();
    const result = spawnSync("pre-commit", ["try-repo", hooks, hook], {
      cwd: project,
      encoding: "utf8",
      env,
      timeout: 120_000,
    });
    return { ...result, output: result.stdout + result.stderr, seconds: (Date.now() - started) / 1000 };
  };
  const stage = (image: string) => {
    writeFileSync(join(project, "deploy", "web.yaml"), deployment(image));
    git(project, "add", "-A");
  };

  beforeAll(() => {
    requireCommand("git");
    requireCommand("pre-commit");
    root = mkdtempSync(join(tmpdir(), "imagepin-pre-commit-"));
    // `imagepin` on PATH, as `npm install -g imagepin` puts it there.
    mkdirSync(join(root, "bin"));
    writeFileSync(join(root, "bin", "imagepin"), `#!/bin/sh\nexec "${process.execPath}" "${imagepinBin}" "$@"\n`);
    chmodSync(join(root, "bin", "imagepin"), 0o755);
    env = {
      ...process.env,
      PATH: `${join(root, "bin")}:${process.env.PATH}`,
      PRE_COMMIT_HOME: join(root, "cache"),
      HOME: root,
      DOCKER_CONFIG: join(root, "no-docker"),
      NO_COLOR: "1",
    };
    // The hook repository: only the hooks file, committed.
    hooks = join(root, "hooks");
    mkdirSync(hooks);
    copyFileSync(hooksFile, join(hooks, ".pre-commit-hooks.yaml"));
    git(hooks, "init", "-q");
    git(hooks, "add", "-A");
    git(hooks, "commit", "-q", "-m", "hooks");
    project = join(root, "project");
    mkdirSync(join(project, "deploy"), { recursive: true });
    git(project, "init", "-q");
    writeFileSync(join(project, "imagepin.lock"), lock);
    writeFileSync(join(project, "README.md"), "not checked\n");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("imagepin-lint fails a commit with an unpinned image, showing the finding, and passes a pinned one", () => {
    stage("nginx:1.25");
    const failing = tryRepo("imagepin-lint");
    expect(failing.status, failing.output).toBe(1);
    expect(failing.output).toContain(
      "deploy/web.yaml:10:18 digest-missing nginx:1.25 is not pinned to a digest; run imagepin pin [error]",
    );
    stage(`nginx:1.25@${digest}`);
    const passing = tryRepo("imagepin-lint");
    expect(passing.status, passing.output).toBe(0);
    expect(passing.output).toMatch(/imagepin lint\.+Passed/);
    console.log(`pre-commit try-repo imagepin-lint: ${failing.seconds}s failing, ${passing.seconds}s passing`);
  });

  it("imagepin-pin-check pins offline from imagepin.lock at the root: fails while an image would change", () => {
    stage("nginx:1.25");
    const failing = tryRepo("imagepin-pin-check");
    expect(failing.status, failing.output).toBe(1);
    expect(failing.output).toContain(`would pin deploy/web.yaml:10:18 nginx:1.25 -> nginx:1.25@${digest}`);
    stage(`nginx:1.25@${digest}`);
    const passing = tryRepo("imagepin-pin-check");
    expect(passing.status, passing.output).toBe(0);
    console.log(`pre-commit try-repo imagepin-pin-check: ${failing.seconds}s failing, ${passing.seconds}s passing`);
  });
});
