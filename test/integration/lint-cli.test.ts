// `imagepin lint` end to end through the built CLI: formats, exit statuses, directories, stdin,
// unreadable input, custom kinds.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImagepinSync } from "../harness/cli.js";

const fixtures = fileURLToPath(new URL("../fixtures/manifests/", import.meta.url));

const imagepin = (args: string[], options: { input?: string; cwd?: string } = {}) => runImagepinSync(args, options);

describe("imagepin lint", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "imagepin-lint-"));
    cpSync(join(fixtures, "corpus"), join(work, "corpus"), { recursive: true });
    cpSync(join(fixtures, "corpus"), join(work, "corpus", "node_modules", "skipped"), { recursive: true });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("walks a directory (skipping node_modules) and exits 1 with findings", () => {
    const result = imagepin(["lint", "corpus"], { cwd: work });
    expect(result.status).toBe(1);
    expect(result.stdout).not.toContain("node_modules");
    expect(result.stdout).toContain("corpus/helm-rendered.yaml:61:22 latest-tag ");
    expect(result.stdout).toContain("corpus/Dockerfile:16:3 digest-missing ");
    expect(result.stdout).toContain("corpus/broken.yaml:9:11 invalid-yaml ");
    expect(result.stdout).toContain("corpus/broken.yaml:17:33 digest-missing alpine:3.20");
  });

  it("skips a Helm chart's templates when walking, but reads one named on the command line", () => {
    mkdirSync(join(work, "chart", "templates"), { recursive: true });
    writeFileSync(join(work, "chart", "Chart.yaml"), "apiVersion: v2\nname: web\nversion: 0.1.0\n");
    writeFileSync(
      join(work, "chart", "templates", "deployment.yaml"),
      'kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: "{{ .Values.image }}"\n          {{- with .Values.resources }}\n          resources: {{- toYaml . | nindent 12 }}\n          {{- end }}\n',
    );
    expect(imagepin(["lint", "chart"], { cwd: work })).toMatchObject({ status: 0, stdout: "" });
    expect(imagepin(["lint", "chart/templates/deployment.yaml"], { cwd: work }).stdout).toContain("invalid-yaml");
  });

  it("exits 0 on clean input and prints nothing", () => {
    const clean = join(work, "clean.yaml");
    writeFileSync(clean, `kind: Pod\nspec: {containers: [{image: "nginx:1.25@sha256:${"a".repeat(64)}"}]}\n`);
    expect(imagepin(["lint", clean])).toMatchObject({ status: 0, stdout: "" });
  });

  it("prints the json shape and reads standard input", () => {
    const result = imagepin(["lint", "--format", "json", "-"], {
      input: "kind: Pod\nmetadata: {name: p, namespace: n}\nspec: {containers: [{name: c, image: nginx}]}\n",
    });
    expect(result.status).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.findings[0]).toEqual({
      file: "-",
      line: 3,
      column: 38,
      rule: "digest-missing",
      severity: "error",
      kind: "Pod",
      namespace: "n",
      name: "p",
      container: "c",
      image: "nginx",
      message: expect.any(String),
    });
    expect(json.summary).toMatchObject({ files: 1, images: 1, findings: 2 });
  });

  it("reads a Dockerfile from standard input", () => {
    const result = imagepin(["lint", "-"], {
      input: "# syntax=docker/dockerfile:1\nARG TAG=1.25\nFROM nginx:${TAG}\n",
    });
    expect(result).toMatchObject({
      status: 1,
      stdout: "-:3:6 digest-missing nginx:1.25 is not pinned to a digest; run imagepin pin [error]\n",
    });
  });

  it("prints SARIF with relative URIs", () => {
    const result = imagepin(["lint", "--format", "sarif", "corpus/compose.yaml"], { cwd: work });
    const log = JSON.parse(result.stdout);
    expect(log.version).toBe("2.1.0");
    expect(
      log.runs[0].results.map(
        (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
          r.locations[0]!.physicalLocation.artifactLocation.uri,
      ),
    ).toEqual(["corpus/compose.yaml", "corpus/compose.yaml"]);
  });

  it("exits 2 for unreadable input but still reports the readable files", () => {
    const latin1 = join(work, "latin1.yaml");
    writeFileSync(latin1, Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
    const result = imagepin(["lint", "corpus/compose.yaml", "missing.yaml", latin1], { cwd: work });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("cannot read missing.yaml: no such file or directory");
    expect(result.stderr).toContain("latin1.yaml: not valid UTF-8");
    expect(result.stdout).toContain("corpus/compose.yaml:3:12 digest-missing");
  });

  it("reports container and image-volume images that are present but not a non-empty string", () => {
    const text = [
      "kind: Pod",
      "metadata: {name: p}",
      "spec:",
      "  containers:",
      "    - name: empty",
      "      image:",
      "    - name: number",
      "      image: 1.25",
      "    - name: blank",
      '      image: ""',
      "    - name: list",
      "      image: [a]",
      "  volumes:",
      "    - name: data",
      "      image: {reference: 7}",
      "",
    ].join("\n");
    writeFileSync(join(work, "invalid.yaml"), text);
    const result = imagepin(["lint", "invalid.yaml"], { cwd: work });
    expect(result.status).toBe(1);
    expect(
      result.stdout
        .trim()
        .split("\n")
        .map((line) => line.split(" ").slice(0, 2).join(" ")),
    ).toEqual([
      "invalid.yaml:6:13 invalid-reference",
      "invalid.yaml:8:14 invalid-reference",
      "invalid.yaml:10:14 invalid-reference",
      "invalid.yaml:12:14 invalid-reference",
      "invalid.yaml:15:26 invalid-reference",
    ]);
    expect(result.stdout).toContain("the image must be a string, not a number (1.25)");
    // Never pinned: `1.25` would otherwise be resolved as docker.io/library/1.25.
    const pin = imagepin(["pin", "--check", "invalid.yaml"], { cwd: work });
    expect(pin.stderr).toContain("invalid.yaml:8:14: cannot pin 1.25: the image must be a string");
    expect(pin.stderr).not.toContain("would pin");
  });

  it("reports an unclosed flow collection or quote where it opens, not at the next document", () => {
    const text =
      "kind: Pod\nspec:\n  containers:\n    - name: a\n      image: [unclosed\n---\nkind: Pod\nmetadata: {name: q}\nspec:\n  containers:\n    - image: 'nginx\n---\nkind: Pod\n";
    const result = imagepin(["lint", "-"], { input: text });
    expect(
      result.stdout
        .trim()
        .split("\n")
        .map((line) => line.split(" ").slice(0, 2).join(" ")),
    ).toEqual(["-:5:14 invalid-yaml", "-:11:14 invalid-yaml"]);
  });

  it("exits 2 on a bad --format", () => {
    expect(imagepin(["lint", "--format", "xml", "corpus"], { cwd: work }).status).toBe(2);
  });

  it("learns custom kinds from --kinds", () => {
    // Untaught, the Rollout is not passed in silence: its pod template gets a hint (issue 13).
    const untaught = imagepin(["lint", "corpus/rollout.yaml"], { cwd: work });
    expect(untaught).toMatchObject({
      status: 1,
      stdout: expect.stringMatching(/rollout\.yaml:\d+:\d+ unknown-kind .*--kinds preset:argo-rollouts \[warning\]/),
    });
    expect(untaught.stdout).not.toContain("digest-missing");
    const result = imagepin(["lint", "--kinds", join(fixtures, "kinds.yaml"), "corpus/rollout.yaml"], { cwd: work });
    expect(result).toMatchObject({
      status: 1,
      stdout: expect.stringContaining("rollout.yaml:10:18 digest-missing ghcr.io/example/app:4.2.0"),
    });
  });

  it("names a malformed --kinds file by line and column", () => {
    writeFileSync(join(work, "bad-syntax.yaml"), "kinds:\n  - kind: Rollout\n    paths: [spec.template\n");
    const syntax = imagepin(["lint", "--kinds", "bad-syntax.yaml", "corpus/rollout.yaml"], { cwd: work });
    expect(syntax.status).toBe(2);
    expect(syntax.stderr).toMatch(/^imagepin: bad-syntax\.yaml:3:12: not valid YAML: /m);
    writeFileSync(
      join(work, "bad-shape.yaml"),
      "# custom kinds\nkinds:\n  - kind: Rollout\n    paths: [spec.template]\n  - kind: Job\n    paths: spec\n",
    );
    const shape = imagepin(["lint", "--kinds", "bad-shape.yaml", "corpus/rollout.yaml"], { cwd: work });
    expect(shape.status).toBe(2);
    expect(shape.stderr).toContain(
      "imagepin: bad-shape.yaml:5:5: kinds[1] needs kind (string), paths (list of strings) and optionally apiVersion",
    );
  });
});
