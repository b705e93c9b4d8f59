import type { FoundImage, ManifestProblem } from "../manifests/index.js";
import { tryParseReference } from "../reference/index.js";
import type { Finding, RuleDescription, Severity, Summary } from "./types.js";

/** The lint rules, with stable ids. `invalid-yaml` reports documents that could not be read. */
export const lintRules: RuleDescription[] = [
  { id: "digest-missing", severity: "error", description: "The image is not selected by digest, so the same name can run different code over time." },
  { id: "latest-tag", severity: "warning", description: "The image has no digest and uses :latest or no tag at all." },
  { id: "invalid-reference", severity: "error", description: "The image is not a valid reference; the kubelet would refuse it." },
  { id: "pull-policy", severity: "warning", description: "imagePullPolicy does not fit the reference: Always with a digest only adds registry load; IfNotPresent without a digest can run different code on different nodes." },
  { id: "invalid-yaml", severity: "error", description: "A YAML document could not be parsed; its images were not checked." },
];

const severityOf = new Map(lintRules.map((rule) => [rule.id, rule.severity]));

/** The rules one image breaks, leaving out those suppressed by annotation or comment. */
export function lintImage(image: FoundImage): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: string, message: string) => {
    if (image.ignored.has("*") || image.ignored.has(rule)) return;
    findings.push(findingFor(image, rule, severityOf.get(rule) ?? "error", message));
  };
  // `image: 1.25` would parse as the reference docker.io/library/1.25, but the kubelet never sees a string.
  if (image.invalid !== undefined) {
    add("invalid-reference", image.invalid);
    return findings;
  }
  const reference = tryParseReference(image.image);
  if (!("normalized" in reference)) {
    add("invalid-reference", reference.message);
    return findings;
  }
  if (!reference.isPinned) {
    add("digest-missing", `${image.image} is not pinned to a digest; run imagepin pin`);
    if (reference.tag === undefined || reference.tag === "latest") add("latest-tag", `${image.image} uses ${reference.tag === undefined ? "no tag (:latest)" : ":latest"}; pick a release tag and pin it`);
  }
  if (image.pullPolicy === "Always" && reference.isPinned) add("pull-policy", `imagePullPolicy Always with a digest only adds registry load; use IfNotPresent`);
  if (image.pullPolicy === "IfNotPresent" && !reference.isPinned) add("pull-policy", `imagePullPolicy IfNotPresent without a digest can run different code on different nodes; pin the image`);
  return findings;
}

/** A malformed document as an `invalid-yaml` finding. */
export function problemFinding(problem: ManifestProblem): Finding {
  return { file: problem.file, line: problem.line, column: problem.column, rule: "invalid-yaml", severity: "error", kind: null, namespace: null, name: null, container: null, image: null, message: problem.message };
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
  return [...findings].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)));
}

/** Counts for the summary of a run. */
export function summarize(findings: Finding[], files: number, images: number): Summary {
  const byRule: Record<string, number> = {};
  for (const finding of findings) byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
  const count = (severity: Severity) => findings.filter((finding) => finding.severity === severity).length;
  return { files, images, findings: findings.length, errors: count("error"), warnings: count("warning"), notes: count("note"), byRule };
}
