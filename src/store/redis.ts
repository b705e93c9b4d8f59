import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "../internal/logger.js";
import { silentLogger } from "../internal/logger.js";
import { normalizePlatform } from "../reference/index.js";
import { storeUnavailable } from "./errors.js";
import type { SentinelTarget } from "./sentinel-url.js";
import {
  legacyPlatformKeys,
  matchesFilter,
  newestPerKey,
  platformKey,
  sortRecords,
  type DigestRecord,
  type DigestStore,
  type StoreFilter,
  type StoreKey,
} from "./types.js";

/** Options of {@link RedisDigestStore.connect}. */
export interface RedisStoreOptions {
  /** Prepended to every key; default `imagepin:digest:`. Replicas sharing records must use the same. */
  keyPrefix?: string;
  /** How long one command may take before it fails `store-unavailable`; default 2000 ms. */
  commandTimeoutMs?: number;
  logger?: Logger;
}

// Compare-and-set in one round trip: an older answer (a slower replica) never replaces a newer one.
const putScript = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and tonumber(decoded.resolvedAt) and tonumber(decoded.resolvedAt) > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

/** How long `put` waits for a replica to acknowledge a record (Redis `WAIT`); at most half the command timeout. */
const replicaAckMs = 1000;

/**
 * A {@link DigestStore} in Redis (`--store redis://[:password@]host:port[/db][?prefix=P]`, or through
 * Sentinel: `redis+sentinel://…/MASTER_NAME`), shared by every replica of the webhook. Each record is one
 * string key holding JSON. `put` resolves once the master acknowledged the write and, when the master has
 * a replica, once a replica has it too (`WAIT 1`), so a failover to that replica loses no record a
 * review relied on; a record no replica took within {@link replicaAckMs} fails `store-unavailable`.
 * Through Sentinel the client asks the sentinels for the current master and, after a failover, finds
 * the promoted replica by itself.
 *
 * Commands fail fast while the connection is down (no offline queue), so an outage of Redis costs a
 * review at most `commandTimeoutMs` and never queues reviews behind it; the client reconnects in the
 * background.
 */
