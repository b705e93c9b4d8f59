import { readFile } from "node:fs/promises";
import { UsageError } from "../errors.js";
import { describeFsError } from "../internal/fs-errors.js";

/** Reads all of standard input as UTF-8 text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Expands command-line references: `-` is replaced by the lines of standard input (trimmed; blank
 * lines and `#` comments skipped), in place, so output keeps input order.
 */
export async function readReferenceArguments(args: string[]): Promise<string[]> {
  if (!args.includes("-")) return args;
  const lines = referenceLines(await readStdin());
  return args.flatMap((arg) => (arg === "-" ? lines : [arg]));
}

/** The references in a text with one per line (blank lines and `#` comments skipped). */
export function referenceLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/**
 * Reads a file given on the command line, or standard input for `-`.
 * @throws UsageError `cannot read FILE: no such file or directory` (exit 2), never a raw fs error.
 */
export async function readInputFile(path: string): Promise<string> {
  if (path === "-") return readStdin();
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${describeFsError(error)}`, { cause: error });
  }
}
