// A shared store that survives its own failover (issue 18): `imagepin webhook serve --store
// redis+sentinel://…` against Debian's redis-server and redis-sentinel on loopback (one master, one
// replica, three sentinels) and the real distribution registry. The master is killed with SIGKILL; the
// webhook keeps answering within its deadline while the sentinels promote the replica, and afterwards,
// with the registry stopped, serves from the promoted replica every record it wrote before the kill.
// Needs `npm run build`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../harness/ports.js";
import type { TrackedProcess } from "../harness/processes.js";
import { awaitPromotion, startSentinelDeployment, type SentinelDeployment } from "../harness/redis-sentinel.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage } from "../harness/seed.js";
import { makeCertificate } from "../harness/tls.js";
import { reviewPod, startWebhookServe } from "../harness/webhook-serve.js";
import { send } from "./webhook-support/client.js";

const deadlineMs = 3000;
// The guarantee is deadlineSeconds plus a few ms in the server; the margin is for this loaded machine.
const allowedMs = deadlineMs + 500;
const prefix = "sentinel-it:";

interface Answer {
  ms: number;
  allowed: boolean;
  image: string;
  warnings: string[];
}

describe("webhook serve with a Redis Sentinel store through a failover", () => {
  let registry: TestRegistry;
  let redis: SentinelDeployment;
  let dir: string;
  let cert: ReturnType<typeof makeCertificate>;
  let server: TrackedProcess | undefined;
  let port: number;
  const images: string[] = [];
  // The webhook's log, shown when the promoted replica is not reached in time.
  let serverLog = () => "";

  const review = async (image: string): Promise<Answer> => {
    const { ms, allowed, patched, warnings } = await reviewPod(port, cert.cert, [image]);
    return { ms, allowed, image: patched.spec.containers[0]!.image, warnings };
  };

  beforeAll(async () => {
    registry = await startRegistry();
    redis = await startSentinelDeployment();
    dir = mkdtempSync(join(tmpdir(), "imagepin-webhook-sentinel-"));
    cert = makeCertificate(dir);
    writeFileSync(join(dir, "config.yaml"), `deadlineSeconds: ${deadlineMs / 1000}\ncacheTtlSeconds: 0\n`);
    for (let i = 0; i < 4; i++) {
      await pushImage(registry, `shop/app${i}`, "1.0");
      images.push(`${registry.host}/shop/app${i}:1.0`);
    }
    port = await freePort();
    const started = await startWebhookServe(
      port,
      cert,
      ["--store", `${redis.url}?prefix=${prefix}`, "--config", join(dir, "config.yaml")],
      process.env.SENTINEL_DEBUG ? { ...process.env, DEBUG: "ioredis:*" } : undefined,
    );
    server = started.process;
    serverLog = started.log;
  }, 90_000);

  afterAll(async () => {
    registry?.signal("SIGCONT");
    await server?.stop("SIGKILL");
    await registry?.stop();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps answering within the deadline while the replica is promoted, then serves every record from it", async () => {
    const pinned = new Map<string, string>();
    for (const image of images) {
      const answer = await review(image);
      expect(answer.image).toMatch(/@sha256:/);
      pinned.set(image, answer.image);
    }
    // Acknowledged by the replica before each answer (WAIT): every record is there already.
    const onReplica = new Redis({ host: "127.0.0.1", port: redis.replica.port, lazyConnect: true });
    await onReplica.connect();
    try {
      expect((await onReplica.keys(`${prefix}*`)).length).toBe(images.length);
    } finally {
      onReplica.disconnect();
    }

    await redis.master.process.stop("SIGKILL");
    const promoted = awaitPromotion(redis).then(() => true);
    let done = false;
    void promoted.then(() => (done = true));
    const during: Answer[] = [];
    for (let i = 0; !done || during.length < 3; i++) {
      const answer = await review(images[i % images.length]!);
      during.push(answer);
      expect(answer.allowed).toBe(true);
      expect(answer.image).toBe(pinned.get(images[i % images.length]!));
      expect(answer.ms).toBeLessThan(allowedMs);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await promoted;
    expect(during.length).toBeGreaterThan(3);
    // Ready again once the store answers: the client found the promoted replica through the sentinels
    // (about 0.2 s on an idle machine; the bound is generous for a loaded one).
    const readySince = Date.now();
    while ((await send(port, cert.cert, "GET", "/readyz")).status !== 200) {
      expect(
        Date.now() - readySince,
        `the webhook did not reach the promoted replica; its log:\n${serverLog().slice(process.env.SENTINEL_DEBUG ? -30000 : -4000)}`,
      ).toBeLessThan(30_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    registry.signal("SIGSTOP");
    try {
      for (const image of images) {
        const answer = await review(image);
        expect(answer.image, answer.warnings.join("\n")).toBe(pinned.get(image));
        expect(answer.warnings.join("\n")).toMatch(/last known digest/);
        expect(answer.ms).toBeLessThan(allowedMs);
      }
    } finally {
      registry.signal("SIGCONT");
    }
  }, 120_000);
});
