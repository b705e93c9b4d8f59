import type { Keychain } from "../credentials/types.js";
import { anonymousKeychain } from "../credentials/types.js";
import type { ImageReference } from "../reference/index.js";
import { formatPlatform, normalizePlatform, type Platform } from "../reference/index.js";
import { RegistryClient, RegistryError, type RegistryClientOptions } from "../registry/index.js";
import { abandonOnAbort } from "../internal/abort.js";
import { Memo } from "../internal/memo.js";
import type { IndexEntry, Resolution, ResolveOptions, Resolver } from "./types.js";

/** Settings of a {@link RegistryResolver}: the client's, plus the cache. */
export interface RegistryResolverOptions extends RegistryClientOptions {
  /** Keep successful answers this long (the webhook uses 30 s); default 0: no cache, one run resolves each reference once anyway. */
  cacheTtlMs?: number;
  /** The most answers kept; the least recently used go first. Default {@link defaultResolverCacheSize}. */
  cacheSize?: number;
}

/**
 * How many answers a resolver keeps by default, in each of its two caches: far more distinct images than
 * a cluster runs, and at a few hundred bytes an answer, a few MiB at most.
 */
export const defaultResolverCacheSize = 10_000;

/** Options of {@link RegistryResolver.withKeychain}. */
export interface DeriveOptions {
  /** Try this resolver's own credentials after the new keychain's (the webhook's order); default false. */
  thenOwnCredentials?: boolean;
}

/**
 * The {@link Resolver} over the registry client. Concurrent calls for the same reference and platform
 * share one registry exchange (single-flight), and with `cacheTtlMs` successful answers are reused for
 * that long. Each resolver holds one keychain, so shared answers never cross credentials.
 */
export class RegistryResolver implements Resolver {
  private readonly client: RegistryClient;
  private readonly keychain: Keychain;
  /** Answers by tag, shared while in flight and kept for `cacheTtlMs`. */
  private readonly answers: Memo<Resolution>;
  /** Answers about manifests named by digest (index entries, platforms), kept since they cannot change. */
  private readonly digestAnswers: Memo<NonNullable<unknown>>;
  private readonly now: () => number;

  constructor(
    private readonly options: RegistryResolverOptions = {},
    client?: RegistryClient,
  ) {
    this.keychain = options.keychain ?? anonymousKeychain;
    this.client = client ?? new RegistryClient(options);
    this.now = options.now ?? Date.now;
    const maxEntries = options.cacheSize ?? defaultResolverCacheSize;
    this.answers = new Memo({ maxEntries, ttlMs: options.cacheTtlMs ?? 0, now: this.now });
    this.digestAnswers = new Memo({ maxEntries, now: this.now });
  }

  /**
   * A resolver that resolves with `keychain` (a Pod's pull secrets), sharing this one's connections and
   * tokens but not its cached answers. Closing it closes nothing.
   */
  withKeychain(keychain: Keychain, derive: DeriveOptions = {}): RegistryResolver {
    const own = this.keychain;
    const chosen: Keychain = derive.thenOwnCredentials
      ? {
          candidates: async (registry, repository) => [
            ...(await keychain.candidates(registry, repository)),
            ...(await own.candidates(registry, repository)),
          ],
        }
      : keychain;
    return new RegistryResolver({ ...this.options, keychain: chosen }, this.client.withKeychain(chosen));
  }

  /**
   * Resolves a reference to a digest (see {@link Resolver.resolve}). The caller's signal abandons the
   * wait, not the shared exchange, which other callers may still need.
   * @throws RegistryError (`not-found`, `unauthorized`, `denied`, `unreachable`, `timeout`, …).
   */
  async resolve(reference: ImageReference, options: ResolveOptions = {}): Promise<Resolution> {
    // Keyed by the normalized platform (linux/arm64 is linux/arm64/v8), as the digest store keys it.
    // Without a platform the key is the normalized reference itself (it never holds a newline): the
    // webhook looks it up several times per review, and a concatenated key is rebuilt and hashed each time.
    const key = options.platform
      ? `${reference.normalized}\n${formatPlatform(normalizePlatform(options.platform))}`
      : reference.normalized;
    const cached = this.answers.peek(key);
    if (cached !== undefined) return { ...cached, source: "cached" };
    const flight = this.answers.get(key, () => this.fetch(reference, options.platform));
    return abandonOnAbort(flight, options.signal, () => timeoutError(reference));
  }

  /** The entries of the index a reference names; an empty list for a single manifest. */
  async indexEntries(reference: ImageReference, options: { signal?: AbortSignal } = {}): Promise<IndexEntry[]> {
    return this.byDigest("entries", reference, options.signal, (signal) =>
      this.client.indexEntries(reference, signal ? { signal } : {}),
    );
  }

  /** The platform a single-platform manifest was built for, from its image config. */
  async manifestPlatform(
    reference: ImageReference,
    options: { signal?: AbortSignal } = {},
  ): Promise<Platform | undefined> {
    return this.byDigest("platform", reference, options.signal, (signal) =>
      this.client.manifestPlatform(reference, signal ? { signal } : {}),
    );
  }

  /**
   * What a manifest named by digest says cannot change, so one answer serves every later call (and
   * concurrent calls share one exchange); a reference by tag is asked each time.
   */
  private async byDigest<T>(
    what: string,
    reference: ImageReference,
    signal: AbortSignal | undefined,
    load: (signal?: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (reference.digest === undefined) return load(signal);
    const key = `${what}\n${reference.name}@${reference.digest}`;
    // The memo keeps no undefined (a manifest without a platform), so answers travel boxed. A failure (an
    // outage) is not an answer about the content: the memo forgets it and the next call asks again.
    const answer = this.digestAnswers.get(key, async () => ({ value: await load() })) as Promise<{ value: T }>;
    return (await abandonOnAbort(answer, signal, () => timeoutError(reference))).value;
  }

  private async fetch(reference: ImageReference, platform: Platform | undefined): Promise<Resolution> {
    const found = await this.client.resolve(reference, platform ? { platform } : {});
    const resolution: Resolution = {
      reference,
      pinned:
        reference.digest !== undefined
          ? reference
          : reference.withTag(reference.effectiveTag as string).withDigest(found.digest),
      digest: found.digest,
      mediaType: found.mediaType,
      source: "fresh",
      resolvedAt: this.now(),
    };
    if (found.platform) resolution.platform = found.platform;
    if (found.rateLimit) resolution.rateLimit = found.rateLimit;
    return resolution;
  }

  /** Closes the connection pools (a derived resolver closes nothing). */
  close(): Promise<void> {
    return this.client.close();
  }
}

/** The error for a caller that stopped waiting for a shared exchange. */
function timeoutError(reference: ImageReference): RegistryError {
  return new RegistryError("timeout", `gave up waiting for ${reference.normalized}: deadline exceeded`, {
    registry: reference.domain,
  });
}
