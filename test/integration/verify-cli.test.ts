// `imagepin verify` and `imagepin lint` exit statuses and SARIF through the built CLI, without a
// registry (verify-registry.test.ts checks pins at a real one): nothing pinned, a malformed document,
// a digest at an unreachable registry, unreadable input, usage errors; SARIF of both commands validated
// against the published schema.
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImagepinSync } from "../harness/cli.js";

const digest = `sha256:${"1".repeat(64)}`;

const imagepin = (args: string[], cwd: string, extra: { input?: string; uid?: number; gid?: number } = {}) =>
  runImagepinSync(args, { cwd, ...extra });

function sarifValidator() {
  const schema = JSON.parse(
    readFileSync(fileURLToPath(new URL("../fixtures/manifests/sarif/sarif-2.1.0-rtm.5.json", import.meta.url)), "utf8"),
  );
  // Draft-04 read as draft-07 (see src/policy/lint.test.ts).
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  const ajv = new Ajv.default({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

describe("verify and lint exit statuses", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "imagepin-verify-cli-"));
    writeFileSync(join(work, "unpinned.yaml"), "kind: Pod\nspec: {containers: [{image: nginx:1.25}]}\n");
    writeFileSync(
      join(work, "broken.yaml"),
      'kind: Pod\nspec: {containers: [{image: nginx:1.25}]}\n---\nkind: Pod\nspec: {containers: [\n---\nkind: Pod\nspec: {containers: [{image: "127.0.0.1:9/app:1@' +
        digest +
        '"}]}\n',
    );
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("verify exits 0 when nothing is pinned, 1 on a malformed document or an unreachable registry, 2 on unreadable input", () => {
    expect(imagepin(["verify", "unpinned.yaml"], work)).toMatchObject({ status: 0, stdout: "" });
    const broken = imagepin(["verify", "--timeout", "5", "--format", "json", "broken.yaml"], work);
    expect(broken.status).toBe(1);
    const findings = JSON.parse(broken.stdout).findings as { line: number; column: number; rule: string }[];
    // The unclosed flow map is reported on the line it opens (5), not at the next `---`.
    expect(findings.map((finding) => `${finding.line}:${finding.rule}`)).toEqual([
      "5:invalid-yaml",
      "8:registry-error",
    ]);
    expect(imagepin(["verify", "unpinned.yaml", "missing.yaml"], work)).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("cannot read missing.yaml"),
    });
    expect(imagepin(["verify", "--update", "-"], work, { input: "kind: Pod\n" }).status).toBe(2);
  });

  it("lint exits 2 on a file it may not read, and still lints the rest", () => {
    writeFileSync(join(work, "secret.yaml"), "kind: Pod\n");
    chmodSync(join(work, "secret.yaml"), 0o000);
    chmodSync(work, 0o755);
    // Root reads anything, so as root the CLI runs as nobody.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const result = imagepin(["lint", "secret.yaml", "unpinned.yaml"], work, asUser);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("cannot read secret.yaml: permission denied");
    expect(result.stdout).toContain("unpinned.yaml:2:29 digest-missing");
  });

  it("SARIF of lint and verify validates, invalid-yaml findings included", () => {
    const validate = sarifValidator();
    for (const args of [
      ["lint", "--format", "sarif", "broken.yaml", "unpinned.yaml"],
      ["verify", "--timeout", "5", "--format", "sarif", "broken.yaml"],
    ]) {
      const result = imagepin(args, work);
      expect(result.status).toBe(1);
      const log = JSON.parse(result.stdout);
      expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
      expect(log.runs[0].results.map((entry: { ruleId: string }) => entry.ruleId)).toContain("invalid-yaml");
    }
  });
});
