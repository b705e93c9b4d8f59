// The Redis store through Sentinel, against Debian's redis-server and redis-sentinel on loopback: a record
// is acknowledged by the replica before put resolves (WAIT 1), so a put while the replica is stopped
// (SIGSTOP) fails store-unavailable instead of resolving with a record a failover could lose.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type DigestRecord, type DigestStore } from "../../src/store/index.js";
import { startSentinelDeployment, type SentinelDeployment } from "../harness/redis-sentinel.js";

const record = (resolvedAt: number): DigestRecord => ({
  reference: "registry.example:5000/team/app:v1",
  digest: `sha256:${"c".repeat(64)}`,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  resolvedAt,
  scope: "public",
});

describe("Redis store through Sentinel", () => {
  let redis: SentinelDeployment;
  let store: DigestStore;

  beforeAll(async () => {
    redis = await startSentinelDeployment();
    store = await openStore(`${redis.url}?prefix=store-it:&db=0`);
  }, 60_000);
  afterAll(async () => {
    redis?.replica.process.signal("SIGCONT");
    await store?.close();
    await redis?.stop();
  });

  it("describes itself without a password and reads back what it wrote", async () => {
    expect(store.description).toBe(redis.url);
    await store.put(record(1));
    expect(await store.get({ reference: record(1).reference, scope: "public" })).toMatchObject({ resolvedAt: 1 });
  });

  it("fails a put no replica acknowledged, and succeeds again once the replica answers", async () => {
    redis.replica.process.signal("SIGSTOP");
    try {
      await expect(store.put(record(2))).rejects.toMatchObject({
        code: "store-unavailable",
        message: expect.stringContaining("no replica"),
      });
    } finally {
      redis.replica.process.signal("SIGCONT");
    }
    await store.put(record(3));
    expect(await store.get({ reference: record(3).reference, scope: "public" })).toMatchObject({ resolvedAt: 3 });
  }, 30_000);
});
