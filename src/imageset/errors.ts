import { ImagepinError, type ImagepinErrorOptions } from "../errors.js";

/** Codes of {@link ImageSetError}. */
export type ImageSetErrorCode =
  | "version-mismatch"
  | "version-unknown"
  | "mixed-registries"
  | "no-images"
  | "invalid-imageset"
  | "invalid-installation"
  | "no-installation"
  | "no-operator-deployment";

/** An ImageSet that cannot be built or read as given. */
export class ImageSetError extends ImagepinError {
  declare readonly code: ImageSetErrorCode;

  constructor(code: ImageSetErrorCode, message: string, options: ImagepinErrorOptions = {}) {
    super(code, message, options);
  }
}
