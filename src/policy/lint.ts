import type { FoundImage, ScannedFile } from "../manifests/index.js";
import { findingFor, lintImage, lintRules, noticeFinding, problemFinding, sortFindings, summarize } from "./rules.js";
import type { Finding, Summary } from "./types.js";
import { verifyRules } from "./verify.js";

/** Findings of a set of scanned files and their summary. */
export interface LintResult {
  findings: Finding[];
  summary: Summary;
}

/**
 * Applies every lint rule to every image, reports malformed documents as `invalid-yaml` and the
 * scanner's notices (`image-missing`, `unknown-kind`, `dockerfile-inline-ignore`) under their rules.
 */
export function lintFiles(files: ScannedFile[]): LintResult {
  const findings: Finding[] = [];
  let images = 0;
  for (const file of files) {
    for (const problem of file.problems) findings.push(problemFinding(problem));
    for (const notice of file.notices ?? []) {
      const finding = noticeFinding(notice);
      if (finding) findings.push(finding);
    }
    for (const image of file.images) {
      images++;
      findings.push(...lintImage(image));
    }
    findings.push(...unknownRuleIds(file.images));
  }
  const sorted = sortFindings(findings);
  return { findings: sorted, summary: summarize(sorted, files.length, images) };
}

/** Every rule id a suppression may name: lint's and verify's. */
export const knownRuleIds: readonly string[] = [...new Set([...lintRules, ...verifyRules].map((rule) => rule.id))];

/**
 * A suppression naming a rule that does not exist (`digest_missing`, `digest-mising`) switches nothing
 * off; it is reported once per place it applies to, naming the ids that do exist.
 */
function unknownRuleIds(images: FoundImage[]): Finding[] {
  const findings = new Map<string, Finding>();
  for (const image of images) {
    for (const id of image.ignored) {
      if (id === "*" || knownRuleIds.includes(id)) continue;
      const key = `${image.line}:${image.column}:${id}`;
      findings.set(
        key,
        findingFor(
          image,
          "unknown-rule",
          "warning",
          `imagepin:ignore names ${JSON.stringify(id)}, which is not a rule; known rules: ${knownRuleIds.join(", ")}, or all`,
        ),
      );
    }
  }
  return [...findings.values()];
}
