import { createRequire } from "node:module";
import type Database from "better-sqlite3";
import { abandonOnAbort } from "../internal/abort.js";
import { StoreError, storeUnavailable } from "./errors.js";
import {
  legacyPlatformKeys,
  matchesFilter,
  newestPerKey,
  parsePlatformKey,
  platformKey,
  sortRecords,
  type DigestRecord,
  type DigestStore,
  type StoreCallOptions,
  type StoreFilter,
  type StoreKey,
  type StoreScope,
} from "./types.js";

/**
 * The longest wait for a file another connection holds locked, as long as a Redis command may take: a
 * commit holds the lock for milliseconds, so a longer hold is an outage of the store, and a review must
 * not spend its whole budget on a write that only feeds a later fallback.
 */
export const busyWaitMs = 2000;
/** The pauses between tries on a locked file, ms: short at first (a commit takes milliseconds), then capped. */
/** How long opening waits for a lock (nothing is served yet): SQLite's busy timeout before issue 18. */
const openWaitMs = 5000;
const busyRetryFirstMs = 2;
const busyRetryMaxMs = 50;

interface Row {
  reference: string;
  platform: string;
  scope: string;
  digest: string;
  media_type: string;
  resolved_at: number;
}

/**
 * better-sqlite3, loaded when a SQLite store is opened: it is an optional dependency (a native module
 * that may need a compiler), so `npm install` of the CLI succeeds without python, make and g++, and only
 * the webhook's SQLite store needs it (issue 11).
 * @throws StoreError `store-unavailable` naming what to install when it is missing or cannot load.
 */
function loadSqliteModule(): typeof Database {
  try {
    return createRequire(import.meta.url)("better-sqlite3") as typeof Database;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND";
    throw new StoreError(
      "store-unavailable",
      `the SQLite digest store needs the better-sqlite3 module, which ${missing ? "is not installed" : `cannot be loaded (${(error as Error).message.split("\n")[0]})`}`,
      {
        cause: error,
        hint: "install it beside imagepin (npm install better-sqlite3; it compiles with python3, make and g++ when no prebuilt binary fits), or use --store redis://HOST:PORT or memory:",
      },
    );
  }
}

/**
 * A {@link DigestStore} in an SQLite file (`--store sqlite:///abs/path.db`), the webhook's embedded default.
 *
 * Durability: the database runs in WAL mode with `synchronous=FULL`. better-sqlite3 is synchronous, so
 * `put` returns only after its transaction committed; WAL alone already survives a killed process (the
 * commit is in the OS page cache), and FULL adds an fsync of the WAL per commit so a power loss cannot
 * drop a record a response already relied on. Puts that arrive in the same turn of the event loop share
 * one transaction and so one fsync (group commit): a cold scale-up resolves a hundred images within a few
 * milliseconds of each other, and an fsync each (~5-15 ms, blocking the loop) cost seconds in the
 * benchmark (issue 16); every put still resolves only after its own record committed. Several processes
 * may share one file (WAL allows
 * concurrent readers and one writer).
 *
 * A file locked by another process never blocks the event loop: better-sqlite3 is synchronous, and
 * SQLite's own busy handler sleeps inside the call (the whole webhook froze for its 5 s), so the busy
 * timeout is zero and a busy call is tried again after a short timer, without blocking, until the
 * caller's signal aborts (the review deadline) or {@link busyWaitMs} passed; then it fails
 * `store-unavailable` saying the file is locked.
 *
 * @throws StoreError `store-unavailable` when the file cannot be opened or written.
 */
