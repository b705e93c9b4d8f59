// ImageSet logic: which images are kept, how versions and registries are checked, where images are
// resolved. The resolver here only records what it was asked and answers from a table; the
// registry round trip is tested in test/integration/imageset.test.ts against the real registry.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseReference, type ImageReference } from "../reference/index.js";
import type { Resolution, Resolver } from "../resolve/types.js";
import { createImageSet, pullLocation, verifyImageSet } from "./index.js";

const digestOf = (text: string) => `sha256:${Buffer.from(text).toString("hex").padEnd(64, "0").slice(0, 64)}`;

function recordingResolver(missing: string[] = []): Resolver & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async resolve(reference: ImageReference): Promise<Resolution> {
      asked.push(reference.normalized);
      if (missing.some((name) => reference.normalized.includes(name))) throw Object.assign(new Error(`${reference.normalized} not found`), { code: "not-found" });
      const digest = reference.digest ?? digestOf(reference.path);
      return { reference, pinned: reference.withDigest(digest), digest, mediaType: "application/vnd.oci.image.index.v1+json", source: "fresh", resolvedAt: 0 };
    },
  };
}

const calico332 = ["apiserver", "cni", "cni-windows", "csi", "goldmane", "guardian", "key-cert-provisioner", "kube-controllers", "node", "node-windows", "node-driver-registrar", "pod2daemon-flexvol", "typha", "webhooks", "whisker", "whisker-backend", "envoy-proxy"].map(
  (name) => `quay.io/calico/${name}:v3.32.0`,
);

describe("createImageSet", () => {
  it("keeps the calico components, drops the operator and enterprise images, and sorts", async () => {
    const resolver = recordingResolver();
    const result = await createImageSet({ references: ["quay.io/tigera/operator:v1.43.0", ...calico332, "quay.io/tigera/cnx-node:v3.22.0"], resolver });
    expect(result.name).toBe("calico-v3.32.0");
    expect(result.images.map((entry) => entry.image)).toEqual([...calico332.map((ref) => parseReference(ref).path)].sort());
    expect(result.dropped.map((entry) => entry.reference)).toEqual(["quay.io/tigera/operator:v1.43.0", "quay.io/tigera/cnx-node:v3.22.0"]);
    expect(result.dropped[0]!.reason).toContain("imagepin pin");
    expect(result.missing).toEqual([]);
    expect(result.failures).toEqual([]);
    const document = parse(result.yaml) as { apiVersion: string; kind: string; metadata: { name: string }; spec: { images: { image: string; digest: string }[] } };
    expect(document).toMatchObject({ apiVersion: "operator.tigera.io/v1", kind: "ImageSet", metadata: { name: "calico-v3.32.0" } });
    expect(document.spec.images[0]).toEqual({ image: "calico/apiserver", digest: digestOf("calico/apiserver") });
  });

  it("names the enterprise set and keeps only tigera images", async () => {
    const result = await createImageSet({ references: ["quay.io/tigera/cnx-node:v3.22.0", "quay.io/tigera/typha:v3.22.0", "quay.io/calico/node:v3.32.0", "quay.io/tigera/operator:v1.43.0"], variant: "enterprise", resolver: recordingResolver() });
    expect(result.name).toBe("enterprise-v3.22.0");
    expect(result.images.map((entry) => entry.image)).toEqual(["tigera/cnx-node", "tigera/typha"]);
    expect(result.missing).toContain("tigera/cnx-apiserver");
  });

  it("warns about known components the list lacks", async () => {
    const result = await createImageSet({ references: calico332.filter((ref) => !ref.includes("/typha:")), resolver: recordingResolver() });
    expect(result.missing).toEqual(["calico/typha"]);
  });

  it("resolves at --registry and --image-path while the image field keeps the default name", async () => {
    const resolver = recordingResolver();
    const result = await createImageSet({ references: ["quay.io/calico/node:v3.32.0"], registry: "registry.example.com:5000/", imagePath: "mirror/calico", resolver });
    expect(resolver.asked).toEqual(["registry.example.com:5000/mirror/calico/node:v3.32.0"]);
    expect(result.images[0]).toMatchObject({ image: "calico/node", resolvedFrom: "registry.example.com:5000/mirror/calico/node:v3.32.0" });
  });

  it("rejects tags that disagree with each other or with --version", async () => {
    await expect(createImageSet({ references: ["quay.io/calico/node:v3.32.0", "quay.io/calico/typha:v3.31.2"], resolver: recordingResolver() })).rejects.toMatchObject({ code: "version-mismatch" });
    await expect(createImageSet({ references: ["quay.io/calico/node:v3.32.0"], version: "v3.32.1", resolver: recordingResolver() })).rejects.toMatchObject({ code: "version-mismatch" });
  });

  it("never mixes digests from two registries", async () => {
    await expect(createImageSet({ references: ["quay.io/calico/node:v3.32.0", "docker.io/calico/typha:v3.32.0"], resolver: recordingResolver() })).rejects.toMatchObject({ code: "mixed-registries" });
    const merged = await createImageSet({ references: ["quay.io/calico/node:v3.32.0", "docker.io/calico/typha:v3.32.0"], registry: "mirror.example.com", resolver: recordingResolver() });
    expect(merged.images.map((entry) => entry.resolvedFrom)).toEqual(["mirror.example.com/calico/node:v3.32.0", "mirror.example.com/calico/typha:v3.32.0"]);
  });

  it("reports every image that cannot be resolved", async () => {
    const result = await createImageSet({ references: calico332, resolver: recordingResolver(["calico/csi", "calico/webhooks"]) });
    expect(result.failures.map((failure) => [failure.reference, failure.code])).toEqual([
      ["quay.io/calico/csi:v3.32.0", "not-found"],
      ["quay.io/calico/webhooks:v3.32.0", "not-found"],
    ]);
  });

  it("fails clearly when nothing in the list belongs to the variant", async () => {
    await expect(createImageSet({ references: ["quay.io/tigera/operator:v1.43.0"], resolver: recordingResolver() })).rejects.toMatchObject({ code: "no-images" });
  });
});

