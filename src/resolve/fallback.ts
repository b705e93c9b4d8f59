import { describeError, ImagepinError } from "../errors.js";
import { abandonOnAbort } from "../internal/abort.js";
import type { Logger } from "../internal/logger.js";
import { silentLogger } from "../internal/logger.js";
import type { ImageReference, Platform } from "../reference/index.js";
import { isOutage, RegistryError } from "../registry/errors.js";
import type { DigestRecord, DigestStore, StoreScope } from "../store/types.js";
import type { Resolution, Resolver } from "./types.js";

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
  /** Aborts the registry call; the fallback is still consulted afterwards (until `storeSignal`). */
  signal?: AbortSignal;
  /**
   * Aborts the store lookup and write: the webhook's review deadline. A lookup cut short counts as a
   * store that could not be read; a write cut short leaves the answer correct but unrecorded.
   */
  storeSignal?: AbortSignal;
  /** Resolves with other credentials (a namespace's pull secrets) instead of the default resolver. */
  resolver?: Resolver;
  /** Serve the last known digest on an outage; default true. False still stores fresh answers. */
  fallback?: boolean;
}

/**
 * Thrown when the registry had an outage and the store of last known digests could not be read (down,
 * hung past the deadline, or locked), so no fallback could be looked for. Code `store-unavailable`;
 * `outage` is the registry's error, `storeError` the store's.
 */
export class FallbackUnavailableError extends ImagepinError {
  constructor(
    readonly outage: unknown,
    readonly storeError: unknown,
  ) {
    super(
      "store-unavailable",
      `${describeError(outage).message}; the digest store could not be read: ${describeError(storeError).message}`,
      { cause: outage },
    );
  }
}

/**
 * Wraps a {@link Resolver} with the last known digest: a fresh answer is stored (awaited, so it is
 * durable before any response relies on it), and when the registry has an outage (see
 * {@link isOutage}: the error is `temporary`) the stored record is returned with `source: "fallback"`
 * and the registry's reason. A `namespace:NS` caller may use its own records and public ones; a public
 * caller only public ones. The registry call is always raced against `signal`, so no resolver, however
 * it treats the signal, holds a caller past it.
 *
 * @throws the resolver's error when it is not an outage, or when there is no record to fall back on;
 *   {@link FallbackUnavailableError} when the store could not be read; RegistryError `timeout`
 *   (temporary) when `signal` aborts first.
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
      const call = resolver.resolve(reference, {
        ...(options.platform ? { platform: options.platform } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      resolution = await abandonOnAbort(call, options.signal, () => deadlineError(reference));
    } catch (error) {
      if (options.fallback === false || !isOutage(error)) throw error;
      const record = await this.lookup(reference, options, error);
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
    if (resolution.source === "fresh")
      await abandonOnAbort(this.remember(reference, resolution, options), options.storeSignal, () =>
        storeDeadlineError(),
      ).catch(() => {
        this.logger.error(
          { reference: reference.normalized, store: this.options.store.description },
          "the digest store did not take the last known digest within the review deadline",
        );
      });
    return resolution;
  }

  /** Stores a fresh answer once per resolution and scope; never throws. */
  private remember(reference: ImageReference, resolution: Resolution, options: FallbackResolveOptions): Promise<void> {
    let byScope = this.writes.get(resolution);
    if (!byScope) this.writes.set(resolution, (byScope = new Map()));
    let write = byScope.get(options.scope);
    if (!write) {
      const record: DigestRecord = {
        reference: reference.normalized,
        ...(options.platform ? { platform: options.platform } : {}),
        digest: resolution.digest,
        mediaType: resolution.mediaType,
        resolvedAt: resolution.resolvedAt,
        scope: options.scope,
      };
      write = this.options.store
        .put(record, options.storeSignal ? { signal: options.storeSignal } : {})
        .catch((error: unknown) => {
          // The Pod is still pinned correctly; only a later fallback loses this answer.
          this.logger.error(
            { reference: reference.normalized, err: describeError(error) },
            "cannot store the last known digest",
          );
        });
      byScope.set(options.scope, write);
    }
    return write;
  }

  /** The newest record the caller may use; undefined when there is none. @throws FallbackUnavailableError */
  private async lookup(
    reference: ImageReference,
    options: FallbackResolveOptions,
    outage: unknown,
  ): Promise<DigestRecord | undefined> {
    const scopes: StoreScope[] = options.scope === "public" ? ["public"] : [options.scope, "public"];
    const signal = options.storeSignal;
    for (const scope of scopes) {
      try {
        const key = {
          reference: reference.normalized,
          scope,
          ...(options.platform ? { platform: options.platform } : {}),
        };
        const record = await abandonOnAbort(this.options.store.get(key, signal ? { signal } : {}), signal, () =>
          storeDeadlineError(),
        );
        if (record) return record;
      } catch (error) {
        this.logger.error(
          { reference: reference.normalized, store: this.options.store.description, err: describeError(error) },
          "cannot read the last known digest",
        );
        throw new FallbackUnavailableError(outage, error);
      }
    }
    return undefined;
  }
}

/** The error of a caller that stopped waiting for the registry: an outage, so the fallback applies. */
function deadlineError(reference: ImageReference): RegistryError {
  return new RegistryError(
    "timeout",
    `registry ${reference.domain} did not answer ${reference.familiar} within the review deadline`,
    { registry: reference.domain },
  );
}

function storeDeadlineError(): ImagepinError {
  return new ImagepinError("store-unavailable", "the digest store did not answer within the review deadline");
}
