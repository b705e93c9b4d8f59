import { createHash } from "node:crypto";
import { isValidDigest } from "../reference/index.js";
import { RegistryError } from "./errors.js";
import { bareMediaType, isManifestMediaType } from "./media-types.js";
import type { PlatformEntry } from "./platform.js";
import type { HttpResponse } from "./transport.js";
import { JsonTooDeepError, parseBoundedJson } from "../internal/bounded-json.js";

/** The largest manifest read (distribution's own limit for a manifest PUT). */
export const maxManifestBytes = 4 << 20;

/** What the registry reported about the rate limit it applies (Docker Hub: `100;w=21600`). */
export interface RateLimit {
  limit?: string;
  remaining?: string;
}

/** The rate-limit headers of a response, undefined when it had none. */
export function rateLimitOf(response: HttpResponse): RateLimit | undefined {
  const limit = response.headers["ratelimit-limit"];
  const remaining = response.headers["ratelimit-remaining"];
  if (limit === undefined && remaining === undefined) return undefined;
  return { ...(limit !== undefined ? { limit } : {}), ...(remaining !== undefined ? { remaining } : {}) };
}

/** The header's digest when it is a well-formed sha256/sha512 digest. */
export function headerDigest(response: HttpResponse): string | undefined {
  const value = response.headers["docker-content-digest"]?.trim();
  return value !== undefined && isValidDigest(value) ? value : undefined;
}

/** `algorithm:hex` of `bytes`, with the algorithm of `like` (sha256 when it names none we know). */
export function digestOf(bytes: Buffer, like?: string): string {
  const algorithm = like?.startsWith("sha512:") ? "sha512" : "sha256";
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}

/**
 * Checks fetched manifest bytes: their digest must equal every digest that names them (the one asked
 * for, and the registry's Docker-Content-Digest). Returns the digest and the media type.
 * @throws RegistryError `digest-mismatch`, `invalid-response` (not a manifest type imagepin knows).
 */
export function verifyManifest(
  response: HttpResponse,
  context: { registry: string; reference: string; expected?: string },
): { digest: string; mediaType: string } {
  const { registry, reference, expected } = context;
  const claimed = headerDigest(response);
  for (const named of [expected, claimed]) {
    if (named === undefined) continue;
    const actual = digestOf(response.body, named);
    if (actual !== named) {
      throw new RegistryError(
        "digest-mismatch",
        `registry ${registry} sent a manifest for ${reference} whose bytes hash to ${actual}, not ${named}`,
        {
          registry,
          temporary: false,
          hint: "the registry or something between it and you altered the manifest; do not use it",
        },
      );
    }
  }
  const digest = expected ?? claimed ?? digestOf(response.body);
  let mediaType = bareMediaType(response.headers["content-type"]);
  if (!isManifestMediaType(mediaType)) {
    const declared = mediaTypeField(response.body);
    if (declared !== undefined && isManifestMediaType(declared)) mediaType = declared;
  }
  if (!isManifestMediaType(mediaType)) {
    throw new RegistryError(
      "invalid-response",
      `registry ${registry} answered ${reference} with media type ${JSON.stringify(mediaType)}, not an OCI or Docker schema 2 manifest`,
      { registry },
    );
  }
  return { digest, mediaType };
}

