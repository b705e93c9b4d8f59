/**
 * Typed errors shared by every imagepin module.
 *
 * Every error a user can cause or meet is an {@link ImagepinError} with a stable kebab-case `code`.
 * Callers and tests match on `code`, never on message text; the message is for the person at the
 * terminal and names the file and line where there is one.
 */

/** Where in a user's input a problem sits. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/** Options every {@link ImagepinError} accepts beside its code and message. */
export interface ImagepinErrorOptions {
  /** A next step for the user ("pass --insecure-registry …"). */
  hint?: string;
  /** The file position the error is about. */
  location?: SourceLocation;
  /** The underlying error, kept for `--debug`. */
  cause?: unknown;
}

/**
 * The base of every error imagepin throws on purpose.
 *
 * `message` already carries the location prefix (`deploy.yaml:12:9: …`) when a location is given,
 * so printing `message` alone is always enough.
 */
export class ImagepinError extends Error {
  /** Stable machine-readable code, kebab-case (`invalid-format`, `not-found`, …). */
  readonly code: string;
  readonly hint?: string;
  readonly location?: SourceLocation;

  constructor(code: string, message: string, options: ImagepinErrorOptions = {}) {
    super(options.location ? `${formatLocation(options.location)}: ${message}` : message, {
      cause: options.cause,
    });
    this.name = new.target.name;
    this.code = code;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.location !== undefined) this.location = options.location;
  }
}

/**
 * A command line or option the user got wrong (unknown flag, contradictory options, unreadable
 * argument). The CLI exits 2 for these.
 */
export class UsageError extends ImagepinError {
  constructor(message: string, options: ImagepinErrorOptions = {}) {
    super("usage", message, options);
  }
}

/** Formats a location as `file:line:col`, leaving out the parts that are unknown. */
export function formatLocation(location: SourceLocation): string {
  let text = location.file;
  if (location.line !== undefined) {
    text += `:${location.line}`;
    if (location.column !== undefined) text += `:${location.column}`;
  }
  return text;
}

/** True when `error` is an {@link ImagepinError}, optionally with the given code. */
export function isImagepinError(error: unknown, code?: string): error is ImagepinError {
  return error instanceof ImagepinError && (code === undefined || error.code === code);
}

/**
 * The code and message of any thrown value, for warnings, events, reports and `fallbackReason`: an
 * ImagepinError's own; an Error's `code` property when it has one (Node's `ECONNRESET`), else
 * `internal-error`; anything else as text with `internal-error`.
 */
export function describeError(error: unknown): { code: string; message: string } {
  if (isImagepinError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return { code: typeof code === "string" ? code : "internal-error", message: error.message };
  }
  return { code: "internal-error", message: String(error) };
}
