// `imagepin imageset create|verify` end to end: the built CLI against the real distribution registry,
// seeded as an air-gapped mirror of quay.io that renames images: the Installation says
// `registry: <mirror>/`, `imagePath: mirror/quay`, `imagePrefix: calico-`, so the operator pulls
// calico/node from `<mirror>/mirror/quay/calico-node`. The operator manifest is the corpus's real
// tigera-operator.yaml (operator v1.34.0), and the same file moved to operator v1.42.4. Digests are
// cross-checked with skopeo.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { releaseForOperator, variantImages } from "../../src/imageset/index.js";
import { runImagepin, tempTree, type TempTree } from "../harness/cli.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage, pushIndex, skopeoDigest } from "../harness/seed.js";

const corpusOperator = readFileSync(
  fileURLToPath(new URL("../fixtures/manifests/corpus/tigera-operator.yaml", import.meta.url)),
  "utf8",
);
const exampleList = fileURLToPath(new URL("../../examples/calico/print-images.txt", import.meta.url));
const current = variantImages(releaseForOperator("calico", "v1.42.4")!);
const old = variantImages(releaseForOperator("calico", "v1.34.0")!);
const listed = [
  ...new Set(
    readFileSync(exampleList, "utf8")
      .match(/^quay\.io\/calico\/[^:]+/gm)!
      .map((text) => text.slice("quay.io/".length)),
  ),
];
const enterpriseListed = readFileSync(exampleList, "utf8").match(/^quay\.io\/tigera\/(?!operator:)/gm)!.length;

interface ImageSetDocument {
  metadata: { name: string };
  spec: { images: { image: string; digest: string }[] };
}

const mirrorPath = (image: string) => `mirror/quay/calico-${image.split("/")[1]}`;
const yamlOf = (name: string, images: { image: string; digest: string }[]) =>
  `apiVersion: operator.tigera.io/v1\nkind: ImageSet\nmetadata:\n  name: ${name}\nspec:\n  images:\n${images.map(({ image, digest }) => `    - image: ${image}\n      digest: ${digest}\n`).join("")}`;

