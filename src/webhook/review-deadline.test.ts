import { describe, expect, it } from "vitest";
import type { ImageReference } from "../reference/index.js";
import type { Resolution, Resolver } from "../resolve/types.js";
import { MemoryDigestStore } from "../store/memory.js";
import { parseWebhookConfig } from "./config.js";
import { AdmissionReviewer } from "./review.js";

/** A registry that answers only when told to, so reviews pile up on the shared deadline signal. */
class HeldResolver implements Resolver {
  private release: (() => void) | undefined;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  open(): void {
    this.release?.();
  }
  async resolve(reference: ImageReference): Promise<Resolution> {
    await this.gate;
    const digest = `sha256:${"a".repeat(64)}`;
    return {
      reference,
      pinned: reference.withDigest(digest),
      digest,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      source: "fresh",
      resolvedAt: 1,
    };
  }
}

const review = (i: number) =>
  JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: `u-${i}`,
      kind: { group: "", version: "v1", kind: "Pod" },
      namespace: "default",
      operation: "CREATE",
      object: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `p${i}` },
        spec: { containers: [{ name: "c", image: `registry.test/app${i}:v1` }] },
      },
    },
  });

describe("the review deadline shared by a burst", () => {
  it("lets any number of waiting reviews listen on one signal without a MaxListenersExceededWarning", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const resolver = new HeldResolver();
      const reviewer = new AdmissionReviewer({
        config: parseWebhookConfig(""),
        resolver,
        store: new MemoryDigestStore(),
      });
      const answers = Array.from({ length: 40 }, (_, i) => reviewer.mutate(review(i)));
      await new Promise((resolve) => setTimeout(resolve, 20));
      resolver.open();
      const done = await Promise.all(answers);
      expect(done.every((answer) => answer.status === 200 && answer.outcome === "patched")).toBe(true);
      // warnings are emitted on the next tick
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});
