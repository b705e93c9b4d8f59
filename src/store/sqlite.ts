import { createRequire } from "node:module";
import type Database from "better-sqlite3";
import { StoreError } from "./errors.js";
import {
  legacyPlatformKeys,
  matchesFilter,
  newestPerKey,
  parsePlatformKey,
  platformKey,
  sortRecords,
  type DigestRecord,
  type DigestStore,
  type StoreFilter,
  type StoreKey,
  type StoreScope,
} from "./types.js";

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
    throw new StoreError("store-unavailable", `the SQLite digest store needs the better-sqlite3 module, which ${missing ? "is not installed" : `cannot be loaded (${(error as Error).message.split("\n")[0]})`}`, {
      cause: error,
      hint: "install it beside imagepin (npm install better-sqlite3; it compiles with python3, make and g++ when no prebuilt binary fits), or use --store redis://HOST:PORT or memory:",
    });
  }
}

/**
 * A {@link DigestStore} in an SQLite file (`--store sqlite:///abs/path.db`), the webhook's embedded default.
 *
 * Durability: the database runs in WAL mode with `synchronous=FULL`. better-sqlite3 is synchronous, so
 * `put` returns only after its transaction committed; WAL alone already survives a killed process (the
 * commit is in the OS page cache), and FULL adds an fsync of the WAL per commit so a power loss cannot
 * drop a record a response already relied on. Puts happen only on fresh registry answers (at most one per
 * reference per cache TTL), so the fsync costs little. Several processes may share one file (WAL allows
 * concurrent readers and one writer; `busy_timeout` waits for the writer lock).
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

  constructor(readonly path: string) {
    this.description = `sqlite://${path}`;
    const open = loadSqliteModule();
    try {
      this.db = new open(path, { timeout: 5000 });
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
      this.putStatement = this.db.prepare(`INSERT INTO digests (reference, platform, scope, digest, media_type, resolved_at)
        VALUES (@reference, @platform, @scope, @digest, @media_type, @resolved_at)
        ON CONFLICT (reference, platform, scope) DO UPDATE SET
          digest = excluded.digest, media_type = excluded.media_type, resolved_at = excluded.resolved_at
        WHERE excluded.resolved_at >= digests.resolved_at`);
      this.allStatement = this.db.prepare("SELECT * FROM digests");
      this.deleteStatement = this.db.prepare("DELETE FROM digests WHERE reference = ? AND platform = ? AND scope = ?");
    } catch (error) {
      throw unavailable(`cannot open the digest store ${path}`, error);
    }
  }

  async get(key: StoreKey): Promise<DigestRecord | undefined> {
    try {
      // Rows written before platform keys were normalized (`linux/arm64`) are found under their old key.
      const found = [platformKey(key.platform), ...legacyPlatformKeys(key.platform)]
        .map((platform) => this.getStatement.get(key.reference, platform, key.scope))
        .filter((row): row is Row => row !== undefined)
        .map(fromRow);
      return newestPerKey(found)[0];
    } catch (error) {
      throw unavailable(`cannot read the digest store ${this.path}`, error);
    }
  }

  async put(record: DigestRecord): Promise<void> {
    try {
      this.putStatement.run(toRow(record));
    } catch (error) {
      throw unavailable(`cannot write the digest store ${this.path}`, error);
    }
  }

  async list(filter?: StoreFilter): Promise<DigestRecord[]> {
    try {
      return sortRecords(newestPerKey(this.allStatement.all().map(fromRow)).filter((record) => matchesFilter(record, filter)));
    } catch (error) {
      throw unavailable(`cannot read the digest store ${this.path}`, error);
    }
  }

  async evict(filter: StoreFilter): Promise<number> {
    try {
      // By the rows' own platform column, so rows under an older key form go too.
      const remove = this.db.transaction((): number => {
        const rows = this.allStatement.all().filter((row) => matchesFilter(fromRow(row), filter));
        for (const row of rows) this.deleteStatement.run(row.reference, row.platform, row.scope);
        return newestPerKey(rows.map(fromRow)).length;
      });
      return remove();
    } catch (error) {
      throw unavailable(`cannot write the digest store ${this.path}`, error);
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
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

function unavailable(message: string, cause: unknown): StoreError {
  const detail = cause instanceof Error ? `: ${cause.message}` : "";
  return new StoreError("store-unavailable", `${message}${detail}`, { cause });
}