export class SqliteDigestStore implements DigestStore {
  readonly description: string;
  private readonly db: Database.Database;
  private readonly getStatement: Database.Statement<[string, string, string], Row>;
  private readonly putStatement: Database.Statement<Row>;
  private readonly allStatement: Database.Statement<[], Row>;
  private readonly deleteStatement: Database.Statement<[string, string, string]>;
  private readonly putRows: (rows: Row[]) => void;
  /** Puts waiting for the next group commit. */
  private pending: { row: Row; resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(readonly path: string) {
    this.description = `sqlite://${path}`;
    const open = loadSqliteModule();
    try {
      this.db = new open(path, { timeout: openWaitMs });
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = FULL");
      this.db.exec(`CREATE TABLE IF NOT EXISTS digests (
        reference TEXT NOT NULL,
        platform TEXT NOT NULL,
        scope TEXT NOT NULL,
        digest TEXT NOT NULL,
        media_type TEXT NOT NULL,
        resolved_at INTEGER NOT NULL,
        PRIMARY KEY (reference, platform, scope)
      )`);
      this.getStatement = this.db.prepare("SELECT * FROM digests WHERE reference = ? AND platform = ? AND scope = ?");
      // An older answer (a slower replica or process) never replaces a newer one.
      this.putStatement = this.db
        .prepare(`INSERT INTO digests (reference, platform, scope, digest, media_type, resolved_at)
        VALUES (@reference, @platform, @scope, @digest, @media_type, @resolved_at)
        ON CONFLICT (reference, platform, scope) DO UPDATE SET
          digest = excluded.digest, media_type = excluded.media_type, resolved_at = excluded.resolved_at
        WHERE excluded.resolved_at >= digests.resolved_at`);
      this.allStatement = this.db.prepare("SELECT * FROM digests");
      this.deleteStatement = this.db.prepare("DELETE FROM digests WHERE reference = ? AND platform = ? AND scope = ?");
      this.putRows = this.db.transaction((rows: Row[]) => {
        for (const row of rows) this.putStatement.run(row);
      });
      // Opening may wait for a lock (nothing is served yet); from here on a busy file is retried on a timer.
      this.db.pragma("busy_timeout = 0");
    } catch (error) {
      throw storeUnavailable(`cannot open the digest store ${path}`, error);
    }
  }

  async get(key: StoreKey, options: StoreCallOptions = {}): Promise<DigestRecord | undefined> {
    return this.whileBusy("read", options.signal, () => {
      // Rows written before platform keys were normalized (`linux/arm64`) are found under their old key.
      const found = [platformKey(key.platform), ...legacyPlatformKeys(key.platform)]
        .map((platform) => this.getStatement.get(key.reference, platform, key.scope))
        .filter((row): row is Row => row !== undefined)
        .map(fromRow);
      return newestPerKey(found)[0];
    });
  }

  /** Joins the next group commit; the caller's signal abandons the wait, not the commit. */
  put(record: DigestRecord, options: StoreCallOptions = {}): Promise<void> {
    const row = toRow(record);
    const committed = new Promise<void>((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.commitPending());
    });
    return abandonOnAbort(committed, options.signal, () =>
      storeUnavailable(
        `cannot write the digest store ${this.path}: gave up waiting for the commit`,
        options.signal?.reason,
      ),
    );
  }

  /** Commits every waiting put in one transaction (tried again while the file is locked), then settles them. */
  private async commitPending(): Promise<void> {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    try {
      await this.whileBusy("write", undefined, () => {
        if (!this.db.open) throw new Error("the database is closed");
        this.putRows(batch.map((entry) => entry.row));
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    for (const entry of batch) entry.resolve();
  }

  async list(filter?: StoreFilter): Promise<DigestRecord[]> {
    return this.whileBusy("read", undefined, () =>
      sortRecords(newestPerKey(this.allStatement.all().map(fromRow)).filter((record) => matchesFilter(record, filter))),
    );
  }

  async evict(filter: StoreFilter): Promise<number> {
    // By the rows' own platform column, so rows under an older key form go too.
    const remove = this.db.transaction((): number => {
      const rows = this.allStatement.all().filter((row) => matchesFilter(fromRow(row), filter));
      for (const row of rows) this.deleteStatement.run(row.reference, row.platform, row.scope);
      return newestPerKey(rows.map(fromRow)).length;
    });
    return this.whileBusy("write", undefined, () => remove());
  }

  /**
   * Runs a synchronous statement, trying again after a timer while another connection holds the file
   * locked, until `signal` aborts or {@link busyWaitMs} passed.
   * @throws StoreError `store-unavailable`
   */
  private async whileBusy<T>(what: "read" | "write", signal: AbortSignal | undefined, run: () => T): Promise<T> {
    const giveUpAt = Date.now() + busyWaitMs;
    for (let pause = busyRetryFirstMs; ; pause = Math.min(pause * 2, busyRetryMaxMs)) {
      try {
        return run();
      } catch (error) {
        if (!isBusy(error)) throw storeUnavailable(`cannot ${what} the digest store ${this.path}`, error);
        if (signal?.aborted || Date.now() + pause > giveUpAt || !(await pauseUnlessAborted(pause, signal))) {
          throw storeUnavailable(
            `cannot ${what} the digest store ${this.path}: the file is locked by another connection`,
            error,
          );
        }
      }
    }
  }

  async close(): Promise<void> {
    // Puts accepted before close still commit: the first try of a commit runs before this returns.
    void this.commitPending();
    if (this.db.open) this.db.close();
  }
}

/** True for SQLITE_BUSY and SQLITE_LOCKED with their extended codes: another connection holds the lock. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

/** Waits `ms` on a timer; resolves false at once when `signal` aborts first. */
function pauseUnlessAborted(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (finished: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(finished);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function toRow(record: DigestRecord): Row {
  return {
    reference: record.reference,
    platform: platformKey(record.platform),
    scope: record.scope,
    digest: record.digest,
    media_type: record.mediaType,
    resolved_at: record.resolvedAt,
  };
}

function fromRow(row: Row): DigestRecord {
  const platform = parsePlatformKey(row.platform);
  return {
    reference: row.reference,
    ...(platform ? { platform } : {}),
    digest: row.digest,
    mediaType: row.media_type,
    resolvedAt: row.resolved_at,
    scope: row.scope as StoreScope,
  };
}
