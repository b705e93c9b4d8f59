/** The annotation that switches rules off for one object: a comma-separated list of rule ids, or `all`. */
export const ignoreAnnotation = "imagepin.io/ignore";

// `# imagepin:ignore` alone switches every rule off; `# imagepin:ignore digest-missing,latest-tag` only those.
// Any word is taken as a rule id, so a misspelt one (`digest_missing`) is reported by lint, not ignored.
const commentPattern = /#\s*imagepin:ignore(?:[ \t]+([^#\r\n]+?))?\s*$/;

/** The rule ids of an annotation value or comment list; `all` and `*` become `*`. */
export function parseRuleList(text: string | undefined): string[] {
  if (text === undefined || text.trim() === "") return ["*"];
  return text
    .split(/[\s,]+/)
    .filter((rule) => rule !== "")
    .map((rule) => (rule === "all" ? "*" : rule));
}

/**
 * Rules switched off for the value on `line` (1-based) by an `# imagepin:ignore` comment at the end
 * of that line or alone on the line directly above it.
 */
export function commentIgnores(lines: readonly string[], line: number): string[] {
  const same = commentPattern.exec(lines[line - 1] ?? "");
  if (same) return parseRuleList(same[1]);
  const above = lines[line - 2]?.trim() ?? "";
  const match = above.startsWith("#") ? commentPattern.exec(above) : null;
  return match ? parseRuleList(match[1]) : [];
}

/** True when `rule` is switched off by a set of suppressed rule ids (`*` switches every rule off). */
export function isSuppressed(ignored: ReadonlySet<string> | undefined, rule: string): boolean {
  return ignored !== undefined && (ignored.has("*") || ignored.has(rule));
}

/** Splits a text into lines without their endings (`\n` or `\r\n`). */
export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}
