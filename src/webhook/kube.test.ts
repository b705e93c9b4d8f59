import { describe, expect, it } from "vitest";
import type { Keychain } from "../credentials/types.js";
import type { Resolver } from "../resolve/types.js";
import { eventObject, kubeEventSink, podCredentialsLookup, type KubeReader } from "./kube.js";
import type { FallbackEvent } from "./review.js";

function reader() {
  const calls: string[] = [];
  const secrets: Record<string, { metadata: { resourceVersion: string } }> = {
    "team/pod-secret": { metadata: { resourceVersion: "1" } },
    "team/sa-secret": { metadata: { resourceVersion: "7" } },
  };
  const fake: KubeReader = {
    async getSecret(namespace, name) {
      calls.push(`get secret ${namespace}/${name}`);
      return secrets[`${namespace}/${name}`];
    },
    async getServiceAccount(namespace, name) {
      calls.push(`get sa ${namespace}/${name}`);
      return name === "builder" ? { imagePullSecrets: [{ name: "sa-secret" }, { name: "missing" }] } : {};
    },
  };
  return { fake, calls, secrets };
}

const keychain: Keychain = { candidates: async () => [] };
const resolver: Resolver = { resolve: async () => Promise.reject(new Error("unused")) };

describe("podCredentialsLookup", () => {
  it("gets the Pod's and its ServiceAccount's named secrets, skipping missing ones, and caches them", async () => {
    const { fake, calls } = reader();
    const built: unknown[][] = [];
    const lookup = podCredentialsLookup({
      reader: fake,
      keychainFromSecrets: (s) => (built.push(s), keychain),
      resolverFor: () => resolver,
      clock: () => 0,
    });
    const spec = { serviceAccountName: "builder", imagePullSecrets: [{ name: "pod-secret" }] };
    const first = await lookup("team", spec, new AbortController().signal);
    expect(first?.resolver).toBe(resolver);
    expect(calls).toEqual([
      "get sa team/builder",
      "get secret team/pod-secret",
      "get secret team/sa-secret",
      "get secret team/missing",
    ]);
    expect(built).toHaveLength(1);
    expect(built[0]).toHaveLength(2);
    const second = await lookup("team", spec, new AbortController().signal);
    expect(second).toBe(first);
    expect(calls).toHaveLength(4);
  });

  it("returns undefined for a Pod without pull secrets, using the default ServiceAccount", async () => {
    const { fake, calls } = reader();
    const lookup = podCredentialsLookup({
      reader: fake,
      keychainFromSecrets: () => keychain,
      resolverFor: () => resolver,
    });
    expect(await lookup("team", {}, new AbortController().signal)).toBeUndefined();
    expect(calls).toEqual(["get sa team/default"]);
  });
});

const event: FallbackEvent = {
  namespace: "team",
  name: "web-…",
  kind: "Pod",
  label: "containers/web",
  reference: "docker.io/library/nginx:1.25",
  digest: `sha256:${"a".repeat(64)}`,
  resolvedAt: 0,
  reason: { code: "unreachable", message: "connection refused" },
};

describe("kubeEventSink", () => {
  it("records one Warning event per namespace and reference per window", async () => {
    const created: { namespace: string; body: Record<string, unknown> }[] = [];
    let now = 1_000_000;
    const sink = kubeEventSink({
      writer: { createEvent: async (namespace, body) => void created.push({ namespace, body }) },
      instance: "webhook-0",
      clock: () => now,
    });
    sink.fallbackUsed(event);
    sink.fallbackUsed(event);
    sink.fallbackUsed({ ...event, reference: "docker.io/library/redis:7" });
    now += 61_000;
    sink.fallbackUsed(event);
    await Promise.resolve();
    expect(created).toHaveLength(3);
    expect(created[0]?.body).toMatchObject({
      reason: "DigestFallback",
      type: "Warning",
      involvedObject: { kind: "Pod", namespace: "team", name: "web-" },
      reportingInstance: "webhook-0",
    });
  });

  it("never throws when the API fails", async () => {
    const sink = kubeEventSink({
      writer: { createEvent: async () => Promise.reject(new Error("forbidden")) },
      instance: "x",
    });
    expect(() => sink.fallbackUsed(event)).not.toThrow();
    await new Promise((r) => setTimeout(r, 0));
  });

  it("says which digest was used and why", () => {
    expect(String(eventObject(event, "x", new Date(0)).message)).toContain("unreachable: connection refused");
  });
});
