// createImageSet: which images are kept, the release and name, where each is resolved. The in-memory
// resolver records where it was asked; the registry round trip is in test/integration/imageset-registry.test.ts.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fakeDigest, memoryResolver } from "../../test/support/test-resolver.js";
import { createImageSet } from "./create.js";
import { releaseForOperator, variantImages } from "./releases.js";

const calico3321 = variantImages(releaseForOperator("calico", "v1.42.4")!).map((image) => `quay.io/${image}:v3.32.1`);

describe("createImageSet", () => {
  it("keeps the release's calico components, drops the operator and the other variant, and sorts", async () => {
    const result = await createImageSet({
      references: [
        "quay.io/tigera/operator:v1.42.4",
        ...calico3321,
        "quay.io/tigera/node:v3.23.1",
        "quay.io/calico/cni:v3.32.1-fips",
        "quay.io/calico/ctl:v3.32.1",
      ],
      resolver: memoryResolver(),
    });
    expect(result).toMatchObject({
      name: "calico-v3.32.1",
      release: "Calico v3.32.1 (operator v1.42.4)",
      missing: [],
      failures: [],
    });
    expect(result.images.map((entry) => entry.image)).toEqual(variantImages(releaseForOperator("calico", "v1.42.4")!));
    expect(result.dropped).toEqual([
      {
        reference: "quay.io/tigera/operator:v1.42.4",
        kind: "operator",
        reason: expect.stringContaining("imagepin pin"),
      },
      {
        reference: "quay.io/tigera/node:v3.23.1",
        kind: "other-variant",
        reason: expect.stringContaining("other variant"),
      },
      {
        reference: "quay.io/calico/cni:v3.32.1-fips",
        kind: "duplicate",
        reason: "calico/cni is already in the set as quay.io/calico/cni:v3.32.1: one digest per image",
      },
      {
        reference: "quay.io/calico/ctl:v3.32.1",
        kind: "not-a-component",
        reason: "not a component of Calico v3.32.1 (operator v1.42.4)",
      },
    ]);
    const document = parse(result.yaml) as {
      metadata: { name: string };
      spec: { images: { image: string; digest: string }[] };
    };
    expect(document.metadata.name).toBe("calico-v3.32.1");
    expect(document.spec.images[0]).toEqual({
      image: "calico/apiserver",
      digest: fakeDigest("quay.io/calico/apiserver:v3.32.1"),
    });
  });

  it("lists the components itself from the operator release, at the release's default registry", async () => {
    const resolver = memoryResolver();
    const result = await createImageSet({ references: [], operator: "v1.36.16", resolver });
    expect(result.name).toBe("calico-v3.29.7");
    expect(resolver.calls).toContain("docker.io/calico/node:v3.29.7");
    expect(result.images).toHaveLength(variantImages(releaseForOperator("calico", "v1.36.16")!).length);
    const enterprise = await createImageSet({
      references: [],
      operator: "v1.40.15",
      variant: "enterprise",
      resolver: memoryResolver(),
    });
    expect(enterprise.name).toBe("enterprise-v3.22.7");
  });

  it("asks for --version when the operator release is unknown, and refuses a --version the operator contradicts", async () => {
    await expect(
      createImageSet({ references: [], operator: "v1.99.1", resolver: memoryResolver() }),
    ).rejects.toMatchObject({ code: "version-unknown", hint: expect.stringContaining("--version") });
    await expect(
      createImageSet({ references: [], operator: "v1.42.4", version: "v3.32.0", resolver: memoryResolver() }),
    ).rejects.toMatchObject({ code: "version-mismatch" });
    await expect(
      createImageSet({ references: calico3321, operator: "v1.42.3", resolver: memoryResolver() }),
    ).resolves.toMatchObject({ name: "calico-v3.32.1" });
    await expect(
      createImageSet({ references: calico3321, operator: "v1.42.0", resolver: memoryResolver() }),
    ).rejects.toMatchObject({ code: "version-mismatch" });
  });

  it("warns about a missing component with what needs it, as verify does", async () => {
    const result = await createImageSet({
      references: calico3321.filter((ref) => !ref.includes("-windows:")),
      resolver: memoryResolver(),
    });
    expect(result.missing.map((entry) => entry.image)).toEqual(["calico/cni-windows", "calico/node-windows"]);
    expect(result.missing[0]!.message).toMatch(/Windows nodes .* fails to roll out calico-node-windows without it/);
  });

  it("resolves where the Installation's registry, imagePath and imagePrefix send the operator", async () => {
    const resolver = memoryResolver();
    const result = await createImageSet({
      references: ["quay.io/calico/node:v3.32.1"],
      pull: { registry: "registry.example.com:5000/", imagePath: "mirror/quay", imagePrefix: "calico-" },
      resolver,
    });
    expect(resolver.calls).toEqual(["registry.example.com:5000/mirror/quay/calico-node:v3.32.1"]);
    expect(result.images[0]).toMatchObject({
      image: "calico/node",
      resolvedFrom: "registry.example.com:5000/mirror/quay/calico-node:v3.32.1",
    });
  });

  it("rejects tags that disagree, and digests from two registries", async () => {
    await expect(
      createImageSet({
        references: ["quay.io/calico/node:v3.32.1", "quay.io/calico/typha:v3.31.2"],
        resolver: memoryResolver(),
      }),
    ).rejects.toMatchObject({ code: "version-mismatch" });
    await expect(
      createImageSet({
        references: ["quay.io/calico/node:v3.32.1", "docker.io/calico/typha:v3.32.1"],
        resolver: memoryResolver(),
      }),
    ).rejects.toMatchObject({ code: "mixed-registries" });
    const merged = await createImageSet({
      references: ["quay.io/calico/node:v3.32.1", "docker.io/calico/typha:v3.32.1"],
      pull: { registry: "mirror.example.com" },
      resolver: memoryResolver(),
    });
    expect(merged.images.map((entry) => entry.resolvedFrom)).toEqual([
      "mirror.example.com/calico/node:v3.32.1",
      "mirror.example.com/calico/typha:v3.32.1",
    ]);
  });

  it("reports every image that cannot be resolved, and fails when nothing is a component", async () => {
    const result = await createImageSet({
      references: calico3321,
      resolver: memoryResolver({ missing: ["quay.io/calico/csi:v3.32.1", "quay.io/calico/webhooks:v3.32.1"] }),
    });
    expect(result.failures.map((failure) => [failure.reference, failure.code])).toEqual([
      ["quay.io/calico/csi:v3.32.1", "not-found"],
      ["quay.io/calico/webhooks:v3.32.1", "not-found"],
    ]);
    await expect(
      createImageSet({ references: ["quay.io/tigera/operator:v1.42.4"], resolver: memoryResolver() }),
    ).rejects.toMatchObject({ code: "no-images" });
  });

  it("keeps images of an unknown release's owner, with a warning", async () => {
    const result = await createImageSet({
      references: ["quay.io/calico/node:v3.99.0", "quay.io/calico/brand-new:v3.99.0"],
      resolver: memoryResolver(),
    });
    expect(result.images.map((entry) => entry.image)).toEqual(["calico/brand-new", "calico/node"]);
    expect(result.warnings[0]).toContain("no component list for Calico v3.99.0");
  });
});
