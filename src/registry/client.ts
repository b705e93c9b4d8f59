import type { Keychain } from "../credentials/types.js";
import { anonymousKeychain } from "../credentials/types.js";
import { silentLogger, type Logger } from "../internal/logger.js";
import type { ImageReference } from "../reference/index.js";
import { TokenCache } from "./auth.js";
import { configDescriptor, configPlatform, maxConfigBytes } from "./config-blob.js";
import { RegistryError } from "./errors.js";
import {
  headerDigest,
  maxManifestBytes,
  parseIndex,
  rateLimitOf,
  statusError,
  verifyManifest,
  type RateLimit,
} from "./manifest.js";
import { bareMediaType, isIndexMediaType, isManifestMediaType, manifestAccept } from "./media-types.js";
import { normalizePlatform, type Platform } from "../reference/index.js";
import { selectPlatform, type PlatformEntry } from "./platform.js";
import type { HostLookup } from "./realm.js";
import { Session, type Deadline, type SharedState } from "./session.js";
import { Transport, type TransportOptions } from "./transport.js";

/** Settings of a {@link RegistryClient}; every one has a default. */
export interface RegistryClientOptions extends TransportOptions {
  /** Credentials to try; default anonymous only. */
  keychain?: Keychain;
  /** `--insecure-registry` entries, `host` or `host:port`: plain http (and unverified TLS) allowed. */
  insecureRegistries?: string[];
  /** The budget of one operation (resolve, indexEntries), retries included; default 60 s. */
  timeoutMs?: number;
  /** Registry exchanges at debug level (URLs and statuses, never headers). */
  logger?: Logger;
  /** Resolves token realm host names for validation; injected in tests. */
  lookupHost?: HostLookup;
  now?: () => number;
}

/** The manifest a reference (and platform) selects. */
export interface ManifestResult {
  digest: string;
  mediaType: string;
  /** The platform of the entry chosen from an index, when a platform was asked for. */
  platform?: Platform;
  /** The registry's rate-limit headers from the manifest response, when it sent them. */
  rateLimit?: RateLimit;
}

/**
 * The OCI distribution client: resolves tags to digests with a HEAD (no Docker Hub pull is spent), falls
 * back to a verified GET, picks platforms from indexes. One client owns the connection pools; clients
 * derived with {@link withKeychain} share them, the token cache and what was learnt of each host.
 */
export class RegistryClient {
  private readonly session: Session;
  private readonly timeoutMs: number;

