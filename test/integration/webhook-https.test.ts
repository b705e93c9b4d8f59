// The webhook server over real HTTPS with real AdmissionReview bodies, in process with a table resolver:
// patches applied with a JSON Patch library, health and metrics, TLS minimum and certificate reload,
// bad input, a bounded fuzz, and graceful shutdown with a review in flight.
import fastJsonPatch from "fast-json-patch";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImagepinError } from "../../src/errors.js";
import { RegistryError } from "../../src/registry/errors.js";
import type { ImageReference } from "../../src/reference/index.js";
import type { Resolution, Resolver } from "../../src/resolve/types.js";
import { MemoryDigestStore } from "../../src/store/index.js";
import { parseWebhookConfig, serveWebhook, WebhookMetrics, type WebhookServer } from "../../src/webhook/index.js";
import { send, sendRaw, servedCommonName } from "./webhook-support/client.js";
import { makeCertificate } from "../harness/tls.js";

const digest = `sha256:${"a".repeat(64)}`;

class GatedResolver implements Resolver {
  gate: Promise<void> | undefined;
  down = false;
  async resolve(reference: ImageReference): Promise<Resolution> {
    if (this.gate) await this.gate;
    if (this.down) throw new RegistryError("unreachable", "connection refused", { registry: reference.domain });
    if (reference.path === "library/missing") throw new ImagepinError("not-found", "manifest unknown");
    return {
      reference,
      pinned: reference.withDigest(digest),
      digest,
      mediaType: "application/vnd.oci.image.index.v1+json",
      source: "fresh",
      resolvedAt: Date.now(),
    };
  }
}

const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { generateName: "web-", namespace: "apps", labels: { app: "web" } },
  spec: {
    initContainers: [{ name: "init", image: "busybox:1.36" }],
    containers: [{ name: "web", image: "nginx:1.25", ports: [{ containerPort: 80 }] }],
  },
};

function review(object: unknown = pod, uid = "0c5d7e4a-1111-4a3e-9a57-5b1a7c2f0001") {
  return JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid,
      kind: { group: "", version: "v1", kind: "Pod" },
      resource: { group: "", version: "v1", resource: "pods" },
      requestKind: { group: "", version: "v1", kind: "Pod" },
      requestResource: { group: "", version: "v1", resource: "pods" },
      namespace: "apps",
      operation: "CREATE",
      userInfo: { username: "system:serviceaccount:kube-system:replicaset-controller" },
      object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: "meta.k8s.io/v1", kind: "CreateOptions" },
    },
  });
}

const dir = mkdtempSync(join(tmpdir(), "imagepin-webhook-https-"));
const first = makeCertificate(dir, "serving", "first");
const second = makeCertificate(dir, "next", "second");
const resolver = new GatedResolver();
let server: WebhookServer & { metrics: WebhookMetrics };

beforeAll(async () => {
  server = await serveWebhook({
    config: parseWebhookConfig("maxBodyBytes: 65536\n"),
    resolver,
    store: new MemoryDigestStore(),
    tls: { certFile: first.certFile, keyFile: first.keyFile },
    host: "127.0.0.1",
    port: 0,
    metrics: new WebhookMetrics(),
    tlsPollMs: 100,
  });
});
afterAll(async () => {
  await server?.close(1000);
  rmSync(dir, { recursive: true, force: true });
});

