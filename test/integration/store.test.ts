// The digest store against real backends: an SQLite file that must survive a process killed with
// SIGKILL right after put, and a real redis-server shared by two clients. Needs `npm run build` (the
// child process runs the compiled store from dist/).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type DigestRecord } from "../../src/store/index.js";
import { startRedis, type RedisServer } from "./webhook-support/redis.js";

const root = resolve(import.meta.dirname, "../..");
const distStore = join(root, "dist/store/index.js");
const dir = mkdtempSync(join(tmpdir(), "imagepin-store-it-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record: DigestRecord = {
  reference: "registry.example:5000/team/app:v1",
  digest: `sha256:${"c".repeat(64)}`,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  resolvedAt: 1_700_000_000_000,
  scope: "namespace:team-a",
};

describe("SQLite store", () => {
  it("keeps a put record after the writing process is killed with SIGKILL", async () => {
    expect(existsSync(distStore), "run `npm run build` first").toBe(true);
    const path = join(dir, "crash.db");
    // The child puts, says so, then hangs until killed: no close(), no exit handlers run.
    const script = `
      const { openStore } = await import(${JSON.stringify(distStore)});
      const store = await openStore(${JSON.stringify(`sqlite://${path}`)});
      await store.put(${JSON.stringify(record)});
      process.stdout.write("stored\\n");
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((done, fail) => {
      child.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("stored")) done();
      });
      child.once("exit", (code) => fail(new Error(`child exited early with ${code}`)));
    });
    const exited = new Promise((r) => child.once("exit", (_code, signal) => r(signal)));
    process.kill(child.pid ?? 0, "SIGKILL");
    expect(await exited).toBe("SIGKILL");

    const store = await openStore(`sqlite://${path}`);
    expect(await store.get({ reference: record.reference, scope: "namespace:team-a" })).toEqual(record);
    await store.close();
  });
});

describe("Redis store", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("shares records between two clients", async () => {
    const a = await openStore(redis.url);
    const b = await openStore(redis.url);
    await a.put(record);
    expect(await b.get({ reference: record.reference, scope: "namespace:team-a" })).toEqual(record);
    expect(await b.get({ reference: record.reference, scope: "public" })).toBeUndefined();
    await b.put({ ...record, scope: "public", resolvedAt: record.resolvedAt + 1 });
    expect((await a.list()).map((r) => r.scope)).toEqual(["namespace:team-a", "public"]);
    // An older answer from a slower replica does not replace the newer one.
    await a.put({ ...record, scope: "public", digest: `sha256:${"d".repeat(64)}`, resolvedAt: record.resolvedAt - 1 });
    expect((await b.get({ reference: record.reference, scope: "public" }))?.digest).toBe(record.digest);
    expect(await b.evict({ scope: "public" })).toBe(1);
    expect((await a.list()).length).toBe(1);
    await a.close();
    await b.close();
  });

  it("finds records an older version keyed by the platform as given (linux/arm64)", async () => {
    const store = await openStore(`${redis.url}?prefix=legacy:`);
    const old = { ...record, scope: "public" as const, platform: { os: "linux", architecture: "arm64" } };
    const raw = spawnSync(
      "redis-cli",
      ["-u", redis.url, "SET", `legacy:public|linux/arm64|${record.reference}`, JSON.stringify(old)],
      { encoding: "utf8" },
    );
    expect(raw.status).toBe(0);
    const arm64 = { os: "linux", architecture: "arm64", variant: "v8" };
    expect(await store.get({ reference: record.reference, scope: "public", platform: arm64 })).toEqual({
      ...old,
      platform: arm64,
    });
    await store.put({ ...old, platform: arm64, digest: `sha256:${"e".repeat(64)}`, resolvedAt: record.resolvedAt + 1 });
    expect((await store.list()).map((r) => r.digest)).toEqual([`sha256:${"e".repeat(64)}`]);
    expect(await store.evict({ scope: "public" })).toBe(1);
    expect(await store.list()).toEqual([]);
    await store.close();
  });

  it("keeps records apart by key prefix", async () => {
    const a = await openStore(`${redis.url}?prefix=one:`);
    const b = await openStore(`${redis.url}?prefix=two:`);
    await a.put(record);
    expect(await b.list()).toEqual([]);
    expect((await a.list()).length).toBe(1);
    await a.close();
    await b.close();
  });

  it("fails fast with store-unavailable once Redis is gone", async () => {
    const own = await startRedis();
    const store = await openStore(own.url, { commandTimeoutMs: 500 });
    await store.put(record);
    await own.stop();
    await expect(store.get({ reference: record.reference, scope: "namespace:team-a" })).rejects.toMatchObject({
      code: "store-unavailable",
    });
    await store.close();
  });
});
