import fastJsonPatch from "fast-json-patch";
import { describe, expect, it } from "vitest";
import { ImagepinError } from "../errors.js";
import type { ImageReference } from "../reference/index.js";
import { RegistryError } from "../registry/errors.js";
import { jsonPointer } from "./patch.js";
import type { Resolution, Resolver } from "../resolve/types.js";
import { MemoryDigestStore } from "../store/memory.js";
import { parseWebhookConfig, type WebhookConfig } from "./config.js";
import { AdmissionReviewer, type FallbackEvent } from "./review.js";
import { WebhookMetrics } from "./metrics.js";

const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** A resolver answering from a table; `down` makes every call fail as an unreachable registry. */
class TableResolver implements Resolver {
  down = false;
  calls = 0;
  constructor(private readonly table: Record<string, string>) {}
  async resolve(reference: ImageReference): Promise<Resolution> {
    this.calls++;
    if (this.down)
      throw new RegistryError("unreachable", `cannot connect to ${reference.domain}`, { registry: reference.domain });
    const found = this.table[reference.normalized];
    if (!found) throw new ImagepinError("not-found", `${reference.normalized} not found`);
    return {
      reference,
      pinned: reference.withDigest(found),
      digest: found,
      mediaType: "application/vnd.oci.image.index.v1+json",
      source: "fresh",
      resolvedAt: 1_700_000_000_000,
    };
  }
}

const table = {
  "docker.io/library/nginx:1.25": digest("a"),
  "docker.io/library/busybox:latest": digest("b"),
  "registry.example:5000/team/app:v1": digest("c"),
};

function pod(spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: "web", namespace: "default" }) {
  return { apiVersion: "v1", kind: "Pod", metadata, spec };
}

function review(object: unknown, over: Record<string, unknown> = {}, apiVersion = "admission.k8s.io/v1") {
  return JSON.stringify({
    apiVersion,
    kind: "AdmissionReview",
    request: {
      uid: "u-1",
      kind: { group: "", version: "v1", kind: "Pod" },
      resource: { group: "", version: "v1", resource: "pods" },
      namespace: "default",
      operation: "CREATE",
      object,
      ...over,
    },
  });
}

function setup(configText = "", resolver = new TableResolver(table)) {
  const config: WebhookConfig = parseWebhookConfig(configText);
  const events: FallbackEvent[] = [];
  const metrics = new WebhookMetrics();
  const store = new MemoryDigestStore();
  const reviewer = new AdmissionReviewer({
    config,
    resolver,
    store,
    metrics,
    events: { fallbackUsed: (e) => events.push(e) },
  });
  return { reviewer, resolver, events, metrics, store };
}

function applied(object: unknown, body: Record<string, unknown>) {
  const response = body.response as { patch?: string };
  if (!response.patch) return object;
  const ops = JSON.parse(Buffer.from(response.patch, "base64").toString("utf8"));
  return fastJsonPatch.applyPatch(structuredClone(object), ops, true, false).newDocument;
}

