import { ImagepinError, type ImagepinErrorOptions } from "../errors.js";

/**
 * The stable codes a {@link RegistryError} carries:
 * - `not-found`: the registry has no such repository, tag or digest (404);
 * - `unauthorized`: no credential was accepted (401, or the token server refused it);
 * - `denied`: the credentials were accepted but do not grant pull (403);
 * - `unreachable`: no connection (temporary), or TLS failed (an untrusted certificate, a port that does
 *   not speak TLS: not temporary);
 * - `timeout`: a request or the overall deadline ran out;
 * - `invalid-response`: the registry answered something that is not the distribution API (no digest,
 *   an unknown media type, an oversized body or header, bytes that are not HTTP, JSON nested too deep,
 *   an unsafe token realm);
 * - `platform-not-found`: the index has no manifest for the requested platform;
 * - `digest-mismatch`: the bytes received do not hash to the digest the registry or the caller named;
 * - `too-many-requests`: 429 after the retries;
 * - `server-error`: 5xx after the retries.
 */
export type RegistryErrorCode =
  | "not-found"
  | "unauthorized"
  | "denied"
  | "unreachable"
  | "timeout"
  | "invalid-response"
  | "platform-not-found"
  | "digest-mismatch"
  | "too-many-requests"
  | "server-error";

/** Options of a {@link RegistryError} beside its code and message. */
export interface RegistryErrorOptions extends ImagepinErrorOptions {
  /** The registry host the error is about (`localhost:5000`, `docker.io`). */
  registry: string;
  /** The HTTP status, when the registry answered. */
  status?: number;
  /** The registry's own error code (`MANIFEST_UNKNOWN`, `TOOMANYREQUESTS`), when it sent one. */
  registryCode?: string;
  /** Overrides the default derived from the code (a certificate problem is `unreachable` but no outage). */
  temporary?: boolean;
}

// Outages, which the webhook may bridge with the last known digest; every other code is an answer.
const temporaryCodes: ReadonlySet<RegistryErrorCode> = new Set([
  "unreachable",
  "timeout",
  "too-many-requests",
  "server-error",
]);

/**
 * An error talking to a registry. `temporary` is true for outages (unreachable, timeout, 429, 5xx), on
 * which callers may retry later or fall back. The message names the registry and never holds a secret.
 */
export class RegistryError extends ImagepinError {
  declare readonly code: RegistryErrorCode;
  readonly registry: string;
  readonly temporary: boolean;
  readonly status?: number;
  readonly registryCode?: string;

  constructor(code: RegistryErrorCode, message: string, options: RegistryErrorOptions) {
    super(code, message, options);
    this.registry = options.registry;
    this.temporary = options.temporary ?? temporaryCodes.has(code);
    if (options.status !== undefined) this.status = options.status;
    if (options.registryCode !== undefined) this.registryCode = options.registryCode;
  }
}

/**
 * The one rule for "the registry is having an outage": true when `error` says it is `temporary`, as a
 * {@link RegistryError} does for connection refused or reset, timeouts, 429 and 5xx. An untrusted
 * certificate, a refusal of credentials, a missing tag, an answer that is not the distribution API and a
 * digest mismatch are answers, not outages, and are not temporary. A custom resolver marks its own
 * outages with `temporary: true`; any other error (a bug included) is not an outage.
 */
export function isOutage(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { temporary?: unknown }).temporary === true;
}

/** True when `error` is a {@link RegistryError}, optionally with the given code. */
export function isRegistryError(error: unknown, code?: RegistryErrorCode): error is RegistryError {
  return error instanceof RegistryError && (code === undefined || error.code === code);
}
