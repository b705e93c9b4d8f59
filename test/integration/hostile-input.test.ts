// Hostile files through the built CLI (issue 18). Each run is a child process whose heap is capped
// with --max-old-space-size: a file that takes more memory than the bound crashes the child, so the
// test fails on memory, not on a timing assertion. The inputs come from test/support/hostile-inputs.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImagepinSync, tempTree, type TempTree } from "../harness/cli.js";
import { longDockerfileLine, MiB } from "../support/hostile-inputs.js";

/** `imagepin ARGS` with the child's heap capped at `heapMiB`. */
function imagepinCapped(args: string[], heapMiB: number, cwd: string) {
  return runImagepinSync(args, { cwd, env: { ...process.env, DOCKER_CONFIG: "/nonexistent-imagepin-test", NODE_OPTIONS: `--max-old-space-size=${heapMiB}` }, timeout: 120_000 });
}

describe("hostile input", () => {
  let tree: TempTree;
  beforeAll(() => {
    tree = tempTree("imagepin-hostile-");
  });
  afterAll(() => tree.remove());

  it("lints a Dockerfile with one 8 MB line within a 128 MB heap (one offset per segment, not per character)", () => {
    tree.write("long/Dockerfile", longDockerfileLine(8 * MiB));
    const result = imagepinCapped(["lint", "long/Dockerfile"], 128, tree.root);
    expect(result.stderr).not.toContain("heap out of memory");
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^long\/Dockerfile:1:6 invalid-reference /);
  });

  it("reports a file of NUL bytes as binary, skips it and exits 2", () => {
    tree.write("binary/zeros.yaml", "\0".repeat(MiB));
    const result = imagepinCapped(["lint", "binary/zeros.yaml"], 256, tree.root);
    expect(result).toMatchObject({ status: 2, stdout: "" });
    expect(result.stderr).toContain("imagepin: cannot read binary/zeros.yaml: binary file (a NUL byte at byte 0)");
  });
});