describe("pullLocation", () => {
  it("replaces the registry, the owner, both, or nothing", () => {
    const ref = parseReference("quay.io/calico/node:v3.32.0");
    expect(pullLocation(ref).normalized).toBe("quay.io/calico/node:v3.32.0");
    expect(pullLocation(ref, "r.example.com/").normalized).toBe("r.example.com/calico/node:v3.32.0");
    expect(pullLocation(ref, undefined, "mirror").normalized).toBe("quay.io/mirror/node:v3.32.0");
    expect(pullLocation(ref, "r.example.com/team", "mirror").normalized).toBe("r.example.com/team/mirror/node:v3.32.0");
  });
});

describe("verifyImageSet", () => {
  const entries = (images: [string, string][]) => images.map(([image, digest]) => `    - image: ${image}\n      digest: ${digest}\n`).join("");
  const file = (name: string, images: [string, string][]) => `apiVersion: operator.tigera.io/v1\nkind: ImageSet\nmetadata:\n  name: ${name}\nspec:\n  images:\n${entries(images)}`;
  const all = calico332.map((ref) => parseReference(ref).path).map((image) => [image, digestOf(image)] as [string, string]);

  it("accepts a complete, well-formed set whose digests exist", async () => {
    expect(await verifyImageSet({ text: file("calico-v3.32.0", all), resolver: recordingResolver() })).toEqual([]);
  });

  it("reports each problem with its line", async () => {
    const broken = all.filter(([image]) => image !== "calico/typha").map(([image, digest]): [string, string] => (image === "calico/node" ? [image, "sha256:abc"] : [image, digest]));
    broken.push(["calico/ctl", digestOf("ctl")], ["tigera/operator", digestOf("op")]);
    const problems = await verifyImageSet({ text: file("calico-v3.32.0", broken), resolver: recordingResolver(["calico/cni@"]) });
    const codes = problems.map((problem) => `${problem.code}:${problem.image}`);
    expect(codes).toEqual(expect.arrayContaining(["invalid-digest:calico/node", "unknown-image:calico/ctl", "unknown-image:tigera/operator", "missing-component:calico/typha", "digest-not-found:calico/cni"]));
    expect(problems.find((problem) => problem.image === "calico/ctl")?.line).toBe(7 + 2 * broken.findIndex(([image]) => image === "calico/ctl"));
  });

  it("checks the name format and the document kind", async () => {
    expect((await verifyImageSet({ text: file("calico-3.32", all), resolver: recordingResolver() }))[0]).toMatchObject({ code: "invalid-name", line: 4 });
    expect((await verifyImageSet({ text: "kind: Pod\n", resolver: recordingResolver() }))[0]).toMatchObject({ code: "invalid-imageset" });
    expect((await verifyImageSet({ text: "a: [\n", resolver: recordingResolver() }))[0]).toMatchObject({ code: "invalid-imageset", line: expect.any(Number) });
  });
});
