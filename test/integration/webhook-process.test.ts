// The webhook server as a separate process: last known digests survive SIGKILL (SQLite) and are shared
// between two server processes through Redis. The registry is simulated by a table file (see
// test/harness/webhook-process.ts); the end-to-end test against the real registry is webhook-registry.test.ts.
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { send } from "./webhook-support/client.js";
import { startServerProcess, type ServerProcess } from "../harness/webhook-process.js";
import { startRedis, type RedisServer } from "./webhook-support/redis.js";
import { makeCertificate } from "../harness/tls.js";

const dir = mkdtempSync(join(tmpdir(), "imagepin-webhook-process-"));
const tls = makeCertificate(dir);
const digest = `sha256:${"7".repeat(64)}`;
const running: ServerProcess[] = [];
afterAll(async () => {
  for (const server of running) await server.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function review(uid: string) {
  return JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid,
      kind: { group: "", version: "v1", kind: "Pod" },
      resource: { group: "", version: "v1", resource: "pods" },
      namespace: "shop",
      operation: "CREATE",
      object: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `p-${uid}`, namespace: "shop" },
        spec: { containers: [{ name: "app", image: "registry.test:5000/shop/app:v2" }] },
      },
    },
  });
}

async function mutate(server: ServerProcess, uid: string) {
  const reply = await send(server.port, tls.cert, "POST", "/mutate", review(uid));
  expect(reply.status).toBe(200);
  const response = (
    reply.json() as { response: { uid: string; allowed: boolean; patch?: string; warnings?: string[] } }
  ).response;
  const patch = response.patch
    ? (JSON.parse(Buffer.from(response.patch, "base64").toString()) as { path: string; value: unknown }[])
    : [];
  return {
    response,
    image: patch.find((op) => op.path === "/spec/containers/0/image")?.value,
    fallback: patch.some(
      (op) => op.path.includes("fallback") || JSON.stringify(op.value).includes("imagepin.io/fallback"),
    ),
  };
}

async function start(store: string, tableFile: string) {
  const server = await startServerProcess({ store, certFile: tls.certFile, keyFile: tls.keyFile, tableFile });
  running.push(server);
  return server;
}

describe("SQLite store across a crash", () => {
  it("serves the last known digest after SIGKILL and restart while the registry is down", async () => {
    const table = join(dir, "table-sqlite.json");
    writeFileSync(table, JSON.stringify({ "registry.test:5000/shop/app:v2": digest }));
    const store = `sqlite://${join(dir, "digests.db")}`;
    const first = await start(store, table);
    expect((await mutate(first, "a1")).image).toBe(`registry.test:5000/shop/app:v2@${digest}`);
    expect(await first.kill("SIGKILL")).toBe("SIGKILL");

    unlinkSync(table); // the registry is down from now on
    const second = await start(store, table);
    const after = await mutate(second, "a2");
    expect(after.response).toMatchObject({ uid: "a2", allowed: true });
    expect(after.image).toBe(`registry.test:5000/shop/app:v2@${digest}`);
    expect(after.fallback).toBe(true);
    expect(after.response.warnings?.some((w) => w.includes("unreachable") && w.includes("last known digest"))).toBe(
      true,
    );
    const metrics = await send(second.port, tls.cert, "GET", "/metrics");
    expect(metrics.text).toMatch(/imagepin_webhook_resolutions_total\{outcome="fallback"\} 1/);
    await second.kill("SIGTERM");
  });
});

describe("Redis store shared by two servers", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("lets one server fall back on a digest the other resolved", async () => {
    const upTable = join(dir, "table-up.json");
    writeFileSync(upTable, JSON.stringify({ "registry.test:5000/shop/app:v2": digest }));
    const downTable = join(dir, "table-down.json"); // never written: this server's registry is down
    const one = await start(redis.url, upTable);
    const two = await start(redis.url, downTable);
    const before = await mutate(two, "b0");
    expect(before.image).toBeUndefined();
    expect(before.response.warnings?.some((w) => w.includes("no last known digest"))).toBe(true);
    expect((await mutate(one, "b1")).image).toBe(`registry.test:5000/shop/app:v2@${digest}`);
    const shared = await mutate(two, "b2");
    expect(shared.image).toBe(`registry.test:5000/shop/app:v2@${digest}`);
    expect(shared.fallback).toBe(true);
    await one.kill("SIGTERM");
    await two.kill("SIGTERM");
  });
});
