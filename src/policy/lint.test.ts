import Ajv from "ajv";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { kindPresets, scanText } from "../manifests/index.js";
import { formatFindings } from "./format.js";
import { lintFiles } from "./lint.js";
import { lintRules } from "./rules.js";
import { verifyRules } from "./verify.js";

const digest = "sha256:" + "0".repeat(64);
const lint = (file: string, text: string) => lintFiles([scanText(file, text)]);
const rulesOf = (file: string, text: string) =>
  lint(file, text).findings.map((finding) => `${finding.line}:${finding.rule}`);

describe("lint rules", () => {
  it("flags unpinned, latest, invalid and pull-policy problems", () => {
    const text = [
      "kind: Deployment",
      "metadata: {name: web, namespace: shop}",
      "spec:",
      "  template:",
      "    spec:",
      "      containers:",
      "        - {name: a, image: nginx}",
      "        - {name: b, image: 'nginx:1.25', imagePullPolicy: IfNotPresent}",
      `        - {name: c, image: nginx@${digest}, imagePullPolicy: Always}`,
      "        - {name: d, image: Nginx:1}",
      `        - {name: e, image: "nginx:1@${digest}"}`,
      "      volumes:",
      "        - {name: v, image: {reference: 'quay.io/x/y:latest', pullPolicy: IfNotPresent}}",
    ].join("\n");
    expect(rulesOf("d.yaml", text)).toEqual([
      "7:digest-missing",
      "7:latest-tag",
      "8:digest-missing",
      "8:pull-policy",
      "9:pull-policy",
      "10:invalid-reference",
      "13:digest-missing",
      "13:latest-tag",
      "13:pull-policy",
    ]);
    expect(lint("d.yaml", text).findings[0]).toEqual({
      file: "d.yaml",
      line: 7,
      column: 28,
      rule: "digest-missing",
      severity: "error",
      kind: "Deployment",
      namespace: "shop",
      name: "web",
      container: "a",
      image: "nginx",
      message: expect.any(String),
    });
  });

  it("walks Lists, CronJobs, PodTemplates and custom kinds", () => {
    const text =
      "kind: List\nitems:\n  - kind: CronJob\n    spec: {jobTemplate: {spec: {template: {spec: {containers: [{image: a:1}]}}}}}\n  - kind: PodTemplate\n    template: {spec: {initContainers: [{image: b:1}]}}\n  - kind: Rollout\n    apiVersion: argoproj.io/v1alpha1\n    spec: {template: {spec: {containers: [{image: c:1}]}}}\n";
    expect(lint("l.yaml", text).summary.images).toBe(2);
    const file = scanText("l.yaml", text, { customKinds: [{ kind: "Rollout", paths: ["spec.template"] }] });
    expect(file.images.map((image) => image.image)).toEqual(["a:1", "b:1", "c:1"]);
  });

  it("suppresses by annotation, by end-of-line comment and by comment on the line above", () => {
    const text = [
      "kind: Pod",
      "metadata:",
      "  annotations: {imagepin.io/ignore: latest-tag}",
      "spec:",
      "  containers:",
      "    - image: nginx",
      "    - image: redis  # imagepin:ignore digest-missing",
      "    # imagepin:ignore",
      "    - image: busybox",
    ].join("\n");
    expect(rulesOf("p.yaml", text)).toEqual(["6:digest-missing"]);
  });

  it("reports a malformed document with its position and still lints the others", () => {
    const text =
      "kind: Pod\nspec: {containers: [{image: a:1}]}\n---\nkind: Pod\nspec: {containers: [\n---\nkind: Pod\nspec: {containers: [{image: b:1}]}\n";
    const findings = lint("m.yaml", text).findings;
    expect(findings.map((finding) => `${finding.rule}:${finding.image}`)).toEqual([
      "digest-missing:a:1",
      "invalid-yaml:null",
      "digest-missing:b:1",
    ]);
    expect(findings[1]!.line).toBeGreaterThanOrEqual(5);
  });

  it("checks Compose pull_policy like imagePullPolicy", () => {
    const text = `services:\n  web: {image: nginx:1.25, pull_policy: missing}\n  db: {image: "redis@${digest}", pull_policy: always}\n  ok: {image: "redis@${digest}", pull_policy: if_not_present}\n  job: {image: busybox:1, pull_policy: always}\n`;
    expect(rulesOf("compose.yaml", text)).toEqual([
      "2:digest-missing",
      "2:pull-policy",
      "3:pull-policy",
      "5:digest-missing",
    ]);
  });

  it("reads Compose services and Dockerfile FROM lines with ARG defaults", () => {
    expect(
      lint(
        "compose.yaml",
        "services:\n  web: {image: nginx:1.25}\n  built: {build: .}\n  tagged: {build: ./app, image: myapp:dev}\n",
      ).findings.map((finding) => finding.name),
    ).toEqual(["web"]);
    const docker = lint("Dockerfile", 'ARG BASE="alpine:3.20"\nFROM ${BASE} AS base\nFROM base\n').findings;
    expect(docker.map((finding) => [finding.image, finding.line, finding.column])).toEqual([["alpine:3.20", 2, 6]]);
  });
});

