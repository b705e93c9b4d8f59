import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryDigestStore, SqliteDigestStore, openStore, type DigestRecord, type DigestStore } from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "imagepin-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const digestA = `sha256:${"a".repeat(64)}`;
const digestB = `sha256:${"b".repeat(64)}`;
const record = (over: Partial<DigestRecord> = {}): DigestRecord => ({
  reference: "docker.io/library/nginx:1.25",
  digest: digestA,
  mediaType: "application/vnd.oci.image.index.v1+json",
  resolvedAt: 1000,
  scope: "public",
  ...over,
});

const backends: [string, () => Promise<DigestStore>][] = [
  ["memory", async () => new MemoryDigestStore()],
  ["sqlite", async () => new SqliteDigestStore(join(dir, `t-${Math.random()}.db`))],
];

describe.each(backends)("%s store", (_name, make) => {
  it("gets what was put, keyed by reference, platform and scope", async () => {
    const store = await make();
    await store.put(record());
    await store.put(record({ platform: { os: "linux", architecture: "arm64", variant: "v8" }, digest: digestB }));
    await store.put(record({ scope: "namespace:team-a", digest: digestB }));
    expect(await store.get({ reference: "docker.io/library/nginx:1.25", scope: "public" })).toEqual(record());
    expect(
      (
        await store.get({
          reference: "docker.io/library/nginx:1.25",
          scope: "public",
          platform: { os: "linux", architecture: "arm64", variant: "v8" },
        })
      )?.digest,
    ).toBe(digestB);
    expect((await store.get({ reference: "docker.io/library/nginx:1.25", scope: "namespace:team-a" }))?.digest).toBe(
      digestB,
    );
    expect(await store.get({ reference: "docker.io/library/nginx:1.25", scope: "namespace:team-b" })).toBeUndefined();
    await store.close();
  });

  it("keys a platform by its normalized form: linux/arm64 and linux/arm64/v8 are one record", async () => {
    const store = await make();
    await store.put(record({ platform: { os: "linux", architecture: "arm64" }, digest: digestB }));
    expect(
      await store.get({
        reference: record().reference,
        scope: "public",
        platform: { os: "linux", architecture: "arm64", variant: "v8" },
      }),
    ).toEqual(record({ platform: { os: "linux", architecture: "arm64", variant: "v8" }, digest: digestB }));
    await store.close();
  });

  it("never lets an older answer replace a newer one", async () => {
    const store = await make();
    await store.put(record({ resolvedAt: 2000, digest: digestB }));
    await store.put(record({ resolvedAt: 1000, digest: digestA }));
    expect((await store.get({ reference: record().reference, scope: "public" }))?.digest).toBe(digestB);
    await store.put(record({ resolvedAt: 3000, digest: digestA }));
    expect((await store.get({ reference: record().reference, scope: "public" }))?.digest).toBe(digestA);
    await store.close();
  });

  it("lists and evicts by reference pattern, scope and age", async () => {
    const store = await make();
    await store.put(record());
    await store.put(record({ reference: "docker.io/library/redis:7", resolvedAt: 5000 }));
    await store.put(record({ reference: "quay.io/x/y:1", scope: "namespace:ns1" }));
    expect((await store.list()).map((r) => r.reference)).toEqual([
      "docker.io/library/nginx:1.25",
      "docker.io/library/redis:7",
      "quay.io/x/y:1",
    ]);
    expect((await store.list({ reference: "docker.io/*" })).length).toBe(2);
    expect((await store.list({ scope: "namespace:ns1" })).map((r) => r.reference)).toEqual(["quay.io/x/y:1"]);
    expect(await store.evict({ resolvedBefore: 2000 })).toBe(2);
    expect((await store.list()).map((r) => r.reference)).toEqual(["docker.io/library/redis:7"]);
    await store.close();
  });
});

describe("openStore", () => {
  it.each([
    ["sqlite://relative.db"],
    ["sqlite:relative.db"],
    ["sqlite:///"],
    ["postgres://x/y"],
    ["redis:///0"],
    ["redis://localhost:6379/abc"],
  ])("rejects %s with invalid-store-url", async (url) => {
    await expect(openStore(url)).rejects.toMatchObject({ code: "invalid-store-url" });
  });

  it("opens SQLite at an absolute path and by default in the working directory", async () => {
    const store = await openStore(`sqlite://${join(dir, "abs.db")}`);
    expect(store.description).toBe(`sqlite://${join(dir, "abs.db")}`);
    await store.close();
    const fallback = await openStore(undefined, { cwd: dir });
    expect(fallback.description).toBe(`sqlite://${join(dir, "imagepin-digests.db")}`);
    await fallback.close();
  });

  it("reports a file it cannot create as store-unavailable", async () => {
    await expect(openStore(`sqlite://${join(dir, "missing-dir", "x.db")}`)).rejects.toMatchObject({
      code: "store-unavailable",
    });
  });

  it("reports an unreachable Redis as store-unavailable", async () => {
    // Port 1 on loopback is never a Redis server; the connection is refused at once.
    await expect(openStore("redis://127.0.0.1:1/0", { commandTimeoutMs: 500 })).rejects.toMatchObject({
      code: "store-unavailable",
    });
  });
});