  /** `shared` and `owner` are for {@link withKeychain}; callers pass options only. */
  constructor(
    private readonly options: RegistryClientOptions = {},
    private readonly shared: SharedState = newSharedState(options),
    private readonly owner = true,
  ) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.session = new Session(shared, options.keychain ?? anonymousKeychain, options.logger ?? silentLogger);
  }

  /** A client that uses `keychain` instead, sharing this one's connections and caches. Closing it closes nothing. */
  withKeychain(keychain: Keychain): RegistryClient {
    return new RegistryClient({ ...this.options, keychain }, this.shared, false);
  }

  /**
   * The digest a reference names: its tag's manifest (an index stays an index), or with `platform`
   * the matching manifest of the index. A reference with a digest is checked to exist and returned as is.
   * @throws RegistryError with any {@link RegistryError} code.
   */
  async resolve(
    reference: ImageReference,
    options: { platform?: Platform; signal?: AbortSignal } = {},
  ): Promise<ManifestResult> {
    const budget = this.budget(options.signal);
    const context = { registry: reference.domain, reference: reference.normalized };
    const target = reference.digest ?? (reference.effectiveTag as string);
    const head = await this.manifest(reference, target, "HEAD", budget);
    let found: ManifestResult & { body?: Buffer };
    // The rate limit of the last manifest response: after a GET, that GET's (the request Docker Hub counts).
    let rateLimit = rateLimitOf(head);
    const digest = headerDigest(head);
    const mediaType = bareMediaType(head.headers["content-type"]);
    if (head.status === 200 && digest !== undefined && isManifestMediaType(mediaType)) {
      if (reference.digest !== undefined && digest !== reference.digest) {
        throw new RegistryError(
          "digest-mismatch",
          `registry ${reference.domain} answered ${reference.normalized} with digest ${digest}`,
          { registry: reference.domain, temporary: false },
        );
      }
      found = { digest, mediaType };
    } else if (head.status === 200 || head.status === 405 || head.status === 400) {
      // HEAD refused or without a digest: fetch the bytes and hash them ourselves.
      const get = await this.getVerifiedManifest(reference, target, reference.digest, budget);
      found = { digest: get.digest, mediaType: get.mediaType, body: get.body };
      rateLimit = get.rateLimit ?? rateLimit;
    } else {
      throw statusError(head, context);
    }
    if (options.platform === undefined || reference.digest !== undefined || !isIndexMediaType(found.mediaType)) {
      return { digest: found.digest, mediaType: found.mediaType, ...(rateLimit ? { rateLimit } : {}) };
    }
    const entries = await this.entriesOf(reference, found.digest, found.body, budget);
    const chosen = selectPlatform(entries, options.platform, context);
    return {
      digest: chosen.digest,
      mediaType: chosen.mediaType,
      platform: normalizePlatform(chosen.platform as Platform),
      ...(rateLimit ? { rateLimit } : {}),
    };
  }

  /**
   * The manifests of the index or manifest list a reference names (by tag or digest), verified against
   * their digest; an empty list for a single-platform manifest.
   * @throws RegistryError with any {@link RegistryError} code.
   */
  async indexEntries(reference: ImageReference, options: { signal?: AbortSignal } = {}): Promise<PlatformEntry[]> {
    const budget = this.budget(options.signal);
    const context = { registry: reference.domain, reference: reference.normalized };
    const { mediaType, body } = await this.getVerifiedManifest(
      reference,
      reference.digest ?? (reference.effectiveTag as string),
      reference.digest,
      budget,
    );
    return isIndexMediaType(mediaType) ? parseIndex(body, context) : [];
  }

  /**
   * The platform of the single-platform manifest a reference names, read from its image config (a
   * manifest does not carry its platform; only an index entry does). Undefined for an index, or for a
   * manifest whose config declares none.
   * @throws RegistryError with any {@link RegistryError} code.
   */
  async manifestPlatform(
    reference: ImageReference,
    options: { signal?: AbortSignal } = {},
  ): Promise<Platform | undefined> {
    const budget = this.budget(options.signal);
    const context = { registry: reference.domain, reference: reference.normalized };
    const { mediaType, body } = await this.getVerifiedManifest(
      reference,
      reference.digest ?? (reference.effectiveTag as string),
      reference.digest,
      budget,
    );
    const config = isIndexMediaType(mediaType) ? undefined : configDescriptor(body);
    if (config === undefined || config.size > maxConfigBytes) return undefined;
    const blob = await this.session.send(
      {
        method: "GET",
        registry: reference.domain,
        host: reference.registryHost,
        repository: reference.path,
        path: `/v2/${reference.path}/blobs/${config.digest}`,
        headers: {},
        maxBodyBytes: maxConfigBytes,
      },
      budget,
    );
    if (blob.status !== 200) throw statusError(blob, context);
    const platform = configPlatform(blob.body, config.digest, context);
    return platform ? normalizePlatform(platform) : undefined;
  }

  private async entriesOf(
    reference: ImageReference,
    digest: string,
    body: Buffer | undefined,
    budget: Deadline,
  ): Promise<PlatformEntry[]> {
    const context = { registry: reference.domain, reference: reference.normalized };
    if (body !== undefined) return parseIndex(body, context);
    // By digest, so the bytes are those the HEAD named, and checked to be.
    return parseIndex((await this.getVerifiedManifest(reference, digest, digest, budget)).body, context);
  }

  /**
   * GETs a manifest (by tag or digest) and checks its bytes: against `expected` when the caller knows
   * the digest, and against the registry's Docker-Content-Digest.
   * @throws RegistryError from {@link statusError} for a non-200 answer, or from {@link verifyManifest}.
   */
  private async getVerifiedManifest(
    reference: ImageReference,
    target: string,
    expected: string | undefined,
    budget: Deadline,
  ): Promise<{ digest: string; mediaType: string; body: Buffer; rateLimit?: RateLimit }> {
    const context = { registry: reference.domain, reference: reference.normalized };
    const get = await this.manifest(reference, target, "GET", budget);
    if (get.status !== 200) throw statusError(get, context);
    const verified = verifyManifest(get, { ...context, expected });
    const rateLimit = rateLimitOf(get);
    return { ...verified, body: get.body, ...(rateLimit ? { rateLimit } : {}) };
  }

  private manifest(reference: ImageReference, target: string, method: "GET" | "HEAD", budget: Deadline) {
    return this.session.send(
      {
        method,
        registry: reference.domain,
        host: reference.registryHost,
        repository: reference.path,
        path: `/v2/${reference.path}/manifests/${target}`,
        headers: { accept: manifestAccept },
        maxBodyBytes: maxManifestBytes,
      },
      budget,
    );
  }

  private budget(signal?: AbortSignal): Deadline {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return {
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      deadline: this.shared.now() + this.timeoutMs,
    };
  }

  /** Closes the connection pools (only the client that created them does). */
  async close(): Promise<void> {
    if (this.owner) await this.shared.transport.close();
  }
}

function newSharedState(options: RegistryClientOptions): SharedState {
  const now = options.now ?? Date.now;
  return {
    transport: new Transport(options),
    tokens: new TokenCache(now),
    schemes: new Map(),
    challenges: new Map(),
    firstContact: new Map(),
    insecureRegistries: options.insecureRegistries ?? [],
    ...(options.lookupHost ? { lookupHost: options.lookupHost } : {}),
    now,
  };
}
