import { normalizePlatform } from "../reference/index.js";
import {
  matchesFilter,
  platformKey,
  sortRecords,
  type DigestRecord,
  type DigestStore,
  type StoreFilter,
  type StoreKey,
} from "./types.js";

/**
 * A {@link DigestStore} in process memory (`--store memory:`): nothing survives a restart. For tests,
 * benchmarks and single-shot runs; the webhook's default is SQLite.
 */
export class MemoryDigestStore implements DigestStore {
  readonly description = "memory:";
  private readonly records = new Map<string, DigestRecord>();

  async get(key: StoreKey): Promise<DigestRecord | undefined> {
    const record = this.records.get(keyOf(key));
    return record ? { ...record } : undefined;
  }

  async put(record: DigestRecord): Promise<void> {
    const key = keyOf(record);
    const existing = this.records.get(key);
    if (existing && existing.resolvedAt > record.resolvedAt) return;
    // Kept with its platform normalized, as SQLite and Redis give records back.
    this.records.set(
      key,
      record.platform ? { ...record, platform: normalizePlatform(record.platform) } : { ...record },
    );
  }

  async list(filter?: StoreFilter): Promise<DigestRecord[]> {
    return sortRecords([...this.records.values()].filter((r) => matchesFilter(r, filter)).map((r) => ({ ...r })));
  }

  async evict(filter: StoreFilter): Promise<number> {
    let count = 0;
    for (const [key, record] of this.records) {
      if (matchesFilter(record, filter)) {
        this.records.delete(key);
        count++;
      }
    }
    return count;
  }

  async close(): Promise<void> {}
}

function keyOf(key: StoreKey): string {
  return `${key.scope}\u0000${platformKey(key.platform)}\u0000${key.reference}`;
}