describe("mutate", () => {
  it("pins every tag-only image, keeps pinned ones, and records the originals", async () => {
    const { reviewer } = setup();
    const object = pod({
      initContainers: [{ name: "setup", image: "busybox" }],
      containers: [
        { name: "web", image: "nginx:1.25" },
        { name: "side", image: `nginx@${digest("f")}` },
      ],
      ephemeralContainers: [{ name: "debug", image: "registry.example:5000/team/app:v1" }],
      volumes: [{ name: "models", image: { reference: "nginx:1.25" } }],
    });
    const answer = await reviewer.mutate(review(object));
    expect(answer.status).toBe(200);
    if (answer.status !== 200) return;
    const response = answer.body.response as Record<string, unknown>;
    expect(answer.body.apiVersion).toBe("admission.k8s.io/v1");
    expect(response.uid).toBe("u-1");
    expect(response.allowed).toBe(true);
    expect(response.patchType).toBe("JSONPatch");
    const result = applied(object, answer.body) as ReturnType<typeof pod> & {
      spec: Record<string, { image?: string }[]>;
      metadata: { annotations: Record<string, string> };
    };
    expect(result.spec.initContainers?.[0]?.image).toBe(`busybox:latest@${digest("b")}`);
    expect(result.spec.containers?.[0]?.image).toBe(`nginx:1.25@${digest("a")}`);
    expect(result.spec.containers?.[1]?.image).toBe(`nginx@${digest("f")}`);
    expect(result.spec.ephemeralContainers?.[0]?.image).toBe(`registry.example:5000/team/app:v1@${digest("c")}`);
    expect((result.spec.volumes?.[0] as unknown as { image: { reference: string } }).image.reference).toBe(
      `nginx:1.25@${digest("a")}`,
    );
    expect(JSON.parse(result.metadata.annotations["imagepin.io/original-images"] ?? "{}")).toEqual({
      "initContainers/setup": "busybox",
      "containers/web": "nginx:1.25",
      "ephemeralContainers/debug": "registry.example:5000/team/app:v1",
      "volumes/models": "nginx:1.25",
    });
  });

  it("escapes / in annotation keys of an object that already has annotations", async () => {
    const { reviewer } = setup("annotationPrefix: a.example");
    const object = pod(
      { containers: [{ name: "web", image: "nginx:1.25" }] },
      { name: "web", annotations: { keep: "me" } },
    );
    const answer = await reviewer.mutate(review(object));
    if (answer.status !== 200) throw new Error("expected 200");
    const ops = JSON.parse(Buffer.from((answer.body.response as { patch: string }).patch, "base64").toString());
    expect(ops.map((op: { path: string }) => op.path)).toContain("/metadata/annotations/a.example~1original-images");
    const result = applied(object, answer.body) as { metadata: { annotations: Record<string, string> } };
    expect(result.metadata.annotations.keep).toBe("me");
    expect(result.metadata.annotations["a.example/original-images"]).toBeDefined();
  });

  it("answers v1beta1 in v1beta1", async () => {
    const { reviewer } = setup();
    const answer = await reviewer.mutate(
      review(pod({ containers: [{ name: "web", image: "nginx:1.25" }] }), {}, "admission.k8s.io/v1beta1"),
    );
    expect(answer.status === 200 && answer.body.apiVersion).toBe("admission.k8s.io/v1beta1");
  });

  it("serves the last known digest when the registry is down, with warning, annotation, event and metric", async () => {
    const { reviewer, resolver, events, metrics } = setup();
    const object = pod({ containers: [{ name: "web", image: "nginx:1.25" }] });
    await reviewer.mutate(review(object));
    resolver.down = true;
    const answer = await reviewer.mutate(review(object));
    if (answer.status !== 200) throw new Error("expected 200");
    const response = answer.body.response as { warnings: string[] };
    expect(response.warnings.some((w) => w.includes("unreachable") && w.includes("last known digest"))).toBe(true);
    const result = applied(object, answer.body) as {
      spec: { containers: { image: string }[] };
      metadata: { annotations: Record<string, string> };
    };
    expect(result.spec.containers[0]?.image).toBe(`nginx:1.25@${digest("a")}`);
    const fallback = JSON.parse(result.metadata.annotations["imagepin.io/fallback"] ?? "{}");
    expect(fallback["containers/web"]).toMatchObject({
      digest: digest("a"),
      reason: expect.stringContaining("unreachable"),
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      namespace: "default",
      name: "web",
      reference: "docker.io/library/nginx:1.25",
      reason: { code: "unreachable" },
    });
    expect(await metrics.text()).toMatch(/imagepin_webhook_resolutions_total\{outcome="fallback"\} 1/);
  });

  it("logs one info line per patched Pod naming each image, its digest and where it came from", async () => {
    const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
    const capture = (level: string) => (fields: Record<string, unknown>, message: string) =>
      lines.push({ level, fields, message });
    const logger = { debug: capture("debug"), info: capture("info"), warn: capture("warn"), error: capture("error") };
    const resolver = new TableResolver(table);
    const reviewer = new AdmissionReviewer({
      config: parseWebhookConfig(""),
      resolver,
      store: new MemoryDigestStore(),
      metrics: new WebhookMetrics(),
      logger,
    });
    const object = pod({
      containers: [
        { name: "web", image: "nginx:1.25" },
        { name: "side", image: "busybox" },
        { name: "fixed", image: `nginx@${digest("d")}` },
      ],
    });
    await reviewer.mutate(review(object));
    resolver.down = true;
    await reviewer.mutate(review(object));
    await reviewer.mutate(review(pod({ containers: [{ name: "fixed", image: `nginx@${digest("d")}` }] })));
    const pinned = lines.filter((line) => line.level === "info" && line.message === "pinned");
    expect(pinned).toHaveLength(2);
    expect(pinned[0]?.fields).toMatchObject({ namespace: "default", name: "web", kind: "Pod" });
    expect(pinned[0]?.fields.images).toEqual([
      { label: "containers/web", image: "nginx:1.25", digest: digest("a"), source: "fresh" },
      { label: "containers/side", image: "busybox", digest: digest("b"), source: "fresh" },
    ]);
    expect((pinned[1]?.fields.images as { source: string }[]).map((image) => image.source)).toEqual([
      "fallback",
      "fallback",
    ]);
  });

  it("follows the failure policy when there is no record", async () => {
    const down = new TableResolver(table);
    down.down = true;
    const object = pod({ containers: [{ name: "web", image: "nginx:1.25" }] });
    const allow = await setup("", down).reviewer.mutate(review(object));
    expect(allow.status === 200 && allow.body.response).toMatchObject({
      allowed: true,
      warnings: [expect.stringContaining("no last known digest")],
    });
    expect(allow.status === 200 && (allow.body.response as Record<string, unknown>).patch).toBeUndefined();
    const deny = await setup("onFailure: deny", down).reviewer.mutate(review(object));
    expect(deny.status === 200 && deny.body.response).toMatchObject({ allowed: false, status: { code: 403 } });
    const perRegistry = await setup(
      "failurePolicies:\n  - registry: docker.io\n    policy: deny\n",
      down,
    ).reviewer.mutate(review(object));
    expect(perRegistry.status === 200 && perRegistry.outcome).toBe("denied");
  });

  it("applies failure policies per pattern and registry, first match first, even when a record exists", async () => {
    const down = new TableResolver(table);
    down.down = true;
    const rules =
      "failurePolicies:\n  - match: ':canary$'\n    policy: allow\n  - registry: docker.io\n    policy: deny\n";
    const known = async (store: MemoryDigestStore) => {
      for (const reference of [
        "docker.io/library/nginx:canary",
        "docker.io/library/nginx:1.25",
        "registry.example:5000/team/app:v1",
      ]) {
        await store.put({ reference, digest: digest("f"), mediaType: "x", resolvedAt: 1, scope: "public" });
      }
    };
    const answer = async (image: string) => {
      const { reviewer, store } = setup(rules, down);
      await known(store);
      const result = await reviewer.mutate(review(pod({ containers: [{ name: "web", image }] })));
      if (result.status !== 200) throw new Error("expected a review");
      return {
        outcome: result.outcome,
        response: result.body.response as { allowed: boolean; patch?: string; warnings?: string[] },
      };
    };
    // allow: admitted unchanged, the record is not used
    const canary = await answer("nginx:canary");
    expect(canary).toMatchObject({
      outcome: "unchanged",
      response: { allowed: true, warnings: [expect.stringContaining("left unchanged")] },
    });
    expect(canary.response.patch).toBeUndefined();
    // deny for docker.io: denied although a record exists
    expect((await answer("nginx:1.25")).outcome).toBe("denied");
    // no rule: the default, fallback
    const other = await answer("registry.example:5000/team/app:v1");
    expect(other.outcome).toBe("patched");
    expect(other.response.warnings?.join(" ")).toContain("last known digest");
  });

  it("resolves only the references an include pattern selects", async () => {
    const { reviewer, resolver } = setup("include: [':latest$']");
    const result = await reviewer.mutate(
      review(
        pod({
          containers: [
            { name: "a", image: "nginx:1.25" },
            { name: "b", image: "busybox" },
          ],
        }),
      ),
    );
    const patched = applied(
      pod({
        containers: [
          { name: "a", image: "nginx:1.25" },
          { name: "b", image: "busybox" },
        ],
      }),
      result.status === 200 ? result.body : {},
    ) as { spec: { containers: { image: string }[] } };
    expect(patched.spec.containers.map((c) => c.image)).toEqual(["nginx:1.25", `busybox:latest@${digest("b")}`]);
    expect(resolver.calls).toBe(1);
  });

  it("does not fall back on not-found", async () => {
    const { reviewer, store } = setup();
    await store.put({
      reference: "docker.io/library/gone:1",
      digest: digest("e"),
      mediaType: "x",
      resolvedAt: 1,
      scope: "public",
    });
    const answer = await reviewer.mutate(review(pod({ containers: [{ name: "web", image: "gone:1" }] })));
    expect(answer.status === 200 && answer.body.response).toMatchObject({
      allowed: true,
      warnings: [expect.stringContaining("not-found")],
    });
    expect(answer.status === 200 && (answer.body.response as Record<string, unknown>).patch).toBeUndefined();
  });

  it("skips excluded namespaces, opted-out Pods and excluded references", async () => {
    const { reviewer, resolver } = setup("exclude: [':latest$']");
    const kube = await reviewer.mutate(
      review(pod({ containers: [{ name: "a", image: "nginx:1.25" }] }), { namespace: "kube-system" }),
    );
    expect(kube.outcome).toBe("skipped");
    const optOut = await reviewer.mutate(
      review(
        pod(
          { containers: [{ name: "a", image: "nginx:1.25" }] },
          { name: "x", annotations: { "imagepin.io/skip": "true" } },
        ),
      ),
    );
    expect(optOut.outcome).toBe("skipped");
    const latest = await reviewer.mutate(review(pod({ containers: [{ name: "a", image: "busybox" }] })));
    expect(latest.outcome).toBe("unchanged");
    expect(resolver.calls).toBe(0);
  });

  it("on UPDATE pins only images the update changed, and for ephemeral containers writes no annotation", async () => {
    const { reviewer } = setup();
    const oldObject = pod({ containers: [{ name: "web", image: "nginx:1.25" }] });
    const object = pod({
      containers: [{ name: "web", image: "nginx:1.25" }],
      ephemeralContainers: [{ name: "dbg", image: "busybox" }],
    });
    const answer = await reviewer.mutate(
      review(object, { operation: "UPDATE", oldObject, subResource: "ephemeralcontainers" }),
    );
    if (answer.status !== 200) throw new Error("expected 200");
    const ops = JSON.parse(Buffer.from((answer.body.response as { patch: string }).patch, "base64").toString());
    expect(ops).toEqual([
      { op: "replace", path: "/spec/ephemeralContainers/0/image", value: `busybox:latest@${digest("b")}` },
    ]);
  });

  it("warns about invalid image strings and leaves them", async () => {
    const { reviewer } = setup();
    const answer = await reviewer.mutate(review(pod({ containers: [{ name: "a", image: "NOT VALID" }] })));
    expect(answer.status === 200 && answer.body.response).toMatchObject({
      allowed: true,
      warnings: [expect.stringContaining("not a valid reference")],
    });
  });

  it("pins workload templates only when enabled", async () => {
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d" },
      spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.25" }] } } },
    };
    const body = review(deployment, { kind: { group: "apps", version: "v1", kind: "Deployment" } });
    expect((await setup().reviewer.mutate(body)).outcome).toBe("skipped");
    const answer = await setup("mutateWorkloads: true").reviewer.mutate(body);
    if (answer.status !== 200) throw new Error("expected 200");
    const result = applied(deployment, answer.body) as typeof deployment;
    expect(result.spec.template.spec.containers[0]?.image).toBe(`nginx:1.25@${digest("a")}`);
  });

  it.each([
    ["not json", "{", "invalid-json"],
    [
      "no uid",
      JSON.stringify({
        apiVersion: "admission.k8s.io/v1",
        kind: "AdmissionReview",
        request: { kind: { kind: "Pod" }, operation: "CREATE" },
      }),
      "invalid-review",
    ],
    [
      "unknown version",
      JSON.stringify({ apiVersion: "admission.k8s.io/v2", kind: "AdmissionReview", request: { uid: "x" } }),
      "invalid-review",
    ],
    ["array", "[]", "invalid-review"],
  ])("answers 400 for %s", async (_name, body, code) => {
    const answer = await setup().reviewer.mutate(body);
    expect(answer).toMatchObject({ status: 400, code });
  });

  it("admits an unknown kind unchanged", async () => {
    const answer = await setup().reviewer.mutate(
      review({ kind: "ConfigMap" }, { kind: { group: "", version: "v1", kind: "ConfigMap" } }),
    );
    expect(answer.status === 200 && answer.body.response).toEqual({ uid: "u-1", allowed: true });
  });
});

