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
 * Reads standard input as UTF-8 text, keeping at most `maxBytes`: past that the rest is read and
 * dropped (so the writer is not left blocked) and an Error says how large it was.
 */
export async function readStdinBounded(maxBytes: number, describe: (bytes: number) => string): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of process.stdin) {
    bytes += (chunk as Buffer).length;
    if (bytes <= maxBytes) chunks.push(chunk as Buffer);
    else chunks.length = 0;
  }
  if (bytes > maxBytes) throw new Error(describe(bytes));
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
