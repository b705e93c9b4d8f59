import type { ImageReference, Platform } from "../reference/index.js";
import { isIndexMediaType } from "../registry/media-types.js";
import type { RateLimit } from "../registry/manifest.js";
import type { PlatformEntry } from "../registry/platform.js";

export type { RateLimit } from "../registry/manifest.js";

/** How a resolution was obtained. */
export type ResolutionSource = "fresh" | "cached" | "fallback";

/** A tag resolved to a digest. */
export interface Resolution {
  /** The reference that was asked for. */
  reference: ImageReference;
  /** The reference pinned: the same name and tag with the digest. */
  pinned: ImageReference;
  /** `sha256:…` of the manifest or index the tag (and platform, if given) selects. */
  digest: string;
  /** Media type of what `digest` names (OCI index, Docker manifest list, …). */
  mediaType: string;
  /** The platform chosen from an index, when one was asked for. */
  platform?: Platform;
  /** Fresh from the registry, from the in-memory cache, or the last known digest after a failure. */
  source: ResolutionSource;
  /** When the digest was obtained from the registry (ms since epoch). */
  resolvedAt: number;
  /** Why a fallback was used: the registry's error code and message. */
  fallbackReason?: { code: string; message: string };
  /** The registry's rate-limit headers (`ratelimit-limit`, `ratelimit-remaining`), when it sent them. */
  rateLimit?: RateLimit;
}

/** Options of one resolution. */
export interface ResolveOptions {
  platform?: Platform;
  /**
   * Stops waiting: the call should reject promptly (code `timeout`) once it aborts. The registry resolver
   * does; callers that must keep a deadline with any other resolver (the webhook) also race it against
   * the signal.
   */
  signal?: AbortSignal;
}

/** One manifest listed in an OCI image index or Docker manifest list (absent platform: attestations, artifacts). */
export type IndexEntry = PlatformEntry;

/** Resolves references to digests. Implemented by the registry-backed resolver and by test fakes. */
export interface Resolver {
  /**
   * Resolves one reference. A reference that already has a digest is checked to exist and returned.
   * @throws ImagepinError with a registry code (`not-found`, `unauthorized`, `unreachable`, …).
   */
  resolve(reference: ImageReference, options?: ResolveOptions): Promise<Resolution>;
  /**
   * Lists the manifests of the index or manifest list the reference (tag or digest) names; an empty
   * list when it names a single-platform manifest. `verify --update` uses it to follow a pinned
   * platform manifest to the same platform's new manifest.
   */
  indexEntries?(reference: ImageReference, options?: { signal?: AbortSignal }): Promise<IndexEntry[]>;
  /**
   * The platform of the single-platform manifest the reference names (from its image config);
   * undefined for an index or a config that declares none. `verify --update` follows a pinned
   * platform manifest to the same platform with it.
   */
  manifestPlatform?(reference: ImageReference, options?: { signal?: AbortSignal }): Promise<Platform | undefined>;
}

/** True when a resolution names an image index or manifest list (per-platform manifests), not one manifest. */
export function resolvesToIndex(resolution: Pick<Resolution, "mediaType">): boolean {
  return isIndexMediaType(resolution.mediaType);
}
