import { describe, expect, it } from "vitest";
import { krmResults, krmSettings } from "./krm.js";
import { pinFiles } from "./pin.js";
import { scanYaml } from "./yaml-scan.js";
import { fakeDigest, memoryResolver } from "../../test/support/test-resolver.js";

describe("krmSettings", () => {
  it("reads a ConfigMap's data and another kind's spec", () => {
    expect(krmSettings({ kind: "ConfigMap", data: { keepTag: "false", platform: "linux/arm64" } })).toEqual({ keepTag: false, platform: "linux/arm64" });
    expect(krmSettings({ kind: "PinConfig", spec: { keepTag: true } })).toEqual({ keepTag: true });
    expect(krmSettings({ kind: "PinConfig", metadata: { name: "pin" } })).toEqual({});
    expect(krmSettings(undefined)).toEqual({});
  });

  it("refuses unknown keys and wrong types", () => {
    expect(() => krmSettings({ kind: "PinConfig", spec: { keeptag: false } })).toThrow(expect.objectContaining({ code: "invalid-config" }));
    expect(() => krmSettings({ kind: "ConfigMap", data: { keepTag: "no" } })).toThrow(/keepTag/);
  });
});

describe("krmResults", () => {
  it("names each item by apiVersion, kind, name, namespace and the file it came from", async () => {
    const text = [
      "apiVersion: config.kubernetes.io/v1",
      "kind: ResourceList",
      "items:",
      "  - apiVersion: apps/v1",
      "    kind: Deployment",
      "    metadata:",
      "      name: web",
      "      namespace: shop",
      "      annotations: {internal.config.kubernetes.io/path: deploy/web.yaml, internal.config.kubernetes.io/index: '1'}",
      "    spec: {template: {spec: {containers: [{name: c, image: 'nginx:1.25'}]}}}",
      "  - apiVersion: v1",
      "    kind: Pod",
      "    metadata: {name: gone, annotations: {config.kubernetes.io/path: pod.yaml}}",
      "    spec: {containers: [{name: g, image: gone:1}]}",
      "",
    ].join("\n");
    const [pinned] = await pinFiles([scanYaml("stdin", text)], { resolver: memoryResolver({ missing: ["docker.io/library/gone:1"] }) });
    expect(krmResults(pinned!)).toEqual([
      { message: `pinned nginx:1.25 to nginx:1.25@${fakeDigest("docker.io/library/nginx:1.25")} (container c)`, severity: "info", resourceRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop" }, file: { path: "deploy/web.yaml", index: 1 } },
      { message: "cannot pin gone:1 (container g): docker.io/library/gone:1: not found", severity: "error", resourceRef: { apiVersion: "v1", kind: "Pod", name: "gone" }, file: { path: "pod.yaml" } },
    ]);
  });
});
