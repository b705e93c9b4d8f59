import { describe, expect, it } from "vitest";
import { scanText } from "../manifests/index.js";
import type { ImageReference } from "../reference/index.js";
import { fakeDigest, memoryResolver } from "../../test/support/test-resolver.js";
import { verifyFiles } from "./verify.js";

const old = fakeDigest("docker.io/library/nginx:1.25");
const moved = fakeDigest("docker.io/library/nginx:1.25#2");
const pod = (image: string) =>
  scanText(
    "pod.yaml",
    `kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: ${image}  # keep\n`,
  );

describe("verifyFiles", () => {
  it("passes a pin whose digest exists and whose tag has not moved", async () => {
    const result = await verifyFiles([pod(`nginx:1.25@${old}`)], { resolver: memoryResolver() });
    expect(result.findings).toEqual([]);
  });

  it("reports a digest that does not exist", async () => {
    const result = await verifyFiles([pod(`nginx@${old}`)], { resolver: memoryResolver({ missing: [old] }) });
    expect(result.findings).toMatchObject([
      { rule: "digest-not-found", severity: "error", line: 6, column: 14, container: "c" },
    ]);
  });

  it("reports a moved tag and with update rewrites only the digest", async () => {
    const resolver = memoryResolver({ moved: ["docker.io/library/nginx:1.25"] });
    const report = await verifyFiles([pod(`nginx:1.25@${old}`)], { resolver });
    expect(report.findings).toMatchObject([{ rule: "tag-moved", severity: "warning" }]);
    expect(report.updated).toEqual([]);
    const file = pod(`nginx:1.25@${old}`);
    const updated = await verifyFiles([file], { resolver, update: true });
    expect(updated.findings).toMatchObject([{ rule: "tag-moved", severity: "note" }]);
    expect(updated.updated[0]!.output).toBe(file.text.replace(old, moved));
  });

  it("keeps a pinned platform manifest on its platform when the index moves", async () => {
    const arm = "sha256:" + "a".repeat(64);
    const amd = "sha256:" + "b".repeat(64);
    const resolver = memoryResolver({
      moved: ["docker.io/library/nginx:1.25"],
      indexes: {
        [moved]: [
          { digest: amd, mediaType: "m", platform: { os: "linux", architecture: "amd64" } },
          { digest: arm, mediaType: "m", platform: { os: "linux", architecture: "arm64" } },
        ],
      },
    });
    const file = pod(`nginx:1.25@${old}`);
    const result = await verifyFiles([file], {
      resolver,
      update: true,
      platform: { os: "linux", architecture: "arm64" },
    });
    expect(result.updated[0]!.output).toBe(file.text.replace(old, arm));
    const unknown = await verifyFiles([file], { resolver, update: true });
    expect(unknown.updated).toEqual([]);
    expect(unknown.findings[0]!.message).toContain("--platform");
  });

  it("follows the variant asked for, an arm entry without one being arm/v7", async () => {
    const v7 = "sha256:" + "7".repeat(64);
    const v6 = "sha256:" + "6".repeat(64);
    const resolver = memoryResolver({
      moved: ["docker.io/library/nginx:1.25"],
      indexes: {
        [moved]: [
          { digest: v7, mediaType: "m", platform: { os: "linux", architecture: "arm" } },
          { digest: v6, mediaType: "m", platform: { os: "linux", architecture: "arm", variant: "v6" } },
        ],
      },
    });
    const file = pod(`nginx:1.25@${old}`);
    const result = await verifyFiles([file], {
      resolver,
      update: true,
      platform: { os: "linux", architecture: "arm", variant: "v6" },
    });
    expect(result.updated[0]!.output).toBe(file.text.replace(old, v6));
  });

  it("accepts a platform manifest that is still in the tag's index", async () => {
    const arm = "sha256:" + "c".repeat(64);
    const resolver = memoryResolver({
      indexes: { [old]: [{ digest: arm, mediaType: "m", platform: { os: "linux", architecture: "arm64" } }] },
    });
    const result = await verifyFiles([pod(`nginx:1.25@${arm}`)], { resolver });
    expect(result.findings).toEqual([]);
  });

  it("reads the entries of the index whose digest it compared, by that digest", async () => {
    const arm = "sha256:" + "d".repeat(64);
    const base = memoryResolver({
      moved: ["docker.io/library/nginx:1.25"],
      indexes: { [moved]: [{ digest: arm, mediaType: "m", platform: { os: "linux", architecture: "arm64" } }] },
    });
    const asked: string[] = [];
    const resolver = {
      ...base,
      indexEntries: async (reference: ImageReference) => (
        asked.push(reference.normalized),
        base.indexEntries!(reference)
      ),
    };
    const result = await verifyFiles([pod(`nginx:1.25@${arm}`)], { resolver });
    expect(result.findings).toEqual([]);
    expect(asked).toEqual([`docker.io/library/nginx:1.25@${moved}`]);
  });

  it("checks every pinned image at once, leaving the limit to the registry transport", async () => {
    const base = memoryResolver();
    let inFlight = 0;
    let most = 0;
    const resolver = {
      ...base,
      resolve: async (reference: ImageReference) => {
        most = Math.max(most, ++inFlight);
        await new Promise((settle) => setTimeout(settle, 5));
        inFlight--;
        return base.resolve(reference);
      },
    };
    const images = Array.from({ length: 20 }, (_, index) => `{image: "app${index}@${old}"}`).join(", ");
    const result = await verifyFiles([scanText("p.yaml", `kind: Pod\nspec:\n  containers: [${images}]\n`)], {
      resolver,
    });
    expect(result.findings).toEqual([]);
    expect(most).toBe(20);
  });

  it("updates a Dockerfile FROM built from an ARG without writing the ARG's value into it", async () => {
    const text = `ARG TAG=1.25\nFROM nginx:\${TAG}@${old}\n`;
    const resolver = memoryResolver({ moved: ["docker.io/library/nginx:1.25"] });
    const result = await verifyFiles([scanText("Dockerfile", text)], { resolver, update: true });
    expect(result.findings).toMatchObject([{ rule: "tag-moved", image: `nginx:1.25@${old}` }]);
    expect(result.updated[0]!.output).toBe(text.replace(old, moved));
  });

  it("updates a Kustomize digest field in place", async () => {
    const text = `images:\n  - name: nginx\n    newTag: "1.25"\n    digest: ${old}\n`;
    const resolver = memoryResolver({ moved: ["docker.io/library/nginx:1.25"] });
    const result = await verifyFiles([scanText("kustomization.yaml", text)], { resolver, update: true });
    expect(result.updated[0]!.output).toBe(text.replace(old, moved));
  });
});
