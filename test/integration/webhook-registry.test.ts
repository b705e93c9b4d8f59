// `imagepin webhook serve` as users run it, against the real distribution registry: a Pod gets the digest
// skopeo sees; when the registry stops, and even after the webhook is killed and restarted, the last
// known digest from SQLite is served with a warning; a tag the registry says does not exist is not an
// outage; the registry requests show in /metrics.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../harness/ports.js";
import type { TrackedProcess } from "../harness/processes.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage, pushIndex, skopeoDigest } from "../harness/seed.js";
import { send } from "./webhook-support/client.js";
import { makeCertificate } from "../harness/tls.js";
import { reviewPod, startWebhookServe } from "../harness/webhook-serve.js";

interface ReviewAnswer {
  allowed: boolean;
  images: string[];
  annotations: Record<string, string>;
  warnings: string[];
}

describe("imagepin webhook serve with the real registry", () => {
  let registry: TestRegistry;
  let dir: string;
  let cert: ReturnType<typeof makeCertificate>;
  let port: number;
  let server: TrackedProcess | undefined;

  const startServer = async (): Promise<void> => {
    const args = [
      "--store",
      `sqlite://${join(dir, "digests.db")}`,
      "--config",
      join(dir, "config.yaml"),
      "--timeout",
      "2",
    ];
    server = (await startWebhookServe(port, cert, args)).process;
  };

  const review = async (images: string[]): Promise<ReviewAnswer> => {
    const { allowed, patched, warnings } = await reviewPod(port, cert.cert, images);
    return {
      allowed,
      images: patched.spec.containers.map((c) => c.image),
      annotations: patched.metadata.annotations ?? {},
      warnings,
    };
  };

  beforeAll(async () => {
    registry = await startRegistry();
    dir = mkdtempSync(join(tmpdir(), "imagepin-webhook-registry-"));
    cert = makeCertificate(dir);
    // no positive cache, so every review asks the registry and an outage shows at once
    writeFileSync(join(dir, "config.yaml"), "cacheTtlSeconds: 0\n");
    port = await freePort();
    await pushImage(registry, "shop/web", "1.25");
    await pushIndex(registry, "shop/cache", "7", [
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64", variant: "v8" },
    ]);
    await startServer();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("pins every container to the digest the registry serves", async () => {
    const web = `${registry.host}/shop/web:1.25`;
    const cache = `${registry.host}/shop/cache:7`;
    const answer = await review([web, cache]);
    expect(answer.allowed).toBe(true);
    expect(answer.images).toEqual([`${web}@${await skopeoDigest(web)}`, `${cache}@${await skopeoDigest(cache)}`]);
    expect(JSON.parse(answer.annotations["imagepin.io/original-images"]!)).toMatchObject({
      "containers/c0": web,
      "containers/c1": cache,
    });
    const metrics = await send(port, cert.cert, "GET", "/metrics");
    // The registry label is the host:port the client called, never a path.
    expect(metrics.text).toContain(`imagepin_registry_requests_total{registry="${registry.host}",status="200"}`);
    expect(metrics.text).toMatch(/imagepin_registry_requests_total\{registry="[^"/]+",status="200"\} [1-9]/);
    expect(metrics.text).toMatch(/imagepin_webhook_resolutions_total\{outcome="fresh"\} [1-9]/);
  });

  it("leaves a tag the registry does not have unchanged, with a warning: not an outage", async () => {
    const answer = await review([`${registry.host}/shop/web:no-such-tag`]);
    expect(answer.allowed).toBe(true);
    expect(answer.images).toEqual([`${registry.host}/shop/web:no-such-tag`]);
    expect(answer.warnings.join("\n")).toMatch(/not.found|not found/i);
  });

  it("serves the last known digest while the registry is down, also after SIGKILL and restart", async () => {
    const web = `${registry.host}/shop/web:1.25`;
    const before = await review([web]);
    await registry.pause();
    try {
      const during = await review([web]);
      expect(during.images).toEqual(before.images);
      expect(during.warnings.join("\n")).toMatch(/last known digest/i);
      expect(during.annotations["imagepin.io/fallback"]).toBeDefined();

      await server!.stop("SIGKILL");
      await startServer();
      const afterCrash = await review([web]);
      expect(afterCrash.images).toEqual(before.images);
      expect(afterCrash.warnings.join("\n")).toMatch(/last known digest/i);
      const metrics = await send(port, cert.cert, "GET", "/metrics");
      expect(metrics.text).toMatch(/imagepin_webhook_resolutions_total\{outcome="fallback"\} [1-9]/);
    } finally {
      await registry.restart();
    }
    const recovered = await review([web]);
    expect(recovered.warnings).toEqual([]);
  }, 60_000);
});
