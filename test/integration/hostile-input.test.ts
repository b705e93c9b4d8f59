// Hostile files through the built CLI (issue 18). Each run is a child process whose heap is capped
// with --max-old-space-size: a file that takes more memory than the bound crashes the child, so the
// test fails on memory, not on a timing assertion. The inputs come from test/support/hostile-inputs.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImagepinSync, tempTree, type TempTree } from "../harness/cli.js";
import {
  deepBlock,
  deepFlow,
  flowSequence,
  longDockerfileLine,
  manyAliases,
  manyDocuments,
  MiB,
  podDocument,
} from "../support/hostile-inputs.js";

/** `imagepin ARGS` with the child's heap capped at `heapMiB`. */
function imagepinCapped(args: string[], heapMiB: number, cwd: string) {
  return runImagepinSync(args, {
    cwd,
    env: {
      ...process.env,
      DOCKER_CONFIG: "/nonexistent-imagepin-test",
      NODE_OPTIONS: `--max-old-space-size=${heapMiB}`,
    },
    timeout: 120_000,
  });
}

describe("hostile input", () => {
  let tree: TempTree;
  beforeAll(() => {
    tree = tempTree("imagepin-hostile-");
  });
  afterAll(() => tree.remove());

  // The shapes and sizes, all in one run so they share one 512 MB heap (the target of issue 18).
  const hostileYaml: Record<string, { text: () => string; finding: RegExp }> = {
    "flow-5mb.yaml": {
      text: () => flowSequence(5 * MiB),
      finding: /^flow-5mb\.yaml:1:1 invalid-yaml .*over the node-count bound/m,
    },
    "flow-9.9mb.yaml": {
      text: () => flowSequence(9_900_000),
      finding: /^flow-9\.9mb\.yaml:1:1 invalid-yaml .*over the node-count bound/m,
    },
    "aliases.yaml": {
      text: () => manyAliases(2 * MiB),
      finding: /^aliases\.yaml:1:1 invalid-yaml .*over the alias-count bound/m,
    },
    "documents.yaml": {
      text: () => `${podDocument}---\n${manyDocuments(200_000)}`,
      finding: /^documents\.yaml:\d+:1 invalid-yaml .*more than 10000 YAML documents, over the document-count bound/m,
    },
    "deep-flow.yaml": {
      text: () => `${deepFlow(900)}---\n${podDocument}`,
      finding: /^deep-flow\.yaml:1:\d+ invalid-yaml .*over the nesting-depth bound/m,
    },
    "deep-block.yaml": {
      text: () => `${podDocument}---\n${deepBlock(900)}`,
      finding: /^deep-block\.yaml:\d+:\d+ invalid-yaml .*over the nesting-depth bound/m,
    },
    "oversized.yaml": {
      text: () => flowSequence(11 * MiB),
      finding: /^oversized\.yaml:1:1 invalid-yaml the file is 11\.0 MiB, over the input-size bound \(10 MiB\)/m,
    },
  };

  it("lints every hostile YAML shape within a 512 MB heap, naming each bound and still reading the files' other documents", () => {
    for (const [name, { text }] of Object.entries(hostileYaml)) tree.write(`yaml/${name}`, text());
    const result = imagepinCapped(["lint", ...Object.keys(hostileYaml)], 512, `${tree.root}/yaml`);
    expect(result.stderr).not.toMatch(/heap out of memory|Maximum call stack/);
    expect(result.status).toBe(1);
    for (const { finding } of Object.values(hostileYaml)) expect(result.stdout).toMatch(finding);
    // The Pods beside the deep documents and before the document flood are still linted.
    expect(result.stdout).toMatch(/^deep-flow\.yaml:\d+:14 digest-missing nginx:1\.25/m);
    expect(result.stdout).toMatch(/^deep-block\.yaml:7:14 digest-missing nginx:1\.25/m);
    expect(result.stdout).toMatch(/^documents\.yaml:7:14 digest-missing nginx:1\.25/m);
  });

  it("pin leaves every hostile YAML file unchanged and says which bound it passed, within a 512 MB heap", () => {
    const names = ["flow-5mb.yaml", "aliases.yaml", "deep-flow.yaml"];
    for (const name of names) tree.write(`pin/${name}`, hostileYaml[name]!.text().replace(podDocument, ""));
    const result = imagepinCapped(["pin", "--check", ...names], 512, `${tree.root}/pin`);
    expect(result.stderr).not.toMatch(/heap out of memory|Maximum call stack/);
    // pin --check exits 2 when a document could not be read (issue 13, docs/ci.md).
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/flow-5mb\.yaml:1:1: .*node-count bound/);
    expect(result.stderr).toMatch(/aliases\.yaml:1:1: .*alias-count bound/);
    expect(result.stderr).toMatch(/deep-flow\.yaml:1:\d+: .*nesting-depth bound/);
    expect(result.stderr).toContain("imagepin: flow-5mb.yaml: left unchanged");
  });

  it("lints a Dockerfile with one 8 MB line within a 128 MB heap (one offset per segment, not per character)", () => {
    tree.write("long/Dockerfile", longDockerfileLine(8 * MiB));
    const result = imagepinCapped(["lint", "long/Dockerfile"], 128, tree.root);
    expect(result.stderr).not.toContain("heap out of memory");
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^long\/Dockerfile:1:6 invalid-reference /);
  });

  it("does not keep standard input over the byte bound in memory: it is reported and skipped", () => {
    const input = flowSequence(12 * MiB);
    const result = runImagepinSync(["lint", "-"], {
      input,
      env: { ...process.env, NODE_OPTIONS: "--max-old-space-size=256" },
      timeout: 120_000,
    });
    expect(result).toMatchObject({ status: 2, stdout: "" });
    expect(result.stderr).toContain(
      "imagepin: cannot read -: the file is 12.0 MiB, over the input-size bound (10 MiB); it was not read",
    );
  });

  it("reports a file of NUL bytes as binary, skips it and exits 2", () => {
    tree.write("binary/zeros.yaml", "\0".repeat(MiB));
    const result = imagepinCapped(["lint", "binary/zeros.yaml"], 256, tree.root);
    expect(result).toMatchObject({ status: 2, stdout: "" });
    expect(result.stderr).toContain("imagepin: cannot read binary/zeros.yaml: binary file (a NUL byte at byte 0)");
  });
});
