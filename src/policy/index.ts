export type { Finding, RuleDescription, Severity, Summary } from "./types.js";
export { lintRules, lintImage, problemFinding, findingFor, sortFindings, summarize } from "./rules.js";
export { formatFindings, outputFormats, type FormatOptions, type OutputFormat } from "./format.js";
export { sarifLog, sarifSchemaUri } from "./sarif.js";
export { lintFiles, type LintResult } from "./lint.js";
export { verifyFiles, verifyRules, type VerifyOptions, type VerifyResult } from "./verify.js";
export type { VerifyLock } from "./verify-lock.js";