describe("deadline and tenant scopes", () => {
  it("answers within the budget when the registry never does, falling back or warning", async () => {
    const hanging: Resolver = { resolve: () => new Promise<Resolution>(() => {}) };
    const { reviewer, store } = setup("deadlineSeconds: 0.5", hanging as TableResolver);
    await store.put({
      reference: "docker.io/library/nginx:1.25",
      digest: digest("9"),
      mediaType: "x",
      resolvedAt: 5,
      scope: "public",
    });
    const answer = await reviewer.mutate(
      review(
        pod({
          containers: [
            { name: "a", image: "nginx:1.25" },
            { name: "b", image: "redis:7" },
          ],
        }),
      ),
    );
    if (answer.status !== 200) throw new Error("expected 200");
    const response = answer.body.response as { warnings: string[] };
    expect(response.warnings.some((w) => w.includes("containers/a") && w.includes("timeout"))).toBe(true);
    expect(response.warnings.some((w) => w.includes("containers/b") && w.includes("no last known digest"))).toBe(true);
    const result = applied(
      pod({
        containers: [
          { name: "a", image: "nginx:1.25" },
          { name: "b", image: "redis:7" },
        ],
      }),
      answer.body,
    ) as { spec: { containers: { image: string }[] } };
    expect(result.spec.containers.map((c) => c.image)).toEqual([`nginx:1.25@${digest("9")}`, "redis:7"]);
  });

  it("abandons a step that ignores every signal at the deadline itself, admitting the Pod unchanged", async () => {
    const config = parseWebhookConfig("deadlineSeconds: 0.3\npullSecrets: true");
    // A keychain that never answers: resolveOne asks it outside any signal, so only the review's own race ends it.
    const podCredentials = async () => ({
      keychain: { candidates: () => new Promise<never>(() => {}) },
      resolver: new TableResolver(table),
    });
    const reviewer = new AdmissionReviewer({
      config,
      resolver: new TableResolver(table),
      store: new MemoryDigestStore(),
      podCredentials,
    });
    const started = performance.now();
    const answer = await reviewer.mutate(
      review(pod({ containers: [{ name: "web", image: "nginx:1.25" }] }), { namespace: "team" }),
    );
    const tookMs = performance.now() - started;
    if (answer.status !== 200) throw new Error("expected 200");
    expect(answer.outcome).toBe("error");
    expect(answer.body.response).toMatchObject({
      allowed: true,
      warnings: ["imagepin: the review did not finish within deadlineSeconds (0.3 s); images left unchanged"],
    });
    expect(tookMs).toBeLessThan(1500);
  });

  it("keeps digests resolved with a namespace's pull secrets to that namespace", async () => {
    const privateTable = new TableResolver({ "registry.example:5000/team/app:v1": digest("d") });
    const config = parseWebhookConfig("pullSecrets: true");
    const store = new MemoryDigestStore();
    const publicDown = new TableResolver({});
    publicDown.down = true;
    const reviewer = new AdmissionReviewer({
      config,
      resolver: publicDown,
      store,
      podCredentials: async (namespace) =>
        namespace === "team-a"
          ? {
              keychain: {
                candidates: async (registry) =>
                  registry === "registry.example:5000"
                    ? [{ source: "pull-secret", key: registry, get: async () => ({}) }]
                    : [],
              },
              resolver: privateTable,
            }
          : undefined,
    });
    const object = pod({ containers: [{ name: "app", image: "registry.example:5000/team/app:v1" }] });
    const mine = await reviewer.mutate(review(object, { namespace: "team-a" }));
    expect(mine.outcome).toBe("patched");
    expect(await store.list()).toMatchObject([{ scope: "namespace:team-a", digest: digest("d") }]);
    privateTable.down = true;
    const again = await reviewer.mutate(review(object, { namespace: "team-a" }));
    expect(again.status === 200 && JSON.stringify(again.body)).toContain("last known digest");
    // team-b has no secrets for the registry, which is down for the webhook too: team-a's record must not serve it.
    const other = await reviewer.mutate(review(object, { namespace: "team-b" }));
    expect(other.outcome).toBe("unchanged");
    expect(other.status === 200 && JSON.stringify(other.body)).toContain("no last known digest");
  });
});