describe("no silent passes (issue 13)", () => {
  it("reports images from variables with their own rule, the same way in Compose, Dockerfiles and YAML", () => {
    // Sentry self-hosted, a Dockerfile build arg, and a Kubernetes template filled in by a script.
    const compose =
      'services:\n  snuba:\n    image: "$SNUBA_IMAGE"\n  web:\n    image: ${REG:-quay.io}/web:${TAG}\n  ok:\n    image: nginx:${TAG:-1.25}\n';
    expect(
      lint("docker-compose.yml", compose).findings.map(
        (finding) => `${finding.line}:${finding.rule}:${finding.severity}`,
      ),
    ).toEqual(["3:image-from-variable:warning", "5:image-from-variable:warning", "7:digest-missing:error"]);
    expect(rulesOf("Dockerfile", "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n")).toEqual(["2:image-from-variable"]);
    const pod =
      'kind: Pod\nspec:\n  containers:\n    - image: "{IMAGE}"\n    - image: $REGISTRY/app:${TAG}\n    - image: "{{ .Values.image }}"\n    - image: Nginx:1\n';
    expect(rulesOf("pod.yaml", pod)).toEqual([
      "4:image-from-variable",
      "5:image-from-variable",
      "6:image-from-variable",
      "7:invalid-reference",
    ]);
    expect(
      rulesOf("Dockerfile", "ARG BASE_IMAGE\n# imagepin:ignore image-from-variable\nFROM ${BASE_IMAGE}\n"),
    ).toEqual([]);
  });

  it("reports a container without an image and names a misspelt key", () => {
    const text =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    spec:\n      containers:\n        - name: web\n          imgae: nginx:1.25\n        - name: sidecar\n";
    const findings = lint("d.yaml", text).findings;
    expect(findings.map((finding) => `${finding.line}:${finding.rule}:${finding.container}`)).toEqual([
      "9:image-missing:web",
      "11:image-missing:sidecar",
    ]);
    expect(findings[0]!.message).toContain("imgae");
    expect(rulesOf("pod.yaml", "kind: Pod\nspec:\n  containers: [{name: a}]\n")).toEqual(["3:image-missing"]);
    // A Kustomize strategic-merge patch (no spec.selector) may leave the image out; a misspelt key is still reported.
    expect(rulesOf("patch.yaml", text.replace("  selector: {matchLabels: {app: web}}\n", ""))).toEqual([
      "8:image-missing",
    ]);
  });

  it("hints at --kinds for a misspelt workload kind and for unknown kinds with a pod template or images", () => {
    const text = [
      "apiVersion: apps/v1\nkind: Deploymnet\nspec: {template: {spec: {containers: [{image: nginx:1.25}]}}}",
      "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nspec: {template: {spec: {containers: [{image: app:1}]}}}",
      "apiVersion: serving.knative.dev/v1\nkind: Service\nspec: {template: {spec: {containers: [{image: app:1}]}}}",
      "apiVersion: monitoring.coreos.com/v1\nkind: Alertmanager\nspec: {image: quay.io/prometheus/alertmanager:v0.27.0}",
      "apiVersion: v1\nkind: Service\nspec: {ports: [{port: 80}]}",
      "apiVersion: v1\nkind: ConfigMap\ndata: {a: b}",
    ].join("\n---\n");
    const findings = lint("all.yaml", text).findings;
    expect(findings.map((finding) => `${finding.line}:${finding.rule}`)).toEqual([
      "2:unknown-kind",
      "6:unknown-kind",
      "10:unknown-kind",
      "14:unknown-kind",
    ]);
    expect(findings.map((finding) => finding.message)).toEqual([
      expect.stringContaining("did you mean Deployment?"),
      expect.stringContaining("--kinds preset:argo-rollouts"),
      expect.stringContaining("--kinds preset:knative"),
      expect.stringContaining("--kinds preset:prometheus-operator"),
    ]);
  });

  it("reads Prometheus, Alertmanager and ThanosRuler images with the shipped preset", () => {
    const text =
      "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nspec:\n  image: quay.io/prometheus/prometheus:v2.50.0\n  containers:\n    - name: prometheus\n      resources: {}\n    - name: proxy\n      image: quay.io/oauth2-proxy/oauth2-proxy:v7.5.1\n---\napiVersion: monitoring.coreos.com/v1\nkind: ThanosRuler\nspec: {image: quay.io/thanos/thanos:v0.34.0}\n";
    const scanned = scanText("p.yaml", text, { customKinds: [...kindPresets["prometheus-operator"]!] });
    expect(scanned.images.map((image) => image.image)).toEqual([
      "quay.io/prometheus/prometheus:v2.50.0",
      "quay.io/oauth2-proxy/oauth2-proxy:v7.5.1",
      "quay.io/thanos/thanos:v0.34.0",
    ]);
    expect(lintFiles([scanned]).findings.filter((finding) => finding.rule !== "digest-missing")).toEqual([]);
  });

  it("warns about a suppression naming an unknown rule id, listing the known ones", () => {
    const text =
      'kind: Pod\nmetadata:\n  annotations: {imagepin.io/ignore: "digest-mising"}\nspec:\n  containers:\n    - image: nginx   # imagepin:ignore digest_missing\n';
    const findings = lint("p.yaml", text).findings.filter((finding) => finding.rule === "unknown-rule");
    expect(findings.map((finding) => finding.message)).toEqual([
      expect.stringContaining('"digest-mising"'),
      expect.stringContaining('"digest_missing"'),
    ]);
    expect(findings[0]!.message).toContain("digest-missing, latest-tag");
  });

  it("warns about # imagepin:ignore at the end of a Dockerfile FROM line", () => {
    const findings = lint("Dockerfile", "FROM nginx:1.25 # imagepin:ignore\nFROM alpine:3.20 AS a\n").findings;
    expect(findings.map((finding) => `${finding.line}:${finding.column}:${finding.rule}`)).toEqual([
      "1:17:dockerfile-inline-ignore",
      "2:6:digest-missing",
    ]);
  });
});

