// Issue 13 with the real builder: a Dockerfile whose FROM is built from variables
// (`FROM ${IMG:-…}:${TAG}`) is pinned by the built CLI against the real distribution registry, with and
// without --no-keep-tag, and `podman build` (BuildKit-compatible ARG expansion) must accept the result
// and build from the pinned digest. Needs `npm run build`, docker-registry, podman and runc.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImagepinSync } from "../harness/cli.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage } from "../harness/seed.js";

function requireCommand(command: string): void {
  if (spawnSync("sh", ["-c", `command -v ${command}`]).status !== 0)
    throw new Error(`${command} is not installed; run scripts/setup-test-deps.sh`);
}

describe("pinned Dockerfiles build with podman", () => {
  let registry: TestRegistry;
  let work: string;
  let digest = "";

  beforeAll(async () => {
    requireCommand("podman");
    requireCommand("docker-registry");
    registry = await startRegistry();
    work = mkdtempSync(join(tmpdir(), "imagepin-podman-"));
    digest = (await pushImage(registry, "demo/base", "1.0")).digest;
  }, 120_000);
  afterAll(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  // Storage of its own, so nothing is shared with other runs on the machine.
  const podmanBuild = (dockerfile: string) =>
    spawnSync(
      "podman",
      [
        "--root",
        join(work, "storage"),
        "--runroot",
        join(work, "run"),
        "--storage-driver",
        "vfs",
        "--runtime",
        "/usr/sbin/runc",
        "build",
        "--tls-verify=false",
        "--network",
        "host",
        "--ulimit",
        "nofile=1024:1024",
        "--ulimit",
        "nproc=1024:1024",
        "--pull=always",
        "-f",
        dockerfile,
        work,
      ],
      { encoding: "utf8", timeout: 300_000 },
    );

  for (const keepTag of [true, false]) {
    it(`pins FROM \${IMG:-…}:\${TAG} ${keepTag ? "keeping" : "without"} the tag, and podman builds it`, () => {
      const name = keepTag ? "Dockerfile.keep" : "Dockerfile.notag";
      writeFileSync(
        join(work, name),
        `ARG TAG=1.0\nFROM \${IMG:-${registry.host}/demo/base}:\${TAG} AS base\nLABEL built=yes\n`,
      );
      const pinned = runImagepinSync(["pin", "--write", ...(keepTag ? [] : ["--no-keep-tag"]), name], { cwd: work });
      expect(pinned.status, pinned.stderr).toBe(0);
      const expected = keepTag
        ? `FROM \${IMG:-${registry.host}/demo/base}:\${TAG}@${digest} AS base`
        : `FROM \${IMG:-${registry.host}/demo/base}@${digest} AS base`;
      expect(readFileSync(join(work, name), "utf8").split("\n")[1]).toBe(expected);
      const build = podmanBuild(join(work, name));
      expect(build.status, build.stdout + build.stderr).toBe(0);
      expect(build.stdout + build.stderr).toContain(digest);
    }, 300_000);
  }
});