describe("webhook over HTTPS", () => {
  it("answers /mutate with a patch that pins the Pod", async () => {
    const reply = await send(server.port, first.cert, "POST", "/mutate", review());
    expect(reply.status).toBe(200);
    const body = reply.json() as {
      apiVersion: string;
      kind: string;
      response: { uid: string; allowed: boolean; patchType: string; patch: string };
    };
    expect(body).toMatchObject({
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      response: { uid: "0c5d7e4a-1111-4a3e-9a57-5b1a7c2f0001", allowed: true, patchType: "JSONPatch" },
    });
    const ops = JSON.parse(Buffer.from(body.response.patch, "base64").toString("utf8"));
    expect(fastJsonPatch.validate(ops, structuredClone(pod))).toBeUndefined();
    const patched = fastJsonPatch.applyPatch(structuredClone(pod), ops, true, false).newDocument as typeof pod & {
      metadata: { annotations: Record<string, string> };
    };
    expect(patched.spec.containers[0]?.image).toBe(`nginx:1.25@${digest}`);
    expect(patched.spec.initContainers[0]?.image).toBe(`busybox:1.36@${digest}`);
    expect(patched.spec.containers[0]?.ports).toEqual([{ containerPort: 80 }]);
    expect(JSON.parse(patched.metadata.annotations["imagepin.io/original-images"] ?? "")).toEqual({
      "initContainers/init": "busybox:1.36",
      "containers/web": "nginx:1.25",
    });
  });

  it("answers /validate by naming unpinned images", async () => {
    const reply = await send(server.port, first.cert, "POST", "/validate", review());
    expect(reply.json()).toMatchObject({
      response: {
        allowed: false,
        status: { code: 403, message: expect.stringContaining("containers/web (nginx:1.25)") },
      },
    });
  });

  it("serves health, readiness and metrics", async () => {
    expect((await send(server.port, first.cert, "GET", "/healthz")).status).toBe(200);
    expect((await send(server.port, first.cert, "GET", "/readyz")).status).toBe(200);
    const metrics = await send(server.port, first.cert, "GET", "/metrics");
    expect(metrics.text).toMatch(/imagepin_webhook_reviews_total\{endpoint="mutate",outcome="patched"\} [1-9]/);
    expect(metrics.text).toContain("imagepin_webhook_review_duration_seconds_bucket");
    expect(metrics.text).toMatch(/imagepin_webhook_resolutions_total\{outcome="fresh"\} [1-9]/);
  });

  it("refuses TLS 1.1", async () => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect(
        {
          host: "127.0.0.1",
          port: server.port,
          ca: first.cert,
          servername: "localhost",
          maxVersion: "TLSv1.1",
          minVersion: "TLSv1",
        },
        () => {
          socket.end();
          resolve("connected");
        },
      );
      socket.on("error", (error) => resolve((error as NodeJS.ErrnoException).code ?? "error"));
    });
    expect(outcome).not.toBe("connected");
  });

  it.each([
    ["malformed JSON", '{"apiVersion":', 400, "invalid-json"],
    [
      "a missing uid",
      JSON.stringify({
        apiVersion: "admission.k8s.io/v1",
        kind: "AdmissionReview",
        request: { kind: { kind: "Pod" }, operation: "CREATE" },
      }),
      400,
      "invalid-review",
    ],
    [
      "an unknown version",
      JSON.stringify({ apiVersion: "admission.k8s.io/v9", kind: "AdmissionReview", request: { uid: "x" } }),
      400,
      "invalid-review",
    ],
  ])("answers %s with 400 and a message", async (_name, body, status, code) => {
    const reply = await send(server.port, first.cert, "POST", "/mutate", body);
    expect(reply.status).toBe(status);
    expect(reply.json()).toMatchObject({ code, message: expect.any(String) });
  });

  it("answers an oversize body with 413, declared or streamed", async () => {
    const big = review({ ...pod, metadata: { ...pod.metadata, annotations: { pad: "x".repeat(70_000) } } });
    const declared = await send(server.port, first.cert, "POST", "/mutate", big);
    expect(declared.status).toBe(413);
    expect(declared.json()).toEqual({ code: "body-too-large", message: expect.stringContaining("larger than") });
    const streamed = await sendRaw(
      server.port,
      first.cert,
      `POST /mutate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${(70_000).toString(16)}\r\n${"y".repeat(70_000)}\r\n0\r\n\r\n`,
    );
    expect(streamed).toMatch(/^HTTP\/1\.1 413/);
  });

  it("answers unknown paths and wrong methods with {code, message} like the 400s", async () => {
    const missing = await send(server.port, first.cert, "GET", "/nope");
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ code: "not-found", message: expect.stringContaining("/mutate") });
    const getMutate = await send(server.port, first.cert, "GET", "/mutate");
    expect(getMutate.status).toBe(405);
    expect(getMutate.json()).toEqual({ code: "method-not-allowed", message: "/mutate takes POST, not GET" });
    const postHealth = await send(server.port, first.cert, "POST", "/healthz", "{}");
    expect(postHealth.status).toBe(405);
    expect(postHealth.json()).toMatchObject({ code: "method-not-allowed" });
  });

  it("answers an invalid image and an unknown kind with well-formed reviews", async () => {
    const invalid = await send(
      server.port,
      first.cert,
      "POST",
      "/mutate",
      review({ ...pod, spec: { containers: [{ name: "x", image: "Bad Image!" }] } }),
    );
    expect(invalid.json()).toMatchObject({
      response: { allowed: true, warnings: [expect.stringContaining("not a valid reference")] },
    });
    const other = JSON.parse(review());
    other.request.kind = { group: "", version: "v1", kind: "Secret" };
    expect((await send(server.port, first.cert, "POST", "/mutate", JSON.stringify(other))).json()).toMatchObject({
      response: { allowed: true },
    });
  });

  it("keeps answering random and truncated bodies", async () => {
    const whole = review();
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.nat({ max: whole.length }).map((n) => whole.slice(0, n)),
          fc.json({ maxDepth: 3 }),
          fc
            .nat({ max: whole.length - 1 })
            .chain((n) =>
              fc.string({ minLength: 1, maxLength: 3 }).map((s) => whole.slice(0, n) + s + whole.slice(n + 1)),
            ),
        ),
        async (body) => {
          const reply = await send(server.port, first.cert, "POST", "/mutate", body);
          statuses.add(reply.status);
          expect([200, 400]).toContain(reply.status);
          if (reply.status === 200)
            expect(reply.json()).toMatchObject({ kind: "AdmissionReview", response: { allowed: expect.any(Boolean) } });
        },
      ),
      { numRuns: 150, seed: 5 },
    );
    // A body cut off mid-stream: the client goes away after half the declared length.
    await sendRaw(
      server.port,
      first.cert,
      `POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Length: ${whole.length}\r\n\r\n${whole.slice(0, 100)}`,
      false,
    );
    expect(statuses.has(400)).toBe(true);
    expect((await send(server.port, first.cert, "GET", "/healthz")).status).toBe(200);
    expect(server.inFlight).toBe(0);
  });

  it("reloads the certificate when the files change", async () => {
    expect(await servedCommonName(server.port, first.cert)).toBe("first");
    copyFileSync(second.keyFile, first.keyFile);
    copyFileSync(second.certFile, first.certFile);
    let cn = "";
    for (let i = 0; i < 100 && cn !== "second"; i++) {
      cn = await servedCommonName(server.port, [first.cert, second.cert]);
      if (cn !== "second") await new Promise((r) => setTimeout(r, 100));
    }
    expect(cn).toBe("second");
    expect((await send(server.port, second.cert, "POST", "/mutate", review())).status).toBe(200);
  });
});

describe("graceful shutdown", () => {
  it("finishes a review in flight, then refuses new connections", async () => {
    const slow = new GatedResolver();
    let release: () => void = () => {};
    slow.gate = new Promise<void>((r) => (release = r));
    const own = await serveWebhook({
      config: parseWebhookConfig(""),
      resolver: slow,
      store: new MemoryDigestStore(),
      tls: { certFile: second.certFile, keyFile: second.keyFile },
      host: "127.0.0.1",
      port: 0,
      metrics: new WebhookMetrics(),
    });
    const pending = send(own.port, second.cert, "POST", "/mutate", review());
    while (own.inFlight === 0) await new Promise((r) => setTimeout(r, 10));
    const closed = own.close(10_000);
    expect((await send(own.port, second.cert, "GET", "/readyz").catch(() => ({ status: 0 }))).status).not.toBe(200);
    release();
    const reply = await pending;
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ response: { allowed: true, patchType: "JSONPatch" } });
    await closed;
    await expect(send(own.port, second.cert, "GET", "/healthz")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
