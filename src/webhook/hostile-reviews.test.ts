// Hostile AdmissionReviews (issue 18's fuzz findings, kept here): every answer is well formed. A patch is
// applied (RFC 6902, fast-json-patch with validation) to the object it was made for and must succeed; a
// Pod without metadata, or with metadata of another type, still gets one; an annotation nested 10,000
// deep is a warning, not an internal error; a member of the wrong type is a 400 naming it.
import fastJsonPatch from "fast-json-patch";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { memoryResolver } from "../../test/support/test-resolver.js";
import { MemoryDigestStore } from "../store/memory.js";
import { defaultWebhookConfig } from "./config.js";
import { AdmissionReviewer, type ReviewAnswer } from "./review.js";

const deepAnnotation = readFileSync(
  new URL("../../test/fixtures/hostile/annotation-nested-10000.json", import.meta.url),
  "utf8",
);

function reviewer(): AdmissionReviewer {
  return new AdmissionReviewer({
    config: defaultWebhookConfig(),
    resolver: memoryResolver(),
    store: new MemoryDigestStore(),
  });
}

function body(object: unknown, request: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: "u-1",
      kind: { group: "", version: "v1", kind: "Pod" },
      namespace: "shop",
      operation: "CREATE",
      object,
      ...request,
    },
  });
}

interface Applied {
  response: { allowed: boolean; warnings?: string[] };
  patched: { metadata: { annotations: Record<string, string> }; spec: { containers: { image: string }[] } };
}

/** Answers the review and applies its patch to the object it was made for; throws when it does not apply. */
async function applied(object: Record<string, unknown>): Promise<Applied> {
  const answer: ReviewAnswer = await reviewer().mutate(body(object));
  if (answer.status !== 200) throw new Error(`status ${answer.status}: ${answer.message}`);
  const response = answer.body.response as { allowed: boolean; patch?: string; warnings?: string[] };
  const patch = response.patch
    ? (JSON.parse(Buffer.from(response.patch, "base64").toString("utf8")) as fastJsonPatch.Operation[])
    : [];
  // validate=true: every operation is checked against the document (a missing parent throws).
  const patched = fastJsonPatch.applyPatch(structuredClone(object), patch, true, false)
    .newDocument as unknown as Applied["patched"];
  return { response, patched };
}

const spec = { containers: [{ name: "web", image: "nginx:1.25" }] };

describe("patches that apply to hostile Pods", () => {
  it.each([
    ["no metadata", undefined],
    ["null metadata", null],
    ["string metadata", "web"],
    ["array metadata", ["web"]],
    ["metadata without annotations", { name: "web" }],
    ["annotations of another type", { name: "web", annotations: ["x"] }],
  ])("%s: the patch applies and pins the image", async (_name, metadata) => {
    const object: Record<string, unknown> = { apiVersion: "v1", kind: "Pod", spec };
    if (metadata !== undefined) object.metadata = metadata;
    const { response, patched } = await applied(object);
    expect(response.allowed).toBe(true);
    expect(patched.spec.containers[0]!.image).toMatch(/^nginx:1\.25@sha256:/);
    expect(JSON.parse(patched.metadata.annotations["imagepin.io/original-images"]!)).toEqual({
      "containers/web": "nginx:1.25",
    });
  });

  it("an annotation of ours nested 10,000 deep: pinned, with a warning, and no internal error", async () => {
    const object = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "web", annotations: { "imagepin.io/original-images": deepAnnotation } },
      spec,
    };
    const { response, patched } = await applied(object);
    expect(patched.spec.containers[0]!.image).toMatch(/@sha256:/);
    expect(response.warnings?.join("\n")).toMatch(
      /annotation imagepin\.io\/original-images could not be read \(JSON nested deeper than 32 levels\)/,
    );
    expect(response.warnings?.join("\n")).not.toMatch(/internal error/);
    expect(JSON.parse(patched.metadata.annotations["imagepin.io/original-images"]!)).toEqual({
      "containers/web": "nginx:1.25",
    });
  });

  it("any metadata and annotations fast-check can make: every patch applies", async () => {
    const anyValue = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.string(),
      fc.integer(),
      fc.array(fc.string(), { maxLength: 2 }),
      fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
    );
    const annotations = fc.oneof(
      anyValue,
      fc.record(
        {
          "imagepin.io/original-images": fc.oneof(fc.string(), fc.json(), fc.constant(deepAnnotation)),
          "imagepin.io/skip": fc.constantFrom("false", "no"),
        },
        { requiredKeys: [] },
      ),
    );
    const metadata = fc.oneof(anyValue, fc.record({ name: fc.string(), annotations }, { requiredKeys: [] }));
    await fc.assert(
      fc.asyncProperty(metadata, async (meta) => {
        const object: Record<string, unknown> = { apiVersion: "v1", kind: "Pod", spec };
        if (meta !== undefined) object.metadata = meta;
        const { patched } = await applied(object);
        expect(patched.spec.containers[0]!.image).toMatch(/@sha256:/);
      }),
      { numRuns: 300 },
    );
  });
});

describe("members of the wrong type", () => {
  it.each([
    ["request.uid", { uid: { id: 1 } }, "request.uid must be a string, not an object"],
    ["request.kind", { kind: "Pod" }, "request.kind must be an object, not a string"],
    ["request.kind.kind", { kind: { kind: ["Pod"] } }, "request.kind.kind must be a string, not an array"],
    ["request.kind.group", { kind: { kind: "Pod", group: {} } }, "request.kind.group must be a string, not an object"],
    ["request.namespace", { namespace: { name: "shop" } }, "request.namespace must be a string, not an object"],
    ["request.operation", { operation: 1 }, "request.operation must be a string, not a number"],
    ["request.subResource", { subResource: {} }, "request.subResource must be a string, not an object"],
    ["request.dryRun", { dryRun: "yes" }, "request.dryRun must be a boolean, not a string"],
    ["request.object", { object: "pod" }, "request.object must be an object, not a string"],
    ["request.oldObject", { oldObject: [1] }, "request.oldObject must be an object, not an array"],
  ])("%s: a 400 that names it", async (_name, over, message) => {
    const answer = await reviewer().mutate(body({ apiVersion: "v1", kind: "Pod", spec }, over));
    expect(answer).toMatchObject({ status: 400, code: "invalid-review", message });
  });

  it("a request that is not an object", async () => {
    const answer = await reviewer().mutate(
      JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: "x" }),
    );
    expect(answer).toMatchObject({
      status: 400,
      code: "invalid-review",
      message: "request must be an object, not a string",
    });
  });
});
