import { createHash } from "node:crypto";
import { ImagepinError } from "../../src/errors.js";
import type { ImageReference } from "../../src/reference/index.js";
import type { IndexEntry, Resolution, Resolver } from "../../src/resolve/types.js";

/** The digest the in-memory resolver gives a normalized reference (and generation). */
export function fakeDigest(text: string): string {
  return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

/**
 * An in-memory {@link Resolver} for tests and benchmarks: every tag resolves to a digest derived from
 * its name, except names listed as missing. `moves` makes a tag resolve to a new digest (a tag that was
 * pushed again); `indexes` lists the platform manifests of an index digest.
 */
export function memoryResolver(
  options: { missing?: string[]; moved?: string[]; indexes?: Record<string, IndexEntry[]> } = {},
): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const missing = new Set(options.missing ?? []);
  const moved = new Set(options.moved ?? []);
  const currentDigest = (reference: ImageReference) =>
    fakeDigest(reference.withoutDigest().normalized + (moved.has(reference.withoutDigest().normalized) ? "#2" : ""));
  return {
    calls,
    async resolve(reference: ImageReference): Promise<Resolution> {
      calls.push(reference.normalized);
      const key = reference.normalized;
      if (missing.has(key) || (reference.digest && missing.has(reference.digest)))
        throw new ImagepinError("not-found", `${key}: not found`);
      const digest = reference.digest ?? currentDigest(reference);
      const mediaType = options.indexes?.[digest]
        ? "application/vnd.oci.image.index.v1+json"
        : "application/vnd.oci.image.manifest.v1+json";
      return {
        reference,
        pinned: reference.withDigest(digest),
        digest,
        mediaType,
        source: "fresh",
        resolvedAt: Date.UTC(2026, 0, 1),
      };
    },
    async indexEntries(reference: ImageReference): Promise<IndexEntry[]> {
      const digest = reference.digest ?? currentDigest(reference);
      return options.indexes?.[digest] ?? [];
    },
  };
}
