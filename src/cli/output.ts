import { ImagepinError, UsageError } from "../errors.js";

/** Exit status of a run that only found what it was asked to look for (findings, failed inputs). */
export const exitFindings = 1;
/** Exit status for usage mistakes and unreadable input. */
export const exitUsage = 2;

/** Global flags every command sees through `optsWithGlobals()`. */
export interface GlobalOptions {
  debug?: boolean;
}

/** Writes a line to standard output. */
export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Writes a note for the person at the terminal to standard error, prefixed `imagepin: `. */
export function note(line: string): void {
  process.stderr.write(`imagepin: ${line}\n`);
}

/** Prints an error the way every command does: `imagepin: message`, a hint, a stack only with --debug. */
export function printError(error: unknown, debug: boolean): void {
  if (error instanceof ImagepinError) {
    process.stderr.write(`imagepin: ${error.message}\n`);
    if (error.hint) process.stderr.write(`  hint: ${error.hint}\n`);
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    if (debug && error.cause instanceof Error && error.cause.stack)
      process.stderr.write(`caused by: ${error.cause.stack}\n`);
    return;
  }
  const text = error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
  process.stderr.write(`imagepin: ${text}\n`);
}

/** The exit status for an error that ended a command. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return exitUsage;
  if (error instanceof ImagepinError) return exitUsage;
  return 3;
}

/** Parses a positive integer flag value. @throws UsageError */
export function positiveInteger(flag: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1)
      throw new UsageError(`${flag} takes a whole number of at least 1, not ${JSON.stringify(value)}`);
    return parsed;
  };
}

/** A flag parser for whole numbers of 0 or more (`--shutdown-delay 0` turns the delay off). */
export function nonNegativeInteger(flag: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0)
      throw new UsageError(`${flag} takes a whole number of 0 or more, not ${JSON.stringify(value)}`);
    return parsed;
  };
}

/** Collects a repeatable flag's values into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
