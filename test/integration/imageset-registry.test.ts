// `imagepin imageset create|verify` end to end: the built CLI against the real distribution registry,
// seeded with calico/* and tigera/* images under a private-registry layout with an image path, as an
// air-gapped mirror of quay.io would hold them. Digests are cross-checked with skopeo.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImagepinSync } from "../harness/cli.js";
import { parse } from "yaml";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage, pushIndex, skopeoDigest } from "../harness/seed.js";

const exampleList = fileURLToPath(new URL("../../examples/calico/print-images.txt", import.meta.url));
const calicoImages = readFileSync(exampleList, "utf8")
  .split("\n")
  .map((line) => /^quay\.io\/(calico\/[^:]+):/.exec(line.trim())?.[1])
  .filter((name): name is string => Boolean(name));
const platforms = [
  { os: "linux", architecture: "amd64" },
  { os: "linux", architecture: "arm64", variant: "v8" },
];

interface ImageSetDocument {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { images: { image: string; digest: string }[] };
}

describe("imagepin imageset against a private registry with an image path", () => {
  let registry: TestRegistry;
  let work: string;
  const pushed = new Map<string, string>();

  const imagepin = (args: string[], input?: string) => runImagepinSync(args, input === undefined ? {} : { input });

  beforeAll(async () => {
    registry = await startRegistry();
    work = mkdtempSync(join(tmpdir(), "imagepin-imageset-"));
    for (const image of calicoImages) {
      const name = image.replace(/^calico\//, "");
      const index = await pushIndex(registry, `mirror/calico/${name}`, "v3.32.0", platforms, { seed: name });
      pushed.set(image, index.digest);
    }
    for (const image of ["cnx-node", "cnx-apiserver", "typha"]) {
      pushed.set(`tigera/${image}`, (await pushImage(registry, `mirror/tigera/${image}`, "v3.22.0", { seed: image })).digest);
    }
  }, 120_000);
  afterAll(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("creates calico-v3.32.0 from the operator's image list with the mirror's digests", async () => {
    const output = join(work, "imageset.yaml");
    const result = imagepin(["imageset", "create", "--from", exampleList, "--registry", registry.host, "--image-path", "mirror/calico", "-o", output]);
    expect(result.stderr).toContain("dropped quay.io/tigera/operator:v1.43.0");
    expect(result.status).toBe(0);
    const document = parse(readFileSync(output, "utf8")) as ImageSetDocument;
    expect(document).toMatchObject({ apiVersion: "operator.tigera.io/v1", kind: "ImageSet", metadata: { name: "calico-v3.32.0" } });
    const names = document.spec.images.map((entry) => entry.image);
    expect(names).toEqual([...calicoImages].sort());
    for (const entry of document.spec.images) expect(entry.digest, entry.image).toBe(pushed.get(entry.image));
    expect(new Set(document.spec.images.map((entry) => entry.digest)).size).toBe(calicoImages.length);
    const node = `${registry.host}/mirror/calico/node:v3.32.0`;
    expect(await skopeoDigest(node)).toBe(document.spec.images.find((entry) => entry.image === "calico/node")!.digest);

    const verified = imagepin(["imageset", "verify", "--registry", registry.host, "--image-path", "mirror/calico", output]);
    expect(verified.stderr).toContain("ImageSet verified");
    expect(verified.status).toBe(0);
  });

  it("reads the list from standard input and pins platform manifests with --platform", () => {
    const list = readFileSync(exampleList, "utf8");
    const result = imagepin(["imageset", "create", "--from", "-", "--registry", registry.host, "--image-path", "mirror/calico", "--platform", "linux/arm64"], list);
    expect(result.status).toBe(0);
    const document = parse(result.stdout) as ImageSetDocument;
    const node = document.spec.images.find((entry) => entry.image === "calico/node")!;
    expect(node.digest).not.toBe(pushed.get("calico/node"));
    expect(node.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("builds the enterprise set from tigera images and warns about the components the list lacks", () => {
    const result = imagepin(["imageset", "create", "--variant", "enterprise", "--registry", registry.host, "--image-path", "mirror/tigera", "quay.io/tigera/cnx-node:v3.22.0", "quay.io/tigera/typha:v3.22.0", "docker.io/calico/node:v3.32.0"]);
    expect(result.status).toBe(0);
    const document = parse(result.stdout) as ImageSetDocument;
    expect(document.metadata.name).toBe("enterprise-v3.22.0");
    expect(document.spec.images).toEqual([
      { image: "tigera/cnx-node", digest: pushed.get("tigera/cnx-node") },
      { image: "tigera/typha", digest: pushed.get("tigera/typha") },
    ]);
    expect(result.stderr).toContain("dropped docker.io/calico/node:v3.32.0");
    expect(result.stderr).toMatch(/tigera\/cnx-apiserver is not in the list/);
  });

  it("writes nothing and exits 1 when an image is missing from the registry", () => {
    const output = join(work, "never.yaml");
    // an image that is not a component of the release is dropped with a word, not fatal
    const unknown = imagepin(["imageset", "create", "--registry", registry.host, "--image-path", "mirror/calico", "docker.io/calico/node:v3.32.0", "docker.io/calico/goldmane-absent:v3.32.0"]);
    expect(unknown.status).toBe(0);
    expect(unknown.stderr).toContain("dropped docker.io/calico/goldmane-absent:v3.32.0");
    const gap = imagepin(["imageset", "create", "--registry", registry.host, "--image-path", "mirror/empty", "-o", output, "docker.io/calico/node:v3.32.0"]);
    expect(gap.status).toBe(1);
    expect(gap.stderr).toMatch(/mirror\/empty\/node:v3\.32\.0.*not found|not-found/i);
    expect(gap.stderr).toContain("no ImageSet written");
    expect(() => readFileSync(output)).toThrow();
  });

  it("says what is wrong with the input: an empty list, a missing file", () => {
    const empty = imagepin(["imageset", "create", "--from", "-"], "# nothing here\n\n");
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain("standard input lists no image references");
    for (const args of [["imageset", "create", "--from", join(work, "absent.txt")], ["imageset", "verify", join(work, "absent.yaml")]]) {
      const missing = imagepin(args);
      expect(missing.status).toBe(2);
      expect(missing.stderr).toMatch(/cannot read .*absent\.(txt|yaml): no such file or directory/);
    }
    const unwritable = join(work, "no-such-dir", "imageset.yaml");
    const write = imagepin(["imageset", "create", "--registry", registry.host, "--image-path", "mirror/calico", "-o", unwritable, "quay.io/calico/node:v3.32.0"]);
    expect(write.status).toBe(2);
    expect(write.stderr).toContain(`cannot write ${unwritable}: no such file or directory`);
  });

  it("refuses a --version that does not match the tags", () => {
    const result = imagepin(["imageset", "create", "--version", "v3.31.0", "--registry", registry.host, "--image-path", "mirror/calico", "docker.io/calico/node:v3.32.0"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/version v3\.31\.0 does not match/);
  });

  it("verify reports a digest the registry does not have, with its line", () => {
    const file = join(work, "wrong.yaml");
    const good = parse(imagepin(["imageset", "create", "--from", exampleList, "--registry", registry.host, "--image-path", "mirror/calico"]).stdout) as ImageSetDocument;
    const wrong = "sha256:" + "0".repeat(64);
    const text = `apiVersion: operator.tigera.io/v1\nkind: ImageSet\nmetadata:\n  name: calico-v3.32.0\nspec:\n  images:\n${good.spec.images
      .map((entry) => `  - image: ${entry.image}\n    digest: ${entry.image === "calico/typha" ? wrong : entry.digest}`)
      .join("\n")}\n`;
    writeFileSync(file, text);
    const result = imagepin(["imageset", "verify", "--registry", registry.host, "--image-path", "mirror/calico", file]);
    expect(result.status).toBe(1);
    const typhaLine = text.split("\n").findIndex((line) => line.includes("calico/typha")) + 1;
    expect(result.stdout).toMatch(new RegExp(`wrong\\.yaml:${typhaLine + 1}:\\d+: digest-not-found: .*calico/typha`));
  });

  it("verify says once that the registry cannot be reached, not once per image", async () => {
    const file = join(work, "outage.yaml");
    writeFileSync(file, imagepin(["imageset", "create", "--from", exampleList, "--registry", registry.host, "--image-path", "mirror/calico"]).stdout);
    await registry.pause();
    try {
      const result = imagepin(["imageset", "verify", "--registry", registry.host, "--image-path", "mirror/calico", "--timeout", "5", file]);
      expect(result.status).toBe(1);
      const lines = result.stdout.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`registry-error: .*and ${calicoImages.length - 1} more image\\(s\\) not checked`));
    } finally {
      await registry.restart();
    }
  });
});
