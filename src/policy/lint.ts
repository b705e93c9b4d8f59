import type { ScannedFile } from "../manifests/index.js";
import { lintImage, problemFinding, sortFindings, summarize } from "./rules.js";
import type { Finding, Summary } from "./types.js";

/** Findings of a set of scanned files and their summary. */
export interface LintResult {
  findings: Finding[];
  summary: Summary;
}

/** Applies every lint rule to every image, and reports malformed documents as `invalid-yaml`. */
export function lintFiles(files: ScannedFile[]): LintResult {
  const findings: Finding[] = [];
  let images = 0;
  for (const file of files) {
    for (const problem of file.problems) findings.push(problemFinding(problem));
    for (const image of file.images) {
      images++;
      findings.push(...lintImage(image));
    }
  }
  const sorted = sortFindings(findings);
  return { findings: sorted, summary: summarize(sorted, files.length, images) };
}
