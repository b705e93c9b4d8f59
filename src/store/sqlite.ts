import Database from "better-sqlite3";
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
  private readonly putRows: (rows: Row[]) => void;
  /** Puts waiting for the next group commit. */
  private pending: { row: Row; resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(readonly path: string) {
    this.description = `sqlite://${path}`;
    try {
      this.db = new Database(path, { timeout: 5000 });
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
      this.putRows = this.db.transaction((rows: Row[]) => {
        for (const row of rows) this.putStatement.run(row);
      });
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

  put(record: DigestRecord): Promise<void> {
    const row = toRow(record);
    return new Promise((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.commitPending());
    });
  }

  /** Commits every waiting put in one transaction, then settles their promises. */
  private commitPending(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    try {
      if (!this.db.open) throw new Error("the database is closed");
      this.putRows(batch.map((entry) => entry.row));
    } catch (error) {
      const failure = unavailable(`cannot write the digest store ${this.path}`, error);
      for (const entry of batch) entry.reject(failure);
      return;
    }
    for (const entry of batch) entry.resolve();
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
    // Puts accepted before close still commit.
    this.commitPending();
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
