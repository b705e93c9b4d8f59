/** How serious a finding is; SARIF levels use the same words. */
export type Severity = "error" | "warning" | "note";

/** One problem found in a file. Every field is always present in JSON (null when unknown). */
export interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: Severity;
  kind: string | null;
  namespace: string | null;
  name: string | null;
  container: string | null;
  image: string | null;
  message: string;
  /** What to do about it, when the cause said (`imagepin auth which IMAGE` for refused credentials). */
  hint?: string;
}

/** A rule's id, default severity and one-line description (for SARIF and docs). */
export interface RuleDescription {
  id: string;
  severity: Severity;
  description: string;
  /** What the rule protects against and how to fix a finding (SARIF `fullDescription`). */
  help: string;
  /** The docs page and anchor of the rule (`lint.md#digest-missing`), for SARIF `helpUri`. */
  docs: string;
}

/** Counts of a run: files scanned, images seen, findings by rule and by severity. */
export interface Summary {
  files: number;
  images: number;
  findings: number;
  errors: number;
  warnings: number;
  notes: number;
  byRule: Record<string, number>;
}
