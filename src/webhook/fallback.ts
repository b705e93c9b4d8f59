import { describeError, ImagepinError, isImagepinError } from "../errors.js";
import { abandonOnAbort } from "../internal/abort.js";
import type { Logger } from "../internal/logger.js";
import { silentLogger } from "../internal/logger.js";
import type { ImageReference } from "../reference/index.js";
import { RegistryResolver } from "../resolve/registry-resolver.js";
import type { Platform } from "../reference/index.js";
import type { Resolution, ResolveOptions, Resolver } from "../resolve/types.js";
import type { DigestStore, StoreScope } from "../store/types.js";

// Error codes that mean "the registry could not answer now", not "the answer is no". The registry
// client marks such errors `temporary`; the codes and statuses are a second line for errors that do not.
const transientCodes = new Set([
  "unreachable",
  "timeout",
  "deadline-exceeded",
  "too-many-requests",
  "rate-limited",
  "server-error",
  "registry-unavailable",
  "unavailable",
  "connection-reset",
]);

/**
 * True when a resolution error is a registry outage (unreachable, timeout, 5xx, 429) for which the last
 * known digest may stand in. Not-found and access-denied answers are not: the registry did answer.
 * Errors that are not ImagepinErrors (an unexpected failure inside the client) count as outages, so a
 * bug there degrades to the fallback instead of blocking Pods.
 */
export function isTransientRegistryError(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  const fields = error as Error & { temporary?: unknown; status?: unknown };
  if (fields.temporary === true) return true;
  if (typeof fields.status === "number" && (fields.status >= 500 || fields.status === 429)) return true;
  if (!isImagepinError(error)) return true;
  return transientCodes.has(error.code);
}

// Kept importable from here (the webhook's public exports name it); it lives in errors.ts.
export { describeError };

/** Options of {@link FallbackResolver}. */
export interface FallbackResolverOptions {
  /** Resolves at the registry (normally the caching, single-flight registry resolver). */
  resolver: Resolver;
  /** Where last known digests are kept. */
  store: DigestStore;
  logger?: Logger;
}

/** Options of one {@link FallbackResolver.resolve} call. */
export interface FallbackResolveOptions {
  /** Which records this answer may be stored as and served from (see {@link StoreScope}). */
  scope: StoreScope;
  platform?: Platform;
  /** Aborts the registry call; the fallback is still consulted afterwards. */
  signal?: AbortSignal;
  /** Resolves with other credentials (a namespace's pull secrets) instead of the default resolver. */
  resolver?: Resolver;
  /** Serve the last known digest on an outage; default true. False still stores fresh answers. */
  fallback?: boolean;
}

/**
 * Wraps a {@link Resolver} with the last known digest: a fresh answer is stored (awaited, so it is
 * durable before any response relies on it), and when the registry cannot answer (see
 * {@link isTransientRegistryError}) the stored record is returned with `source: "fallback"` and the
 * registry's reason. A `namespace:NS` caller may use its own records and public ones; a public caller
 * only public ones.
 *
 * @throws the resolver's error when it is not transient, or when there is no record to fall back on.
 *   An aborted signal surfaces as ImagepinError `timeout` when the resolver does not honour it itself.
 */
export class FallbackResolver {
  private readonly logger: Logger;
  // Single-flight hands every review waiting on one registry exchange the same Resolution object; one
  // store write per object and scope is enough, and the others wait for that same write, so a scale-up
  // of 1,000 Pods commits one record instead of 1,000.
  private readonly writes = new WeakMap<Resolution, Map<StoreScope, Promise<void>>>();

  constructor(private readonly options: FallbackResolverOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  async resolve(reference: ImageReference, options: FallbackResolveOptions): Promise<Resolution> {
    const resolver = options.resolver ?? this.options.resolver;
    let resolution: Resolution;
    try {
      resolution = await resolveWithin(resolver, reference, { ...(options.platform ? { platform: options.platform } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    } catch (error) {
      if (options.fallback === false || !isTransientRegistryError(error)) throw error;
      const record = await this.lookup(reference, options);
      if (!record) throw error;
      return {
        reference,
        pinned: reference.withDigest(record.digest),
        digest: record.digest,
        mediaType: record.mediaType,
        ...(record.platform ? { platform: record.platform } : {}),
        source: "fallback",
        resolvedAt: record.resolvedAt,
        fallbackReason: describeError(error),
      };
    }
    if (resolution.source === "fresh") await this.remember(reference, resolution, options);
    return resolution;
  }

  /** Stores a fresh answer once per resolution and scope; never throws. */
  private remember(reference: ImageReference, resolution: Resolution, options: FallbackResolveOptions): Promise<void> {
    let byScope = this.writes.get(resolution);
    if (!byScope) this.writes.set(resolution, (byScope = new Map()));
    let write = byScope.get(options.scope);
    if (!write) {
      write = this.options.store
        .put({
          reference: reference.normalized,
          ...(options.platform ? { platform: options.platform } : {}),
          digest: resolution.digest,
          mediaType: resolution.mediaType,
          resolvedAt: resolution.resolvedAt,
          scope: options.scope,
        })
        .catch((error: unknown) => {
          // The Pod is still pinned correctly; only a later fallback loses this answer.
          this.logger.error({ reference: reference.normalized, err: describeError(error) }, "cannot store the last known digest");
        });
      byScope.set(options.scope, write);
    }
    return write;
  }

  private async lookup(reference: ImageReference, options: FallbackResolveOptions) {
    const scopes: StoreScope[] = options.scope === "public" ? ["public"] : [options.scope, "public"];
    for (const scope of scopes) {
      try {
        const record = await this.options.store.get({ reference: reference.normalized, scope, ...(options.platform ? { platform: options.platform } : {}) });
        if (record) return record;
      } catch (error) {
        this.logger.error({ reference: reference.normalized, err: describeError(error) }, "cannot read the last known digest");
        return undefined;
      }
    }
    return undefined;
  }
}

/**
 * Races a promise against an abort signal, for callees that do not honour the signal themselves.
 * @throws ImagepinError `timeout` when the signal aborts first.
 */
export function withSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return abandonOnAbort(promise, signal, () => new ImagepinError("timeout", "the registry did not answer within the review deadline"));
}

/**
 * Resolves with `resolver`, giving up when `signal` aborts. The registry resolver honours the signal
 * itself (it stops waiting on its shared single-flight call), so its call is not wrapped again; any
 * other {@link Resolver} (the interface is public, and a custom one may ignore the signal) is raced
 * against it so a review never outlives its deadline.
 */
function resolveWithin(resolver: Resolver, reference: ImageReference, options: ResolveOptions): Promise<Resolution> {
  const call = resolver.resolve(reference, options);
  return resolver instanceof RegistryResolver ? call : withSignal(call, options.signal);
}
