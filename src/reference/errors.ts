import { ImagepinError, type ImagepinErrorOptions } from "../errors.js";

/** The stable codes {@link InvalidReferenceError} carries; they appear in JSON output. */
export type ReferenceErrorCode =
  | "empty"
  | "invalid-format"
  | "name-contains-uppercase"
  | "name-too-long"
  | "invalid-digest"
  | "unsupported-digest-algorithm"
  | "hex-identifier-name";

/** An image reference (or a tag or digest given on its own) that breaks the grammar. */
export class InvalidReferenceError extends ImagepinError {
  declare readonly code: ReferenceErrorCode;
  /** The text that was parsed. */
  readonly input: string;

  constructor(code: ReferenceErrorCode, input: string, message: string, options: ImagepinErrorOptions = {}) {
    super(code, message, options);
    this.input = input;
  }
}