function mediaTypeField(body: Buffer): string | undefined {
  try {
    const parsed = parseBoundedJson(body.toString("utf8")) as { mediaType?: unknown };
    return typeof parsed.mediaType === "string" ? parsed.mediaType : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The manifests an OCI index or Docker manifest list names, with their platforms.
 * @throws RegistryError `invalid-response` when the body is not such a list.
 */
export function parseIndex(body: Buffer, context: { registry: string; reference: string }): PlatformEntry[] {
  const invalid = (why: string) =>
    new RegistryError(
      "invalid-response",
      `registry ${context.registry} sent an index for ${context.reference} that ${why}`,
      { registry: context.registry },
    );
  let parsed: { manifests?: unknown };
  try {
    parsed = parseBoundedJson(body.toString("utf8")) as { manifests?: unknown };
  } catch (error) {
    throw invalid(error instanceof JsonTooDeepError ? `nests deeper than ${error.maxDepth} levels` : "is not JSON");
  }
  if (typeof parsed !== "object" || parsed === null) throw invalid("is not a JSON object");
  if (!Array.isArray(parsed.manifests)) throw invalid("has no manifests list");
  return parsed.manifests.map((item: unknown) => {
    const entry = item as {
      digest?: unknown;
      mediaType?: unknown;
      platform?: { os?: unknown; architecture?: unknown; variant?: unknown };
    };
    if (typeof entry?.digest !== "string" || !isValidDigest(entry.digest))
      throw invalid("lists an entry without a valid digest");
    const result: PlatformEntry = {
      digest: entry.digest,
      mediaType: typeof entry.mediaType === "string" ? entry.mediaType : "",
    };
    const platform = entry.platform;
    if (platform && typeof platform.os === "string" && typeof platform.architecture === "string") {
      result.platform = {
        os: platform.os,
        architecture: platform.architecture,
        ...(typeof platform.variant === "string" && platform.variant !== "" ? { variant: platform.variant } : {}),
      };
    }
    return result;
  });
}

/**
 * The error for a registry response that is not a success, with the registry's own error code when the
 * body carried one (`MANIFEST_UNKNOWN`, `DENIED`, `TOOMANYREQUESTS`): 401 `unauthorized`, 403 `denied`,
 * 429 `too-many-requests`, 5xx `server-error`, 404 `not-found` for a reference, else `invalid-response`.
 * @param context.where who answered, leading the message: by default `<reference>: registry <registry>`;
 *   a token request passes `the token server of registry <registry> (<realm>)` and no reference.
 */
export function statusError(
  response: HttpResponse,
  context: { registry: string; reference?: string; where?: string },
): RegistryError {
  const { registry, reference } = context;
  const where = context.where ?? `${reference ?? "a request"}: registry ${registry}`;
  const registryCode = registryErrorCode(response.body);
  const options = { registry, status: response.status, ...(registryCode ? { registryCode } : {}) };
  const rate = rateLimitOf(response);
  switch (response.status) {
    case 401:
      return new RegistryError("unauthorized", `${where} ${refusalOf(response, registry)}`, {
        ...options,
        hint:
          reference === undefined
            ? "check the credentials for this registry (`imagepin auth which <image>` lists the ones imagepin tries)"
            : `\`imagepin auth which ${reference}\` lists the credentials imagepin tries; add one with --docker-config or --pull-secret`,
      });
    case 403:
      return new RegistryError("denied", `${where} denied access (403)`, {
        ...options,
        hint: "the credentials were accepted but lack pull access to this repository",
      });
    case 429:
      return new RegistryError(
        "too-many-requests",
        `${where} is rate limiting (429)${rate?.remaining !== undefined ? `, remaining ${rate.remaining}` : ""}`,
        options,
      );
    default:
      if (response.status === 404 && reference !== undefined && context.where === undefined) {
        return new RegistryError("not-found", `${reference}: not found at registry ${registry}`, {
          ...options,
          hint: "check the repository and tag; `imagepin parse` shows how the reference was read",
        });
      }
      if (response.status >= 500)
        return new RegistryError("server-error", `${where} failed with ${response.status}`, options);
      return new RegistryError("invalid-response", `${where} answered ${response.status}`, options);
  }
}

/**
 * What was refused, from what the session tried: anonymous access when no credential matched (and
 * why, when a source failed), else the sources and user names of the refused credentials. Never a secret.
 */
function refusalOf(response: HttpResponse, registry: string): string {
  const attempt = response.auth;
  if (attempt === undefined) return "refused access (401)";
  const failures = attempt.failures.length > 0 ? `; ${attempt.failures.join("; ")}` : "";
  if (attempt.refused.length === 0)
    return `refused anonymous access (401); no credentials match ${registry}${failures}`;
  return `refused the credentials of ${attempt.refused.join(", ")} (401)${failures}`;
}

function registryErrorCode(body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  try {
    const parsed = parseBoundedJson(body.toString("utf8")) as { errors?: { code?: unknown }[] } | null;
    const code = parsed?.errors?.[0]?.code;
    return typeof code === "string" && /^[A-Z_]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}