describe("imagepin imageset against a mirror that uses registry, imagePath and imagePrefix", () => {
  let registry: TestRegistry;
  let files: TempTree;
  const pushed = new Map<string, string>();
  let installation: string;
  let operator: string;
  // Asynchronous: the registry runs in this process's care, and its log pipe must keep draining.
  const imagepin = (args: string[], input?: string) =>
    runImagepin(args, { cwd: files.root, ...(input === undefined ? {} : { input }) });
  const created = () => parse(readFileSync(`${files.root}/set.yaml`, "utf8")) as ImageSetDocument;

  beforeAll(async () => {
    registry = await startRegistry();
    files = tempTree("imagepin-imageset-");
    const platforms = [
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64", variant: "v8" },
    ];
    pushed.set(
      "calico/node@v3.32.1",
      (await pushIndex(registry, mirrorPath("calico/node"), "v3.32.1", platforms, { seed: "node" })).digest,
    );
    for (const image of current.filter((name) => name !== "calico/node"))
      pushed.set(`${image}@v3.32.1`, (await pushImage(registry, mirrorPath(image), "v3.32.1", { seed: image })).digest);
    for (const image of listed)
      pushed.set(
        `${image}@v3.32.0`,
        (await pushImage(registry, `mirror/calico/${image.split("/")[1]}`, "v3.32.0", { seed: `${image}-0` })).digest,
      );
    for (const image of old)
      pushed.set(
        `${image}@v3.28.0`,
        (await pushImage(registry, mirrorPath(image), "v3.28.0", { seed: `${image}-old` })).digest,
      );
    for (const image of ["tigera/node", "tigera/typha"])
      pushed.set(
        `${image}@v3.23.1`,
        (await pushImage(registry, `mirror/tigera/${image.split("/")[1]}`, "v3.23.1", { seed: image })).digest,
      );
    installation = files.write(
      "custom-resources.yaml",
      `apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata:\n  name: default\nspec:\n  registry: ${registry.host}/\n  imagePath: mirror/quay\n  imagePrefix: calico-\n  calicoNetwork:\n    ipPools:\n      - cidr: 192.168.0.0/16\n---\napiVersion: operator.tigera.io/v1\nkind: APIServer\nmetadata:\n  name: default\nspec: {}\n`,
    );
    operator = files.write(
      "tigera-operator.yaml",
      corpusOperator.replace("quay.io/tigera/operator:v1.34.0", "quay.io/tigera/operator:v1.42.4"),
    );
    files.write("tigera-operator-v1.34.yaml", corpusOperator);
  }, 180_000);
  afterAll(async () => {
    await registry?.stop();
    files?.remove();
  });

  it("creates the operator's set from its manifest and the Installation alone, with the mirror's digests", async () => {
    const result = await imagepin([
      "imageset",
      "create",
      "--operator-manifest",
      operator,
      "--installation",
      installation,
      "-o",
      "set.yaml",
    ]);
    expect(result.stderr).toContain(`calico-v3.32.1: ${current.length} image(s) for Calico v3.32.1 (operator v1.42.4)`);
    expect(result.status).toBe(0);
    const document = created();
    expect(document.metadata.name).toBe("calico-v3.32.1");
    expect(document.spec.images.map((entry) => entry.image)).toEqual(current);
    for (const entry of document.spec.images)
      expect(entry.digest, entry.image).toBe(pushed.get(`${entry.image}@v3.32.1`));
    expect(await skopeoDigest(`${registry.host}/mirror/quay/calico-node:v3.32.1`)).toBe(
      document.spec.images.find((entry) => entry.image === "calico/node")!.digest,
    );
  });

  it("verifies the complete set: exit 0, nothing on standard output", async () => {
    const result = await imagepin([
      "imageset",
      "verify",
      "--operator-manifest",
      operator,
      "--installation",
      installation,
      "set.yaml",
    ]);
    expect(result.stderr).toContain(
      "set.yaml: ImageSet calico-v3.32.1 verified against Calico v3.32.1 (operator v1.42.4)",
    );
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });

  it("a partial set is accepted with warnings naming what needs each component; --complete fails it", async () => {
    const partial = created().spec.images.filter(({ image }) => !/windows|whisker|goldmane/.test(image));
    files.write("partial.yaml", yamlOf("calico-v3.32.1", partial));
    const result = await imagepin([
      "imageset",
      "verify",
      "--operator-manifest",
      operator,
      "--installation",
      installation,
      "partial.yaml",
    ]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe(
      "partial.yaml:7:5: warning: missing-component: calico/cni-windows is not in the set: it is needed by Windows nodes (spec.calicoNetwork.windowsDataplane: HNS), and the operator fails to roll out calico-node-windows without it; a component of every Calico release imagepin knows (v3.26.1 and later)",
    );
    expect(result.stdout).toContain(
      "calico/whisker is not in the set: it is needed by Whisker (a Whisker resource), and the operator fails to roll out whisker without it; a component since Calico v3.30.0 (operator v1.38.0)",
    );
    expect(result.stderr).toContain("5 warning(s)");
    const strict = await imagepin([
      "imageset",
      "verify",
      "--complete",
      "--operator-manifest",
      operator,
      "--installation",
      installation,
      "partial.yaml",
    ]);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain("partial.yaml:7:5: missing-component: calico/cni-windows");
    expect(strict.stderr).toContain("5 error(s)");
  });

  it("exits 1 for an unknown image, a bad digest and a digest the mirror does not have, each at its line", async () => {
    const images = created().spec.images.map((entry) =>
      entry.image === "calico/node"
        ? { ...entry, digest: `sha512:${"a".repeat(128)}` }
        : entry.image === "calico/typha"
          ? { ...entry, digest: `sha256:${"0".repeat(64)}` }
          : entry,
    );
    const text = yamlOf("calico-v3.32.1", [...images, { image: "calico/ctl", digest: `sha256:${"1".repeat(64)}` }]);
    files.write("broken.yaml", text);
    const result = await imagepin([
      "imageset",
      "verify",
      "--operator-manifest",
      operator,
      "--installation",
      installation,
      "broken.yaml",
    ]);
    expect(result.status).toBe(1);
    const lineOf = (image: string) => text.split("\n").findIndex((line) => line.endsWith(`image: ${image}`)) + 1;
    expect(result.stdout).toContain(
      `broken.yaml:${lineOf("calico/node") + 1}:15: invalid-digest: calico/node: digest "sha512:`,
    );
    expect(result.stdout).toContain(
      `broken.yaml:${lineOf("calico/typha") + 1}:15: digest-not-found: calico/typha: sha256:${"0".repeat(64)} does not exist at ${registry.host}/mirror/quay/calico-typha`,
    );
    expect(result.stdout).toContain(
      `broken.yaml:${lineOf("calico/ctl")}:14: unknown-image: calico/ctl is not an image Calico v3.32.1 (operator v1.42.4) knows, so it refuses the set`,
    );
    expect(result.stderr).toContain("3 error(s)");
  });

  it("exits 1 when no set has the name the operator looks for; an old set beside the right one is a note", async () => {
    const images = created().spec.images;
    files.write("old-name.yaml", yamlOf("calico-v3.32.0", images));
    const wrong = await imagepin([
      "imageset",
      "verify",
      "--operator-manifest",
      operator,
      "--installation",
      installation,
      "old-name.yaml",
    ]);
    expect(wrong.status).toBe(1);
    expect(wrong.stdout.trim()).toBe(
      "old-name.yaml:4:9: wrong-name: calico-v3.32.0: ImageSets of the calico variant exist but none is named calico-v3.32.1, so Calico v3.32.1 (operator v1.42.4) refuses to deploy",
    );
    files.write("upgrade.yaml", `${yamlOf("calico-v3.32.0", images)}---\n${yamlOf("calico-v3.32.1", images)}`);
    const upgrade = await imagepin([
      "imageset",
      "verify",
      "--operator-manifest",
      operator,
      "--installation",
      installation,
      "upgrade.yaml",
    ]);
    expect(upgrade.status).toBe(0);
    expect(upgrade.stdout.trim()).toBe(
      "upgrade.yaml:4:9: note: unused-set: calico-v3.32.0 is not used by Calico v3.32.1 (operator v1.42.4), which looks for calico-v3.32.1",
    );
  });

  it("ignores a set of the other variant: alone it pins nothing (exit 1), beside the right one it is a note", async () => {
    const enterprise = yamlOf(
      "enterprise-v3.23.1",
      ["tigera/node", "tigera/typha"].map((image) => ({ image, digest: pushed.get(`${image}@v3.23.1`)! })),
    );
    files.write("enterprise.yaml", enterprise);
    const alone = await imagepin([
      "imageset",
      "verify",
      "--variant",
      "calico",
      "--operator-manifest",
      operator,
      "--installation",
      installation,
      "enterprise.yaml",
    ]);
    expect(alone.status).toBe(1);
    expect(alone.stdout).toContain(
      "enterprise.yaml:4:9: other-variant: enterprise-v3.23.1 is a Calico Enterprise set: the operator ignores it for Calico, and with no calico-<release> set deploys Calico by tag",
    );
    files.write("both.yaml", `${enterprise}---\n${readFileSync(`${files.root}/set.yaml`, "utf8")}`);
    const both = await imagepin([
      "imageset",
      "verify",
      "--variant",
      "calico",
      "--operator-manifest",
      operator,
      "--installation",
      installation,
      "both.yaml",
    ]);
    expect(both.status).toBe(0);
    expect(both.stdout).toContain("note: other-variant: enterprise-v3.23.1");
    // Judged as Calico Enterprise instead, at the enterprise mirror path: a partial but valid set.
    const asEnterprise = await imagepin([
      "imageset",
      "verify",
      "--variant",
      "enterprise",
      "--version",
      "v3.23.1",
      "--registry",
      `${registry.host}/`,
      "--image-path",
      "mirror/tigera",
      "enterprise.yaml",
    ]);
    expect(asEnterprise.stderr).toContain("ImageSet enterprise-v3.23.1 verified against Calico Enterprise v3.23.1");
    expect(asEnterprise.status).toBe(0);
  });

  it("explicit flags override the Installation file", async () => {
    const elsewhere = files.write(
      "elsewhere.yaml",
      readFileSync(installation, "utf8").replace(`registry: ${registry.host}/`, "registry: registry.invalid/"),
    );
    const result = await imagepin([
      "imageset",
      "verify",
      "--offline",
      "--installation",
      elsewhere,
      "--image-prefix",
      "",
      "set.yaml",
    ]);
    expect(result.status).toBe(0);
    const fixed = await imagepin([
      "imageset",
      "verify",
      "--installation",
      elsewhere,
      "--registry",
      registry.host,
      "set.yaml",
    ]);
    expect(fixed.stderr).toContain("ImageSet calico-v3.32.1 verified");
    expect(fixed.status).toBe(0);
    const unprefixed = await imagepin([
      "imageset",
      "verify",
      "--installation",
      installation,
      "--image-prefix",
      "",
      "set.yaml",
    ]);
    expect(unprefixed.status).toBe(1);
    expect(unprefixed.stdout).toContain(`does not exist at ${registry.host}/mirror/quay/node`);
  });

  it("follows the v1.34 operator of the real tigera-operator.yaml: its registry rule (a missing / appended) and tigera/operator in the set", async () => {
    const withoutSlash = files.write(
      "no-slash.yaml",
      readFileSync(installation, "utf8").replace(`registry: ${registry.host}/`, `registry: ${registry.host}`),
    );
    const result = await imagepin([
      "imageset",
      "create",
      "--operator-manifest",
      "tigera-operator-v1.34.yaml",
      "--installation",
      withoutSlash,
      "-o",
      "old.yaml",
    ]);
    expect(result.status).toBe(0);
    const document = parse(readFileSync(`${files.root}/old.yaml`, "utf8")) as ImageSetDocument;
    expect(document.metadata.name).toBe("calico-v3.28.0");
    expect(document.spec.images.map((entry) => entry.image)).toContain("tigera/operator");
    for (const entry of document.spec.images)
      expect(entry.digest, entry.image).toBe(pushed.get(`${entry.image}@v3.28.0`));
    const verified = await imagepin([
      "imageset",
      "verify",
      "--operator-manifest",
      "tigera-operator-v1.34.yaml",
      "--installation",
      withoutSlash,
      "old.yaml",
    ]);
    expect(verified.status).toBe(0);
    // the same set for the v1.42 operator: it no longer knows tigera/operator, and looks for calico-v3.32.1
    const newer = await imagepin(["imageset", "verify", "--offline", "--operator-manifest", operator, "old.yaml"]);
    expect(newer.status).toBe(1);
    expect(newer.stdout).toContain("wrong-name: calico-v3.28.0");
  });

  it("creates from the operator's --print-images=list output too, and pins platform manifests with --platform", async () => {
    const result = await imagepin(
      ["imageset", "create", "--from", "-", "--registry", registry.host, "--image-path", "mirror/calico"],
      readFileSync(exampleList, "utf8"),
    );
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(
      "dropped quay.io/tigera/operator:v1.43.0: this operator does not accept it in an ImageSet",
    );
    expect(result.stderr).toContain(
      `dropped ${enterpriseListed} image(s) of the other variant (the set is for Calico v3.32.0 (operator v1.43.0))`,
    );
    expect(result.stderr).not.toContain("warning");
    const document = parse(result.stdout) as ImageSetDocument;
    expect(document.metadata.name).toBe("calico-v3.32.0");
    for (const entry of document.spec.images)
      expect(entry.digest, entry.image).toBe(pushed.get(`${entry.image}@v3.32.0`));
    const arm = await imagepin([
      "imageset",
      "create",
      "--operator-manifest",
      operator,
      "--installation",
      installation,
      "--platform",
      "linux/arm64",
      "calico/node:v3.32.1",
    ]);
    expect(arm.status).toBe(0);
    const node = (parse(arm.stdout) as ImageSetDocument).spec.images[0]!;
    expect(node.digest).not.toBe(pushed.get("calico/node@v3.32.1"));
    expect(node.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("writes nothing and exits 1 when an image is missing from the mirror", async () => {
    const gap = await imagepin([
      "imageset",
      "create",
      "--registry",
      registry.host,
      "--image-path",
      "mirror/empty",
      "-o",
      "never.yaml",
      "docker.io/calico/node:v3.32.1",
    ]);
    expect(gap.status).toBe(1);
    expect(gap.stderr).toMatch(/mirror\/empty\/node:v3\.32\.1.*not found/i);
    expect(gap.stderr).toContain("no ImageSet written");
    expect(() => readFileSync(`${files.root}/never.yaml`)).toThrow();
  });

  it("says what is wrong with the input: no list, an unknown operator, a version it contradicts, bad files", async () => {
    const empty = await imagepin(["imageset", "create", "--from", "-"], "# nothing here\n\n");
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain("standard input lists no image references");
    const unknown = await imagepin([
      "imageset",
      "create",
      "--operator-manifest",
      files.write("future.yaml", corpusOperator.replace("operator:v1.34.0", "operator:v1.99.0")),
    ]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("imagepin does not know which Calico release operator v1.99.0 deploys");
    expect(unknown.stderr).toContain("--version and --from");
    const contradicted = await imagepin([
      "imageset",
      "create",
      "--operator-manifest",
      operator,
      "--version",
      "v3.31.0",
    ]);
    expect(contradicted.status).toBe(2);
    expect(contradicted.stderr).toContain("operator v1.42.4 deploys Calico v3.32.1, not v3.31.0");
    const noInstallation = await imagepin(["imageset", "verify", "--installation", operator, "set.yaml"]);
    expect(noInstallation.status).toBe(2);
    expect(noInstallation.stderr).toContain("holds no Installation");
    const missing = await imagepin(["imageset", "verify", "absent.yaml"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*absent\.yaml: no such file or directory/);
  });

  it("--offline checks without the registry; online, an outage is said once, not once per image", async () => {
    await registry.pause();
    try {
      const offline = await imagepin([
        "imageset",
        "verify",
        "--offline",
        "--operator-manifest",
        operator,
        "--installation",
        installation,
        "set.yaml",
      ]);
      expect(offline.stderr).toContain("digests not checked (--offline)");
      expect(offline.status).toBe(0);
      const online = await imagepin([
        "imageset",
        "verify",
        "--timeout",
        "5",
        "--operator-manifest",
        operator,
        "--installation",
        installation,
        "set.yaml",
      ]);
      expect(online.status).toBe(1);
      const lines = online.stdout.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`registry-error: .*and ${current.length - 1} more image\\(s\\) not checked`));
    } finally {
      await registry.restart();
    }
  });
});
