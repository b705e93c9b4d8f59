import { ImagepinError, type ImagepinErrorOptions } from "../errors.js";

/**
 * Codes of the digest store's errors. `store-not-found`: a store that is only read or pruned
 * (`webhook store list|evict`) does not exist.
 */
export type StoreErrorCode = "invalid-store-url" | "store-unavailable" | "store-not-found" | "invalid-store-record";

/** An error of the digest store: a bad `--store` URL, or a backend that cannot be reached or written. */
export class StoreError extends ImagepinError {
  declare readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options: ImagepinErrorOptions = {}) {
    super(code, message, options);
  }
}

/** `store-unavailable` for a backend that failed: the action, then the cause's own message. */
export function storeUnavailable(message: string, cause: unknown): StoreError {
  const detail = cause instanceof Error ? `: ${cause.message}` : "";
  return new StoreError("store-unavailable", `${message}${detail}`, { cause });
}