describe("rule docs", () => {
  it("every rule's helpUri anchor is a section of its docs page", () => {
    for (const rule of [...lintRules, ...verifyRules]) {
      const [page, anchor] = rule.docs.split("#");
      const text = readFileSync(new URL(`../../docs/${page}`, import.meta.url), "utf8");
      expect(text, rule.docs).toMatch(new RegExp(`^#{2,4} ${anchor}$`, "m"));
    }
  });
});

describe("formats", () => {
  const result = lint(
    "deploy/app.yaml",
    "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx}]}\n",
  );

  it("text is file:line:col rule message [severity]", () => {
    const text = formatFindings(result.findings, "text", {
      summary: result.summary,
      rules: lintRules,
      toolVersion: "0.1.0",
    });
    expect(text.split("\n").slice(0, 2)).toEqual([
      "deploy/app.yaml:3:38 digest-missing nginx is not pinned to a digest; run imagepin pin [error]",
      "deploy/app.yaml:3:38 latest-tag nginx uses no tag (:latest); pick a release tag and pin it [warning]",
    ]);
  });

  it("text on a terminal is grouped by file, coloured, with a summary", () => {
    const text = formatFindings(result.findings, "text", {
      summary: result.summary,
      rules: lintRules,
      toolVersion: "0.1.0",
      tty: true,
    });
    const lines = text.split("\n");
    expect(lines[0]).toBe("\u001b[1mdeploy/app.yaml\u001b[0m");
    expect(lines[1]).toContain("\u001b[31merror\u001b[0m \u001b[31mdigest-missing\u001b[0m");
    expect(lines[2]).toContain("\u001b[33mwarning\u001b[0m");
    expect(lines[2]).toContain("\u001b[33mlatest-tag\u001b[0m");
    expect(text).toContain("2 findings (1 error, 1 warning) in 1 file, 1 image");
  });

  it("json has exactly the documented fields", () => {
    const json = JSON.parse(
      formatFindings(result.findings, "json", { summary: result.summary, rules: lintRules, toolVersion: "0.1.0" }),
    );
    expect(Object.keys(json)).toEqual(["findings", "summary"]);
    expect(Object.keys(json.findings[0])).toEqual([
      "file",
      "line",
      "column",
      "rule",
      "severity",
      "kind",
      "namespace",
      "name",
      "container",
      "image",
      "message",
    ]);
    expect(json.summary).toMatchObject({
      files: 1,
      images: 1,
      findings: 2,
      byRule: { "digest-missing": 1, "latest-tag": 1 },
    });
  });

  it("sarif validates against the published SARIF 2.1.0 schema", () => {
    const schema = JSON.parse(
      readFileSync(new URL("../../test/fixtures/manifests/sarif/sarif-2.1.0-rtm.5.json", import.meta.url), "utf8"),
    );
    // The schema is draft-04: ajv 8 reads it as draft-07 once `id` is `$id` (it uses no draft-04-only keywords);
    // one of its patterns is not valid with the u flag, so patterns are compiled without it.
    schema.$id = schema.id;
    delete schema.id;
    delete schema.$schema;
    const ajv = new Ajv.default({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const log = JSON.parse(
      formatFindings(result.findings, "sarif", { summary: result.summary, rules: lintRules, toolVersion: "0.1.0" }),
    );
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0].results[0]).toMatchObject({
      ruleId: "digest-missing",
      level: "error",
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: "deploy/app.yaml" }, region: { startLine: 3, startColumn: 38 } },
        },
      ],
    });
    expect(validate({ ...log, runs: [{ results: [] }] })).toBe(false);
    for (const rule of log.runs[0].tool.driver.rules) {
      expect(rule.fullDescription.text.length).toBeGreaterThan(rule.shortDescription.text.length / 2);
      expect(rule.helpUri).toMatch(new RegExp(`docs/lint\\.md#${rule.id}$`));
    }
  });
});
