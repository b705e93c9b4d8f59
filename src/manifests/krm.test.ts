import { parse } from "yaml";
import { describe, expect, it, vi } from "vitest";
import { krmResults, krmSettings, pinResourceList } from "./krm.js";
import { pinFiles } from "./pin.js";
import { scanYaml } from "./yaml-scan.js";
import { fakeDigest, memoryResolver } from "../../test/support/test-resolver.js";

// Counts the YAML parses of the code under test: a ResourceList is parsed once.
const parses = vi.hoisted(() => ({ count: 0 }));
vi.mock("yaml", async (importOriginal) => {
  const yaml = await importOriginal<typeof import("yaml")>();
  return {
    ...yaml,
    parseDocument: (...args: Parameters<typeof yaml.parseDocument>) => (parses.count++, yaml.parseDocument(...args)),
    parseAllDocuments: (...args: Parameters<typeof yaml.parseAllDocuments>) => (
      parses.count++,
      yaml.parseAllDocuments(...args)
    ),
  };
});

describe("krmSettings", () => {
  it("reads a ConfigMap's data and another kind's spec", () => {
    expect(krmSettings({ kind: "ConfigMap", data: { keepTag: "false", platform: "linux/arm64" } })).toEqual({
      keepTag: false,
      platform: "linux/arm64",
    });
    expect(krmSettings({ kind: "PinConfig", spec: { keepTag: true } })).toEqual({ keepTag: true });
    expect(krmSettings({ kind: "PinConfig", metadata: { name: "pin" } })).toEqual({});
    expect(krmSettings(undefined)).toEqual({});
  });

  it("refuses unknown keys and wrong types", () => {
    expect(() => krmSettings({ kind: "PinConfig", spec: { keeptag: false } })).toThrow(
      expect.objectContaining({ code: "invalid-config" }),
    );
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
    const [pinned] = await pinFiles([scanYaml("stdin", text)], {
      resolver: memoryResolver({ missing: ["docker.io/library/gone:1"] }),
    });
    expect(krmResults(pinned!)).toEqual([
      {
        message: `resolved nginx:1.25 to nginx:1.25@${fakeDigest("docker.io/library/nginx:1.25")}, left unpinned because another image failed (container c)`,
        severity: "info",
        resourceRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop" },
        field: { path: "spec.template.spec.containers[0].image" },
        file: { path: "deploy/web.yaml", index: 1 },
      },
      {
        message: "cannot pin gone:1 (container g): not found",
        severity: "error",
        resourceRef: { apiVersion: "v1", kind: "Pod", name: "gone" },
        field: { path: "spec.containers[0].image" },
        file: { path: "pod.yaml" },
      },
    ]);
  });
});