describe("sqlite store written by an older version", () => {
  it("finds, lists and evicts rows whose platform key was not normalized (linux/arm64)", async () => {
    const path = join(dir, "legacy.db");
    const old = new SqliteDigestStore(path);
    await old.close();
    const db = new Database(path);
    const insert = db.prepare(
      "INSERT INTO digests (reference, platform, scope, digest, media_type, resolved_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    insert.run(
      "docker.io/library/nginx:1.25",
      "linux/arm64",
      "public",
      digestA,
      "application/vnd.oci.image.index.v1+json",
      1000,
    );
    insert.run(
      "docker.io/library/redis:7",
      "linux/AMD64",
      "public",
      digestA,
      "application/vnd.oci.image.index.v1+json",
      1000,
    );
    db.close();

    const store = new SqliteDigestStore(path);
    const arm64 = { os: "linux", architecture: "arm64", variant: "v8" };
    expect(await store.get({ reference: "docker.io/library/nginx:1.25", scope: "public", platform: arm64 })).toEqual(
      record({ platform: arm64 }),
    );
    expect(
      (
        await store.get({
          reference: "docker.io/library/redis:7",
          scope: "public",
          platform: { os: "linux", architecture: "AMD64" },
        })
      )?.digest,
    ).toBe(digestA);
    // A newer answer under the current key wins over the old row, and the listing holds one record.
    await store.put(record({ platform: arm64, digest: digestB, resolvedAt: 2000 }));
    expect(
      (await store.get({ reference: "docker.io/library/nginx:1.25", scope: "public", platform: arm64 }))?.digest,
    ).toBe(digestB);
    expect((await store.list({ reference: "docker.io/library/nginx:*" })).map((r) => r.digest)).toEqual([digestB]);
    expect(await store.evict({ reference: "docker.io/library/nginx:*" })).toBe(1);
    expect(
      await store.get({ reference: "docker.io/library/nginx:1.25", scope: "public", platform: arm64 }),
    ).toBeUndefined();
    await store.close();
  });
});

describe("sqlite group commit", () => {
  it("commits puts made in the same turn together: each resolves once its record is on disk, in one WAL commit", async () => {
    const path = join(dir, "group.db");
    const store = new SqliteDigestStore(path);
    const reader = new Database(path);
    reader.pragma("wal_checkpoint(TRUNCATE)");
    const puts = Array.from({ length: 100 }, (_, i) => store.put(record({ reference: `registry.test/app${i}:v1` })));
    // the newer answer wins inside one batch too
    puts.push(store.put(record({ reference: "registry.test/app0:v1", digest: digestB, resolvedAt: 500 })));
    await Promise.all(puts);
    expect((reader.prepare("SELECT count(*) AS n FROM digests").get() as { n: number }).n).toBe(100);
    expect(
      (
        reader.prepare("SELECT digest FROM digests WHERE reference = ?").get("registry.test/app0:v1") as {
          digest: string;
        }
      ).digest,
    ).toBe(digestA);
    // One commit of 100 rows writes a handful of WAL frames; a commit per row writes at least one each.
    const [checkpoint] = reader.pragma("wal_checkpoint(PASSIVE)") as { log: number }[];
    expect(checkpoint?.log).toBeLessThan(20);
    reader.close();
    await store.close();
  });

  it("rejects a put after close as store-unavailable", async () => {
    const store = new SqliteDigestStore(join(dir, "closed.db"));
    await store.close();
    await expect(store.put(record())).rejects.toMatchObject({ code: "store-unavailable" });
  });
});

describe("sqlite store locked by another connection", () => {
  it("waits on a timer, not inside the call: the event loop stays free and the put gives up at its signal", async () => {
    const path = join(dir, "locked.db");
    const store = new SqliteDigestStore(path);
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    other.prepare("INSERT INTO digests VALUES ('lock', '', 'public', 'x', 'x', 0)").run();
    let last = performance.now();
    let worstLagMs = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      worstLagMs = Math.max(worstLagMs, now - last);
      last = now;
    }, 5);
    try {
      const started = performance.now();
      await expect(store.put(record(), { signal: AbortSignal.timeout(300) })).rejects.toMatchObject({
        code: "store-unavailable",
        message: expect.stringContaining("locked"),
      });
      const tookMs = performance.now() - started;
      // Before issue 18: SQLite's busy handler slept in the call for 5 s, freezing every other request.
      expect(tookMs).toBeLessThan(2000);
      expect(worstLagMs).toBeLessThan(250);
      other.exec("COMMIT");
      await store.put(record());
      expect(await store.get({ reference: record().reference, scope: "public" })).toMatchObject({ digest: digestA });
    } finally {
      clearInterval(ticker);
      other.close();
      await store.close();
    }
  });
});
