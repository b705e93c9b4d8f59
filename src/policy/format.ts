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
  /** Colour the text; default: as `tty`. NO_COLOR turns colour off without ungrouping, FORCE_COLOR on. */
  colour?: boolean;
}

/** The whole output of a run in one format, ending in a newline (empty for clean text output). */
export function formatFindings(findings: Finding[], format: OutputFormat, options: FormatOptions): string {
  if (format === "json") return `${JSON.stringify({ findings, summary: options.summary })}\n`;
  if (format === "sarif") return `${JSON.stringify(sarifLog(findings, options.rules, options.toolVersion), null, 2)}\n`;
  const colour = (options.colour ?? options.tty) ? ansi : plain;
  return options.tty
    ? groupedText(findings, options.summary, colour)
    : distinct(findings)
        .map(
          ({ finding, count }) => `${findingLine(finding, colour, false)}${times(count)}\n${hintLine(finding, "  ")}`,
        )
        .join("");
}

const ansi = {
  red: "\u001b[31m",
  yellow: "\u001b[33m",
  cyan: "\u001b[36m",
  dim: "\u001b[2m",
  bold: "\u001b[1m",
  reset: "\u001b[0m",
};
const plain: typeof ansi = { red: "", yellow: "", cyan: "", dim: "", bold: "", reset: "" };

function findingLine(finding: Finding, colour: typeof ansi, grouped: boolean): string {
  const tint = finding.severity === "error" ? colour.red : finding.severity === "warning" ? colour.yellow : colour.cyan;
  const place = `${colour.dim}${finding.file}:${finding.line}:${finding.column}${colour.reset}`;
  // A plain line ends with the severity, as ESLint's unix format does, so `file:line:col rule` stays greppable.
  if (!grouped) return `${place} ${tint}${finding.rule}${colour.reset} ${finding.message} [${finding.severity}]`;
  return `${place} ${tint}${finding.severity}${colour.reset} ${tint}${finding.rule}${colour.reset} ${finding.message}`;
}

/**
 * Findings with the same place, rule and message once each, with their count: a Compose anchor merged
 * into 20 services is one line "(20 times)" (issue 12). JSON and SARIF keep every finding.
 */
function distinct(findings: Finding[]): { finding: Finding; count: number }[] {
  const seen = new Map<string, { finding: Finding; count: number }>();
  for (const finding of findings) {
    const key = `${finding.file}:${finding.line}:${finding.column} ${finding.rule} ${finding.severity} ${finding.message} ${finding.hint ?? ""}`;
    const entry = seen.get(key);
    if (entry) entry.count++;
    else seen.set(key, { finding, count: 1 });
  }
  return [...seen.values()];
}

const times = (count: number) => (count > 1 ? ` (${count} times)` : "");
const hintLine = (finding: Finding, indent: string) => (finding.hint ? `${indent}hint: ${finding.hint}\n` : "");

/** One block per file, severities coloured, and a summary line. */
function groupedText(findings: Finding[], summary: Summary, colour: typeof ansi): string {
  let text = "";
  let file: string | undefined;
  for (const { finding, count } of distinct(findings)) {
    if (finding.file !== file) {
      file = finding.file;
      text += `${text === "" ? "" : "\n"}${colour.bold}${file}${colour.reset}\n`;
    }
    text += `  ${findingLine(finding, colour, true)}${times(count)}\n${hintLine(finding, "    ")}`;
  }
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
  text += `${text === "" ? "" : "\n"}${plural(summary.findings, "finding")} (${plural(summary.errors, "error")}, ${plural(summary.warnings, "warning")}) in ${plural(summary.files, "file")}, ${plural(summary.images, "image")}\n`;
  return text;
}
