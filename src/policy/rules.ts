import { isSuppressed, type FoundImage, type ManifestNotice, type ManifestProblem } from "../manifests/index.js";
import { ImageReference, tryParseReference } from "../reference/index.js";
import type { Finding, RuleDescription, Severity, Summary } from "./types.js";

/** Where the rule pages live; a rule's `helpUri` is this plus its page and anchor. */
export const docsBaseUri = "https://github.com/imagepin/imagepin/blob/main/docs/";

/** The lint rules, with stable ids. `invalid-yaml` reports documents that could not be read. */
export const lintRules: RuleDescription[] = [
  {
    id: "digest-missing",
    severity: "error",
    description: "The image is not selected by digest, so the same name can run different code over time.",
    help: "A tag can be pushed again at any time, so two nodes (or two deploys) can run different code under one name. Run `imagepin pin --write` to write name:tag@sha256:… in place.",
    docs: "lint.md#digest-missing",
  },
  {
    id: "latest-tag",
    severity: "warning",
    description: "The image has no digest and uses :latest or no tag at all.",
    help: "`latest` (or no tag) names whatever was pushed last. Pick a release tag, then pin it.",
    docs: "lint.md#latest-tag",
  },
  {
    id: "invalid-reference",
    severity: "error",
    description: "The image is not a valid reference; the kubelet would refuse it.",
    help: "The value breaks the distribution reference grammar (uppercase repository, bad digest, empty or non-string value). Fix the value; such an image is never pinned.",
    docs: "lint.md#invalid-reference",
  },
  {
    id: "pull-policy",
    severity: "warning",
    description:
      "imagePullPolicy does not fit the reference: Always with a digest only adds registry load; IfNotPresent without a digest can run different code on different nodes.",
    help: "With a digest use IfNotPresent; without one, pin the image (Always only hides the problem behind registry load).",
    docs: "lint.md#pull-policy",
  },
  {
    id: "invalid-yaml",
    severity: "error",
    description: "A YAML document could not be parsed; its images were not checked.",
    help: "The document is reported where the syntax error starts; the other documents of the file are still checked. Fix the YAML and run again.",
    docs: "lint.md#invalid-yaml",
  },
  {
    id: "image-from-variable",
    severity: "warning",
    description:
      "The image comes from a variable with no default (Compose interpolation, a Dockerfile ARG, a template placeholder), so it is known only at run time.",
    help: "Give the variable a default in the file (`${IMAGE:-nginx:1.25}`, `ARG BASE=nginx:1.25`) so the image can be checked and pinned, or lint the rendered output; suppress the rule where the value is meant to come from outside.",
    docs: "lint.md#image-from-variable",
  },
  {
    id: "image-missing",
    severity: "error",
    description: "A container of a built-in kind has no image (often a misspelt key such as imgae:).",
    help: "The API server refuses a container without an image. Add `image:` (the message names a key that looks misspelt).",
    docs: "lint.md#image-missing",
  },
  {
    id: "unknown-kind",
    severity: "warning",
    description:
      "A kind imagepin does not read holds a pod template or images (or is a misspelt built-in kind), so its images were not checked.",
    help: "Fix the kind's spelling, or teach it with `--kinds FILE` or a shipped preset (`--kinds preset:prometheus-operator`, `preset:argo-rollouts`, `preset:knative`).",
    docs: "lint.md#unknown-kind",
  },
  {
    id: "unknown-rule",
    severity: "warning",
    description:
      "A suppression (comment or annotation) names a rule id that does not exist, so it switches nothing off.",
    help: "Use one of the rule ids listed in the message (comma- or space-separated), or `all`.",
    docs: "lint.md#unknown-rule",
  },
  {
    id: "dockerfile-inline-ignore",
    severity: "warning",
    description:
      "`# imagepin:ignore` at the end of a Dockerfile FROM line: Docker reads it as arguments to FROM, not as a comment.",
    help: "Put `# imagepin:ignore …` alone on the line above the FROM.",
    docs: "lint.md#dockerfile-inline-ignore",
  },
];

const severityOf = new Map(lintRules.map((rule) => [rule.id, rule.severity]));

/** The rules one image breaks, leaving out those suppressed by annotation or comment. */
export function lintImage(image: FoundImage): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: string, message: string) => {
    if (isSuppressed(image.ignored, rule)) return;
    findings.push(findingFor(image, rule, severityOf.get(rule) ?? "error", message));
  };
  // `image: 1.25` would parse as the reference docker.io/library/1.25, but the kubelet never sees a string.
  if (image.invalid !== undefined) {
    add("invalid-reference", image.invalid);
    return findings;
  }
  if (image.fromVariable !== undefined) {
    add("image-from-variable", image.fromVariable);
    return findings;
  }
  const reference = tryParseReference(image.image);
  if (!(reference instanceof ImageReference)) {
    add("invalid-reference", reference.message);
    return findings;
  }
  if (!reference.isPinned) {
    add("digest-missing", `${image.image} is not pinned to a digest; run imagepin pin`);
    if (reference.tag === undefined || reference.tag === "latest")
      add(
        "latest-tag",
        `${image.image} uses ${reference.tag === undefined ? "no tag (:latest)" : ":latest"}; pick a release tag and pin it`,
      );
  }
  if (image.pullPolicy === "Always" && reference.isPinned)
    add("pull-policy", `imagePullPolicy Always with a digest only adds registry load; use IfNotPresent`);
  if (image.pullPolicy === "IfNotPresent" && !reference.isPinned)
    add(
      "pull-policy",
      `imagePullPolicy IfNotPresent without a digest can run different code on different nodes; pin the image`,
    );
  return findings;
}

/** A scanner notice as a finding of its rule, unless suppressed where it is. */
export function noticeFinding(notice: ManifestNotice): Finding | undefined {
  if (isSuppressed(notice.ignored, notice.rule)) return undefined;
  return {
    file: notice.file,
    line: notice.line,
    column: notice.column,
    rule: notice.rule,
    severity: severityOf.get(notice.rule) ?? "warning",
    kind: notice.kind ?? null,
    namespace: notice.namespace ?? null,
    name: notice.name ?? null,
    container: notice.container ?? null,
    image: null,
    message: notice.message,
  };
}

/** A malformed document as an `invalid-yaml` finding. */
export function problemFinding(problem: ManifestProblem): Finding {
  return {
    file: problem.file,
    line: problem.line,
    column: problem.column,
    rule: "invalid-yaml",
    severity: "error",
    kind: null,
    namespace: null,
    name: null,
    container: null,
    image: null,
    message: problem.message,
  };
}

/** A finding about one image with the image's location and object. */
export function findingFor(image: FoundImage, rule: string, severity: Severity, message: string): Finding {
  return {
    file: image.file,
    line: image.line,
    column: image.column,
    rule,
    severity,
    kind: image.kind || null,
    namespace: image.namespace ?? null,
    name: image.name ?? null,
    container: image.container ?? null,
    image: image.image,
    message,
  };
}

/** Findings sorted by file, line, column and rule, so output is stable. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) =>
    a.file < b.file
      ? -1
      : a.file > b.file
        ? 1
        : a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );
}

/** Counts for the summary of a run. */
export function summarize(findings: Finding[], files: number, images: number): Summary {
  const byRule: Record<string, number> = {};
  for (const finding of findings) byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
  const count = (severity: Severity) => findings.filter((finding) => finding.severity === severity).length;
  return {
    files,
    images,
    findings: findings.length,
    errors: count("error"),
    warnings: count("warning"),
    notes: count("note"),
    byRule,
  };
}
