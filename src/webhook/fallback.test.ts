import { describe, expect, it } from "vitest";
import { parseReference } from "../reference/index.js";
import type { Resolution, Resolver } from "../resolve/types.js";
import { MemoryDigestStore } from "../store/memory.js";
import type { DigestRecord } from "../store/types.js";
import { FallbackResolver } from "./fallback.js";

const reference = parseReference("registry.example/team/app:1");
const digest = `sha256:${"d".repeat(64)}`;

/** Answers every caller with one Resolution object, as the registry resolver's single-flight does. */
function sharedAnswer(): Resolver {
  const resolution: Resolution = { reference, pinned: reference.withDigest(digest), digest, mediaType: "application/vnd.oci.image.manifest.v1+json", source: "fresh", resolvedAt: 1_700_000_000_000 };
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
      fallback.resolve(reference, { scope: i % 2 === 0 ? "public" : "namespace:team" }).then((resolution) => ({ resolution, committedThen: store.committed })),
    );
    const answers = await Promise.all(callers);
    expect(answers.every((answer) => answer.resolution.digest === digest)).toBe(true);
    expect(store.puts.sort()).toEqual(["namespace:team", "public"]);
    // durable before any caller answers: each saw at least its own scope's write committed
    expect(answers.every((answer) => answer.committedThen >= 1)).toBe(true);
    expect(await store.get({ reference: reference.normalized, scope: "namespace:team" })).toMatchObject({ digest });
  });
});
