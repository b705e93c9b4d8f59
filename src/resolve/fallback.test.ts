import { createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { parseReference } from "../reference/index.js";
import { RegistryResolver } from "../resolve/registry-resolver.js";
import type { Resolution, Resolver } from "../resolve/types.js";
import { RegistryError } from "../registry/errors.js";
import { MemoryDigestStore } from "../store/memory.js";
import type { DigestRecord, DigestStore } from "../store/types.js";
import { FallbackResolver, FallbackUnavailableError } from "./fallback.js";

const reference = parseReference("registry.example/team/app:1");
const digest = `sha256:${"d".repeat(64)}`;

/** Answers every caller with one Resolution object, as the registry resolver's single-flight does. */
function sharedAnswer(): Resolver {
  const resolution: Resolution = {
    reference,
    pinned: reference.withDigest(digest),
    digest,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    source: "fresh",
    resolvedAt: 1_700_000_000_000,
  };
  const flight = new Promise<Resolution>((resolve) => setTimeout(() => resolve(resolution), 5));
  return { resolve: () => flight };
}

/** A store whose writes take a while and are counted. */
class SlowCountingStore extends MemoryDigestStore {
  puts: string[] = [];
  committed = 0;
  override async put(record: DigestRecord): Promise<void> {
    this.puts.push(record.scope);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await super.put(record);
    this.committed++;
  }
}

describe("FallbackResolver", () => {
  it("writes one record per shared answer and scope, and every caller waits for it", async () => {
    const store = new SlowCountingStore();
    const fallback = new FallbackResolver({ resolver: sharedAnswer(), store });
    const callers = Array.from({ length: 200 }, (_, i) =>
      fallback
        .resolve(reference, { scope: i % 2 === 0 ? "public" : "namespace:team" })
        .then((resolution) => ({ resolution, committedThen: store.committed })),
    );
    const answers = await Promise.all(callers);
    expect(answers.every((answer) => answer.resolution.digest === digest)).toBe(true);
    expect(store.puts.sort()).toEqual(["namespace:team", "public"]);
    // durable before any caller answers: each saw at least its own scope's write committed
    expect(answers.every((answer) => answer.committedThen >= 1)).toBe(true);
    expect(await store.get({ reference: reference.normalized, scope: "namespace:team" })).toMatchObject({ digest });
  });
});

describe("FallbackResolver and the review deadline", () => {
  const aborting = (ms: number) => AbortSignal.timeout(ms);
  const record = {
    reference: reference.normalized,
    digest,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    resolvedAt: 1_700_000_000_000,
    scope: "public" as const,
  };
  /** A store whose calls never settle, as a stopped Redis with its connection open. */
  const hungStore = (): DigestStore => ({
    description: "hung:",
    get: () => new Promise(() => {}),
    put: () => new Promise(() => {}),
    list: async () => [],
    evict: async () => 0,
    close: async () => {},
  });

  it("races a resolver that ignores the signal against it: a temporary timeout, so an outage", async () => {
    const ignoring: Resolver = { resolve: () => new Promise<Resolution>(() => {}) };
    const fallback = new FallbackResolver({ resolver: ignoring, store: new MemoryDigestStore() });
    const failure = fallback.resolve(reference, { scope: "public", signal: aborting(20), fallback: false });
    await expect(failure).rejects.toMatchObject({ code: "timeout", temporary: true });
    await expect(failure).rejects.toBeInstanceOf(RegistryError);
  });

  it("races the registry resolver too, and serves the last known digest when it gives up", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const host = `127.0.0.1:${(silent.address() as { port: number }).port}`;
    const resolver = new RegistryResolver({ insecureRegistries: [host], timeoutMs: 2000 });
    const hostReference = parseReference(`${host}/team/app:1`);
    try {
      const store = new MemoryDigestStore();
      const fallback = new FallbackResolver({ resolver, store });
      await expect(
        fallback.resolve(hostReference, { scope: "public", signal: aborting(50), fallback: false }),
      ).rejects.toMatchObject({ code: "timeout", temporary: true });
      await store.put({ ...record, reference: hostReference.normalized });
      const started = Date.now();
      const served = await fallback.resolve(hostReference, { scope: "public", signal: aborting(50) });
      expect(served).toMatchObject({ source: "fallback", digest, fallbackReason: { code: "timeout" } });
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      for (const socket of sockets) socket.destroy();
      await resolver.close();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("gives up a hung store lookup at the store signal and says the store could not be read", async () => {
    const down: Resolver = {
      resolve: async () =>
        Promise.reject(new RegistryError("unreachable", "connection refused", { registry: "registry.example" })),
    };
    const fallback = new FallbackResolver({ resolver: down, store: hungStore() });
    const failure = fallback.resolve(reference, {
      scope: "namespace:team",
      signal: aborting(10),
      storeSignal: aborting(60),
    });
    await expect(failure).rejects.toBeInstanceOf(FallbackUnavailableError);
    await expect(failure).rejects.toMatchObject({ code: "store-unavailable", outage: { code: "unreachable" } });
  });

  it("answers a fresh resolution when the store write hangs past the store signal", async () => {
    const fallback = new FallbackResolver({ resolver: sharedAnswer(), store: hungStore() });
    await expect(fallback.resolve(reference, { scope: "public", storeSignal: aborting(60) })).resolves.toMatchObject({
      source: "fresh",
      digest,
    });
  });
});
