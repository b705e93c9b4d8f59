import { defaultVariant, formatPlatform, normalizePlatform, parsePlatform, type Platform } from "../reference/index.js";

/**
 * Who a record may serve. `public` records were resolved with the webhook's own credentials and serve
 * every namespace; `namespace:NS` records were resolved with that namespace's private pull secrets and
 * serve only Pods in NS, so no tenant learns another's private digests through the fallback (issue 5).
 */
export type StoreScope = "public" | `namespace:${string}`;

/** The last digest a tag (and platform) resolved to, as kept by a {@link DigestStore}. */
export interface DigestRecord {
  /** The normalized reference that was resolved (`docker.io/library/nginx:1.25`), without digest. */
  reference: string;
  /** The platform chosen from an index, when one was asked for. */
  platform?: Platform;
  /** `sha256:…` the reference resolved to. */
  digest: string;
  /** Media type of what `digest` names. */
  mediaType: string;
  /** When the registry gave this answer (ms since epoch). */
  resolvedAt: number;
  /** Which namespaces the record may serve. */
  scope: StoreScope;
}

/** What identifies one record: reference, platform and scope. */
export interface StoreKey {
  reference: string;
  platform?: Platform;
  scope: StoreScope;
}

/** Selects records to list or evict; every given field must match, an empty filter matches all. */
export interface StoreFilter {
  /** Exact normalized reference, or a pattern where `*` matches any run of characters. */
  reference?: string;
  /** Exact scope. */
  scope?: StoreScope;
  /** Only records resolved before this time (ms since epoch). */
  resolvedBefore?: number;
}

/**
 * Options of one {@link DigestStore.get} or {@link DigestStore.put}: `signal` ends the wait for a busy
 * backend (a SQLite file locked by another process is retried without blocking until it aborts). The
 * caller still races the call against its deadline, as a backend may not honour the signal at once.
 */
export interface StoreCallOptions {
  signal?: AbortSignal;
}

/**
 * Keeps the last known digest of each reference so the webhook can answer while a registry is down.
 * `put` resolves only once the record is durable in the backend (committed to SQLite, acknowledged
 * by Redis), so a response sent after it never refers to a record a crash could lose.
 */
export interface DigestStore {
  /** The record for a key, or undefined when there is none. @throws ImagepinError `store-unavailable`. */
  get(key: StoreKey, options?: StoreCallOptions): Promise<DigestRecord | undefined>;
  /** Inserts or replaces a record; an older `resolvedAt` never replaces a newer one. @throws `store-unavailable`. */
  put(record: DigestRecord, options?: StoreCallOptions): Promise<void>;
  /** Records matching the filter, sorted by reference, scope and platform. @throws `store-unavailable`. */
  list(filter?: StoreFilter): Promise<DigestRecord[]>;
  /** Deletes the records matching the filter and resolves to how many there were. @throws `store-unavailable`. */
  evict(filter: StoreFilter): Promise<number>;
  /** Releases connections and file handles. */
  close(): Promise<void>;
  /** A short description for logs, without secrets (`sqlite:///var/lib/x.db`, `redis://host:6379/0`). */
  readonly description: string;
}

/**
 * `os/arch[/variant]` of the normalized platform (the registry's `formatPlatform(normalizePlatform(…))`,
 * so `linux/arm64` is keyed `linux/arm64/v8` as the resolver keys it), or the empty string for none.
 */
export function platformKey(platform: Platform | undefined): string {
  return platform ? formatPlatform(normalizePlatform(platform)) : "";
}

/**
 * Parses a key back to a normalized platform; undefined for the empty string. Keys written before keys
 * were normalized (`linux/arm64`, `linux/AMD64`) read as their normalized platform.
 */
export function parsePlatformKey(text: string): Platform | undefined {
  if (text === "") return undefined;
  try {
    return parsePlatform(text);
  } catch {
    // Not a platform the parser accepts; kept as written rather than failing every read of the store.
    const [os = "", architecture = "", variant] = text.split("/");
    return variant ? { os, architecture, variant } : { os, architecture };
  }
}

/**
 * The keys older versions may have written for a platform, other than {@link platformKey}'s: the
 * platform as given (not normalized), and its normalized form without a default variant (`linux/arm64`
 * for `linux/arm64/v8`, `linux/arm` for `linux/arm/v7`). Stores look these up when the key misses.
 */
export function legacyPlatformKeys(platform: Platform | undefined): string[] {
  if (!platform) return [];
  const normalized = normalizePlatform(platform);
  const asGiven = [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
  const withoutDefault =
    normalized.variant === defaultVariant(normalized.architecture)
      ? `${normalized.os}/${normalized.architecture}`
      : undefined;
  const current = platformKey(platform);
  return [...new Set([asGiven, withoutDefault].filter((key): key is string => key !== undefined && key !== current))];
}

/** True when a record matches a filter. */
export function matchesFilter(record: DigestRecord, filter: StoreFilter = {}): boolean {
  if (filter.scope !== undefined && record.scope !== filter.scope) return false;
  if (filter.resolvedBefore !== undefined && !(record.resolvedAt < filter.resolvedBefore)) return false;
  if (filter.reference !== undefined) {
    if (filter.reference.includes("*")) {
      const pattern = new RegExp(`^${filter.reference.split("*").map(escapeRegExp).join(".*")}$`);
      if (!pattern.test(record.reference)) return false;
    } else if (record.reference !== filter.reference) return false;
  }
  return true;
}

/**
 * The newest record of each reference, scope and platform: a record under an older key form and one
 * under the current form describe the same thing, and only the later answer counts.
 */
export function newestPerKey(records: DigestRecord[]): DigestRecord[] {
  const newest = new Map<string, DigestRecord>();
  for (const record of records) {
    const key = `${record.reference}\u0000${record.scope}\u0000${platformKey(record.platform)}`;
    const seen = newest.get(key);
    if (!seen || record.resolvedAt > seen.resolvedAt) newest.set(key, record);
  }
  return [...newest.values()];
}

/** Sorts records the way every store lists them. */
export function sortRecords(records: DigestRecord[]): DigestRecord[] {
  const key = (r: DigestRecord) => `${r.reference}\u0000${r.scope}\u0000${platformKey(r.platform)}`;
  return records.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** True when `scope` is a valid {@link StoreScope}. */
export function isStoreScope(scope: string): scope is StoreScope {
  return scope === "public" || /^namespace:[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(scope);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
