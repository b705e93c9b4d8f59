import type { Finding, RuleDescription, Summary } from "./types.js";
import { sarifLog } from "./sarif.js";

/** Output formats of lint and verify. */
export type OutputFormat = "text" | "json" | "sarif";
export const outputFormats: OutputFormat[] = ["text", "json", "sarif"];

/** What a formatter needs beside the findings. */
export interface FormatOptions {
  summary: Summary;
  rules: RuleDescription[];
  toolVersion: string;
  /** Group by file and colour (a terminal); plain `file:line:col rule message` lines otherwise. */
  tty?: boolean;
}

/** The whole output of a run in one format, ending in a newline (empty for clean text output). */
export function formatFindings(findings: Finding[], format: OutputFormat, options: FormatOptions): string {
  if (format === "json") return `${JSON.stringify({ findings, summary: options.summary })}\n`;
  if (format === "sarif") return `${JSON.stringify(sarifLog(findings, options.rules, options.toolVersion), null, 2)}\n`;
  // The severity closes the line, as ESLint's unix format does, so `file:line:col rule` stays greppable.
  return options.tty ? groupedText(findings, options.summary) : findings.map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.rule} ${finding.message} [${finding.severity}]\n`).join("");
}

const colour = { red: "\u001b[31m", yellow: "\u001b[33m", cyan: "\u001b[36m", dim: "\u001b[2m", bold: "\u001b[1m", reset: "\u001b[0m" };

/** One block per file, severities coloured, and a summary line. */
function groupedText(findings: Finding[], summary: Summary): string {
  let text = "";
  let file: string | undefined;
  for (const finding of findings) {
    if (finding.file !== file) {
      file = finding.file;
      text += `${text === "" ? "" : "\n"}${colour.bold}${file}${colour.reset}\n`;
    }
    const tint = finding.severity === "error" ? colour.red : finding.severity === "warning" ? colour.yellow : colour.cyan;
    text += `  ${colour.dim}${finding.file}:${finding.line}:${finding.column}${colour.reset} ${tint}${finding.severity}${colour.reset} ${tint}${finding.rule}${colour.reset} ${finding.message}\n`;
  }
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
  text += `${text === "" ? "" : "\n"}${plural(summary.findings, "finding")} (${plural(summary.errors, "error")}, ${plural(summary.warnings, "warning")}) in ${plural(summary.files, "file")}, ${plural(summary.images, "image")}\n`;
  return text;
}