describe("pinResourceList", () => {
  const list = (image: string, config = "") =>
    [
      "apiVersion: config.kubernetes.io/v1",
      "kind: ResourceList",
      "items:",
      "  - apiVersion: v1",
      "    kind: Pod",
      "    metadata: {name: hello, annotations: {internal.config.kubernetes.io/path: pod.yaml}}",
      "    spec:",
      "      containers:",
      "        - name: c",
      `          image: '${image}' # quoted`,
      ...(config ? ["functionConfig:", "  kind: PinConfig", "  spec:", `    ${config}`] : []),
      "results:",
      "  - {message: earlier, severity: info}",
      "",
    ].join("\n");

  it("parses the ResourceList once, pins its items and appends the results", async () => {
    parses.count = 0;
    const pinned = await pinResourceList(list("nginx:1.25"), { resolver: memoryResolver() });
    expect(parses.count).toBe(1);
    const digest = fakeDigest("docker.io/library/nginx:1.25");
    expect(pinned.output).toContain(`image: 'nginx:1.25@${digest}' # quoted`);
    expect(parse(pinned.output).results).toEqual([
      { message: "earlier", severity: "info" },
      {
        message: `pinned nginx:1.25 to nginx:1.25@${digest} (container c)`,
        severity: "info",
        resourceRef: { apiVersion: "v1", kind: "Pod", name: "hello" },
        field: { path: "spec.containers[0].image" },
        file: { path: "pod.yaml" },
      },
    ]);
  });

  it("takes keepTag and platform from the functionConfig unless the options set them", async () => {
    const digest = fakeDigest("docker.io/library/nginx:1.25");
    expect(
      (await pinResourceList(list("nginx:1.25", "keepTag: false"), { resolver: memoryResolver() })).output,
    ).toContain(`image: 'nginx@${digest}'`);
    expect(
      (await pinResourceList(list("nginx:1.25", "keepTag: false"), { resolver: memoryResolver(), keepTag: true }))
        .output,
    ).toContain(`image: 'nginx:1.25@${digest}'`);
    await expect(
      pinResourceList(list("nginx:1.25", "platform: linux"), { resolver: memoryResolver() }),
    ).rejects.toMatchObject({ code: "invalid-config", message: expect.stringMatching(/^functionConfig: platform: /) });
  });

  it("leaves every item as it came when an image fails, and says why", async () => {
    const text = list("gone:1");
    const pinned = await pinResourceList(text, { resolver: memoryResolver({ missing: ["docker.io/library/gone:1"] }) });
    expect(parse(pinned.output).items).toEqual(parse(text).items);
    expect(pinned.results).toMatchObject([
      { severity: "error", message: "cannot pin gone:1 (container c): not found" },
    ]);
  });

  it("pins a Kustomization item, whose digest is a field added beside newTag", async () => {
    const text =
      "kind: ResourceList\nitems:\n  - apiVersion: kustomize.config.k8s.io/v1beta1\n    kind: Kustomization\n    images:\n      - name: nginx\n        newTag: '1.25'\n";
    const pinned = await pinResourceList(text, { resolver: memoryResolver() });
    expect(parse(pinned.output).items[0].images).toEqual([
      { name: "nginx", newTag: "1.25", digest: fakeDigest("docker.io/library/nginx:1.25") },
    ]);
  });

  it("writes results without anchors or aliases when one item has several images (kpt refuses aliases)", async () => {
    const text = [
      "apiVersion: config.kubernetes.io/v1",
      "kind: ResourceList",
      "items:",
      "- # the web deployment",
      "  apiVersion: apps/v1",
      "  kind: Deployment",
      "  metadata: {name: web, annotations: {internal.config.kubernetes.io/path: 'web.yaml'}}",
      "  spec:",
      "    template:",
      "      spec:",
      "        containers:",
      "        - name: a",
      "          image: nginx:1.25 # front",
      "        - name: b",
      "          image: redis:7",
      "",
    ].join("\n");
    const pinned = await pinResourceList(text, { resolver: memoryResolver() });
    expect(pinned.output).not.toMatch(/[&*]a\d/);
    const nginx = `nginx:1.25@${fakeDigest("docker.io/library/nginx:1.25")}`;
    const redis = `redis:7@${fakeDigest("docker.io/library/redis:7")}`;
    // Every byte of the items as it came, but for the image values; the results appended after them.
    expect(
      pinned.output.startsWith(text.replace("nginx:1.25 #", `${nginx} #`).replace("redis:7\n", `${redis}\n`)),
    ).toBe(true);
    expect(parse(pinned.output).results).toEqual([
      {
        message: `pinned nginx:1.25 to ${nginx} (container a)`,
        severity: "info",
        resourceRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        field: { path: "spec.template.spec.containers[0].image" },
        file: { path: "web.yaml" },
      },
      {
        message: `pinned redis:7 to ${redis} (container b)`,
        severity: "info",
        resourceRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        field: { path: "spec.template.spec.containers[1].image" },
        file: { path: "web.yaml" },
      },
    ]);
  });

  it("replaces the results the input carried where they were, keeping their entries first", async () => {
    const text =
      "kind: ResourceList\nresults: [{message: earlier, severity: info}] # kept\nitems:\n- kind: Pod\n  metadata: {name: p}\n  spec: {containers: [{name: c, image: 'nginx:1.25'}]}\n";
    const pinned = await pinResourceList(text, { resolver: memoryResolver() });
    expect(pinned.output).toMatch(
      /^kind: ResourceList\nresults:\n- message: earlier\n {2}severity: info\n- message: pinned nginx:1.25 .*\n(.*\n)*.* # kept\nitems:\n- kind: Pod\n/,
    );
    expect(parse(pinned.output).items[0].spec.containers[0].image).toBe(
      `nginx:1.25@${fakeDigest("docker.io/library/nginx:1.25")}`,
    );
  });

  it("refuses what is not a ResourceList, and says where YAML breaks", async () => {
    await expect(pinResourceList("kind: Pod\n", {})).rejects.toMatchObject({
      code: "invalid-resource-list",
      message: "standard input is not a KRM ResourceList (kind: ResourceList with items)",
    });
    await expect(pinResourceList("kind: ResourceList\nitems:\n  - image: [unclosed\n", {})).rejects.toMatchObject({
      message: expect.stringMatching(/^standard input: malformed YAML at line 3: Flow sequence/),
    });
  });
});
