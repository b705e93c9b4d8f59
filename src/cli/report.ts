import { progressWanted, type ProgressOptions } from "./progress.js";

/**
 * Lines for standard error, each distinct line written once with how often it came up: a Compose anchor
 * merged into 20 services is one warning "(20 times)", not 20 (issue 12). Order: first occurrence.
 */
export class Diagnostics {
  private readonly counts = new Map<string, { line: string; hint?: string; count: number }>();

  /** Records one occurrence of `line` (without its newline), and the hint written under it. */
  add(line: string, hint?: string): void {
    const key = `${line}\n${hint ?? ""}`;
    const seen = this.counts.get(key);
    if (seen) seen.count++;
    else this.counts.set(key, { line, ...(hint ? { hint } : {}), count: 1 });
  }

  /** The recorded lines, each once, with ` (N times)` when it came up more than once, and its hint under it. */
  lines(): string[] {
    return [...this.counts.values()].flatMap(({ line, hint, count }) => [
      count > 1 ? `${line} (${count} times)` : line,
      ...(hint ? [`  hint: ${hint}`] : []),
    ]);
  }

  /** Writes the lines to standard error and forgets them. */
  flush(): void {
    for (const line of this.lines()) process.stderr.write(`${line}\n`);
    this.counts.clear();
  }
}

/** `1 image`, `2 images`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/**
 * Writes a run's one total line (`pinned 412 images in 57 files, 3 failed`) on standard error when
 * progress is shown there: a terminal, without --quiet, for text output; not when `summaryShown` (lint
 * and verify end their grouped output on a terminal with their own summary).
 */
export function printTotal(line: string, options: ProgressOptions & { summaryShown?: boolean }): void {
  if (progressWanted(options) && !options.summaryShown) process.stderr.write(`imagepin: ${line}\n`);
}