export class RedisDigestStore implements DigestStore {
  private constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    readonly description: string,
    private readonly commandTimeoutMs: number,
  ) {}

  /**
   * Connects to Redis and checks it answers.
   * @throws StoreError `store-unavailable` when it cannot connect within the command timeout.
   */
  static async connect(target: string | SentinelTarget, options: RedisStoreOptions = {}): Promise<RedisDigestStore> {
    const logger = options.logger ?? silentLogger;
    const timeout = options.commandTimeoutMs ?? 2000;
    const common: RedisOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: timeout,
      connectTimeout: timeout,
      retryStrategy: (times: number) => Math.min(times * 200, 2000),
    };
    const description = typeof target === "string" ? redactUrl(target) : describeSentinels(target);
    const client =
      typeof target === "string"
        ? new Redis(target, common)
        : new Redis({
            ...common,
            sentinels: target.sentinels,
            name: target.masterName,
            db: target.db,
            ...(target.password !== undefined ? { password: target.password } : {}),
            sentinelCommandTimeout: timeout,
            // Each reconnect asks the sentinels for the master: try often, so a promoted replica is found
            // within half a second of its promotion.
            retryStrategy: (times: number) => Math.min(times * 100, 500),
            // Keep asking the sentinels while a failover runs, without ever giving up on them.
            sentinelRetryStrategy: (times: number) => Math.min(times * 200, 1000),
            // A master demoted while we stayed connected refuses writes: reconnect, which asks the sentinels
            // again. (ioredis's failoverDetector is left off: under load it left the client disconnected
            // for good after a failover, with no further attempt.)
            reconnectOnError: (error: Error) => error.message.startsWith("READONLY"),
          });
    let lastError = "";
    client.on("error", (error: Error) => {
      // Logged once per distinct message: a down Redis would otherwise log every reconnect attempt.
      if (error.message !== lastError)
        logger.warn({ store: description, err: error.message }, "digest store connection error");
      lastError = error.message;
    });
    client.on("ready", () => {
      lastError = "";
    });
    client.defineCommand("imagepinPut", { numberOfKeys: 1, lua: putScript });
    try {
      await client.connect();
      await client.ping();
    } catch (error) {
      client.disconnect();
      throw storeUnavailable(`cannot connect to the digest store ${description}`, error);
    }
    return new RedisDigestStore(client, options.keyPrefix ?? "imagepin:digest:", description, timeout);
  }

  async get(key: StoreKey): Promise<DigestRecord | undefined> {
    // Records written before platform keys were normalized (`linux/arm64`) are found under their old key.
    const keys = [platformKey(key.platform), ...legacyPlatformKeys(key.platform)].map((platform) =>
      this.keyOf(key, platform),
    );
    const values = await this.run("read", () => this.client.mget(...keys));
    const found = values.flatMap((value) =>
      value === null ? [] : [decode(value)].filter((r): r is DigestRecord => r !== undefined),
    );
    return newestPerKey(found)[0];
  }

  async put(record: DigestRecord): Promise<void> {
    const value = JSON.stringify(record);
    await this.run("write", () =>
      (this.client as unknown as { imagepinPut(key: string, value: string, at: string): Promise<number> }).imagepinPut(
        this.keyOf(record),
        value,
        String(record.resolvedAt),
      ),
    );
    await this.copiedToReplica();
  }

  /** Waits until a replica has every write so far, when the master has one (see the class comment). */
  private async copiedToReplica(): Promise<void> {
    const role = (await this.run("write", () => this.client.role())) as unknown[];
    const replicas = role[0] === "master" && Array.isArray(role[2]) ? role[2].length : 0;
    if (replicas === 0) return;
    const waitMs = Math.min(replicaAckMs, Math.floor(this.commandTimeoutMs / 2));
    const acknowledged = await this.run("write", () => this.client.wait(1, waitMs));
    if (acknowledged < 1)
      throw storeUnavailable(
        `no replica of the digest store ${this.description} took the record within ${waitMs} ms`,
        undefined,
      );
  }

  async list(filter?: StoreFilter): Promise<DigestRecord[]> {
    return sortRecords(newestPerKey((await this.entries(filter)).map((entry) => entry.record)));
  }

  async evict(filter: StoreFilter): Promise<number> {
    const matching = await this.entries(filter);
    if (matching.length === 0) return 0;
    // By the keys as stored, so records under an older key form go too.
    const keys = matching.map((entry) => entry.key);
    for (let i = 0; i < keys.length; i += 500) {
      const batch = keys.slice(i, i + 500);
      await this.run("write", () => this.client.del(...batch));
    }
    return newestPerKey(matching.map((entry) => entry.record)).length;
  }

  /** The stored keys and their decoded records (platforms normalized) that match the filter. */
  private async entries(filter?: StoreFilter): Promise<{ key: string; record: DigestRecord }[]> {
    const keys = await this.keys();
    const entries: { key: string; record: DigestRecord }[] = [];
    for (let i = 0; i < keys.length; i += 500) {
      const batch = keys.slice(i, i + 500);
      const values = await this.run("read", () => this.client.mget(...batch));
      values.forEach((value, at) => {
        const record = value === null ? undefined : decode(value);
        if (record && matchesFilter(record, filter)) entries.push({ key: batch[at] as string, record });
      });
    }
    return entries;
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private keyOf(key: StoreKey, platform = platformKey(key.platform)): string {
    return `${this.prefix}${key.scope}|${platform}|${key.reference}`;
  }

  private async keys(): Promise<string[]> {
    const found = new Set<string>();
    let cursor = "0";
    const match = `${this.prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
    do {
      const [next, batch] = await this.run("read", () => this.client.scan(cursor, "MATCH", match, "COUNT", 500));
      for (const key of batch) found.add(key);
      cursor = next;
    } while (cursor !== "0");
    return [...found];
  }

  private async run<T>(what: "read" | "write", command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw storeUnavailable(`cannot ${what} the digest store ${this.description}`, error);
    }
  }
}

function decode(text: string): DigestRecord | undefined {
  try {
    const value = JSON.parse(text) as DigestRecord;
    if (typeof value.reference !== "string" || typeof value.digest !== "string" || typeof value.resolvedAt !== "number")
      return undefined;
    // Older versions stored the platform as given (`arm64` without its default `v8`).
    if (value.platform) value.platform = normalizePlatform(value.platform);
    return value;
  } catch {
    // A foreign or corrupt value under our prefix is skipped rather than failing every listing.
    return undefined;
  }
}

/** A Sentinel target as its URL without the password, for logs and messages. */
function describeSentinels(target: SentinelTarget): string {
  const hosts = target.sentinels
    .map(({ host, port }) => `${host.includes(":") ? `[${host}]` : host}:${port}`)
    .join(",");
  return `redis+sentinel://${target.password !== undefined ? ":REDACTED@" : ""}${hosts}/${encodeURIComponent(target.masterName)}${target.db ? `?db=${target.db}` : ""}`;
}

/** The URL without its password, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "REDACTED";
    return parsed.toString();
  } catch {
    return "redis://(unparsable)";
  }
}