describe("validate", () => {
  it("denies unpinned images, naming them", async () => {
    const { reviewer } = setup();
    const answer = await reviewer.validate(
      review(
        pod({
          containers: [
            { name: "web", image: "nginx:1.25" },
            { name: "ok", image: `nginx@${digest("a")}` },
          ],
        }),
      ),
    );
    expect(answer.status === 200 && answer.body.response).toMatchObject({
      allowed: false,
      status: { code: 403, message: expect.stringContaining("containers/web (nginx:1.25)") },
    });
    expect(
      (
        (answer.status === 200 && (answer.body.response as { status: { message: string } }).status.message) ||
        ""
      ).includes("containers/ok"),
    ).toBe(false);
    const pinned = await reviewer.validate(
      review(pod({ containers: [{ name: "ok", image: `nginx@${digest("a")}` }] })),
    );
    expect(pinned.status === 200 && pinned.body.response).toEqual({ uid: "u-1", allowed: true });
  });
});

describe("config", () => {
  it.each([
    ["unknownKey: 1", "unknownKey", 1],
    ["include: ['(']", "include[0]", 1],
    ["failurePolicies:\n  - registry: x\n    policy: maybe\n", "failurePolicies[0].policy", 3],
    ["deadlineSeconds: 30", "deadlineSeconds", 1],
    ["platform: linux", "platform", 1],
    ["events: true\ncacheTtlSeconds: -1", "cacheTtlSeconds", 2],
    ["a: [", "", 1],
  ])("rejects %j naming the key", (text, key, line) => {
    try {
      parseWebhookConfig(text, "cfg.yaml");
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "invalid-config", location: { file: "cfg.yaml", line } });
      if (key) expect((error as Error).message).toContain(key);
    }
  });

  it("parses every setting", () => {
    expect(parseWebhookConfig("").cacheTtlMs).toBe(30_000);
    const config = parseWebhookConfig(
      "deadlineSeconds: 5\nexcludedNamespaces: [a]\nplatform: linux/arm64/v8\nmutateWorkloads: true\ncacheTtlSeconds: 0\n",
    );
    expect(config).toMatchObject({
      cacheTtlMs: 0,
      deadlineMs: 5000,
      excludedNamespaces: ["a"],
      platform: { os: "linux", architecture: "arm64", variant: "v8" },
      mutateWorkloads: true,
    });
  });

  it("normalizes the platform as the resolver does, so store and cache keys agree", () => {
    expect(parseWebhookConfig("platform: linux/arm64\n").platform).toEqual({
      os: "linux",
      architecture: "arm64",
      variant: "v8",
    });
    expect(parseWebhookConfig("platform: Linux/x86_64\n").platform).toEqual({ os: "linux", architecture: "amd64" });
  });
});

describe("jsonPointer", () => {
  it("escapes ~ before / (RFC 6901)", () => {
    expect(jsonPointer(["metadata", "annotations", "a~1/b"])).toBe("/metadata/annotations/a~01~1b");
    expect(jsonPointer(["spec", "containers", 0, "image"])).toBe("/spec/containers/0/image");
  });
});
