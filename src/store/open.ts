import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { Logger } from "../internal/logger.js";
import { StoreError } from "./errors.js";
import { MemoryDigestStore } from "./memory.js";
import { RedisDigestStore } from "./redis.js";
import { parseSentinelUrl } from "./sentinel-url.js";
import { SqliteDigestStore } from "./sqlite.js";
import type { DigestStore } from "./types.js";

/** The file name of the default SQLite store, created in the working directory. */
export const defaultStoreFile = "imagepin-digests.db";

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** Where the default SQLite file goes when no URL is given; the caller passes `process.cwd()`. */
  cwd?: string;
  logger?: Logger;
  /**
   * Refuse to create a SQLite file that does not exist (`webhook store list|evict`): opening one would
   * leave an empty store behind in the working directory and answer as if it held nothing.
   */
  mustExist?: boolean;
  /** Redis command timeout; default 2000 ms. */
  commandTimeoutMs?: number;
}

/**
 * Opens the digest store a `--store` URL names:
 * - none or empty: SQLite in `imagepin-digests.db` in `options.cwd` (default the current directory);
 * - `sqlite:///abs/path.db`: SQLite at an absolute path;
 * - `redis://[:password@]host:port[/db][?prefix=P]` (or `rediss://` for TLS): Redis, shared by replicas;
 * - `redis+sentinel://[:password@]HOST:PORT[,HOST:PORT…]/MASTER_NAME[?db=N&prefix=P]`: the Redis master
 *   the sentinels name, followed through failovers (the password is the master's and replicas');
 * - `memory:`: in process memory, lost on exit (tests and benchmarks).
 *
 * @throws StoreError `invalid-store-url` for a URL of another form, `store-unavailable` when the
 *   backend cannot be opened or reached, `store-not-found` for a missing SQLite file with `mustExist`.
 */
export async function openStore(url: string | undefined, options: OpenStoreOptions = {}): Promise<DigestStore> {
  if (url === undefined || url === "") return openSqlite(resolve(options.cwd ?? ".", defaultStoreFile), options);
  if (url === "memory:") return new MemoryDigestStore();
  if (url.startsWith("sqlite:")) {
    const match = /^sqlite:\/\/(\/.*)$/.exec(url);
    const path = match?.[1];
    if (!path || !isAbsolute(path) || path.endsWith("/")) {
      throw new StoreError(
        "invalid-store-url",
        `invalid store URL ${JSON.stringify(url)}: SQLite needs an absolute file path`,
        {
          hint: "write sqlite:///absolute/path/digests.db (three slashes)",
        },
      );
    }
    return openSqlite(decodeURIComponent(path), options);
  }
  if (url.startsWith("redis://") || url.startsWith("rediss://")) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error) {
      throw new StoreError("invalid-store-url", `invalid store URL: Redis URL cannot be parsed`, {
        cause: error,
        hint: "write redis://host:port[/db]",
      });
    }
    const db = parsed.pathname.replace(/^\//, "");
    if (parsed.hostname === "" || (db !== "" && !/^\d+$/.test(db))) {
      throw new StoreError(
        "invalid-store-url",
        `invalid store URL: Redis needs a host and an optional numeric database (/0)`,
        {
          hint: "write redis://host:port[/db]",
        },
      );
    }
    const prefix = parsed.searchParams.get("prefix") ?? undefined;
    parsed.search = "";
    return RedisDigestStore.connect(parsed.toString(), {
      ...(prefix !== undefined ? { keyPrefix: prefix } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.commandTimeoutMs !== undefined ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
    });
  }
  if (url.startsWith("redis+sentinel:")) {
    const target = parseSentinelUrl(url);
    return RedisDigestStore.connect(target, {
      ...(target.prefix !== undefined ? { keyPrefix: target.prefix } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.commandTimeoutMs !== undefined ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
    });
  }
  throw new StoreError(
    "invalid-store-url",
    `invalid store URL ${JSON.stringify(url.replace(/\/\/[^@/]*@/, "//…@"))}: use sqlite:///path, redis://host:port, redis+sentinel://HOST:PORT/MASTER_NAME or memory:`,
  );
}

function openSqlite(path: string, options: OpenStoreOptions): SqliteDigestStore {
  if (options.mustExist && !existsSync(path)) {
    throw new StoreError("store-not-found", `no digest store at ${path}; pass --store`, {
      hint: "--store takes the URL webhook serve was given: sqlite:///abs/path.db, redis://host:port",
    });
  }
  return new SqliteDigestStore(path);
}
