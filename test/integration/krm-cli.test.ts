// `imagepin krm` as Kustomize and kpt run it: a real ResourceList (examples/krm/resource-list.yaml)
// piped through the built CLI, resolved at the real registry, and offline from a lock file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImagepinSync } from "../harness/cli.js";
import { parse } from "yaml";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushIndex } from "../harness/seed.js";

const example = readFileSync(fileURLToPath(new URL("../../examples/krm/resource-list.yaml", import.meta.url)), "utf8");

interface ResourceList {
  kind: string;
  items: { spec: { containers: { image: string }[] }; metadata: { annotations: Record<string, string> } }[];
  results: { message: string; severity: string; resourceRef?: { kind: string; name: string } }[];
}

const krm = (args: string[], input: string) => runImagepinSync(["krm", ...args], { input });

describe("imagepin krm", () => {
  let registry: TestRegistry;
  let work: string;
  let digest = "";
  let input = "";

  beforeAll(async () => {
    registry = await startRegistry();
    work = mkdtempSync(join(tmpdir(), "imagepin-krm-"));
    digest = (await pushIndex(registry, "demo/nginx", "1.25", [{ os: "linux", architecture: "amd64" }])).digest;
    input = example.replaceAll("localhost:5000", registry.host);
  }, 120_000);
  afterAll(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("pins the items of a ResourceList and reports what it did", () => {
    const result = krm([], input);
    expect(result.status, result.stderr).toBe(0);
    const list = parse(result.stdout) as ResourceList;
    expect(list.kind).toBe("ResourceList");
    expect(list.items[0]!.spec.containers[0]!.image).toBe(`${registry.host}/demo/nginx:1.25@${digest}`);
    expect(list.items[0]!.metadata.annotations["internal.config.kubernetes.io/path"]).toBe("pod.yaml");
    expect(list.results).toEqual([
      {
        message: `pinned ${registry.host}/demo/nginx:1.25 to ${registry.host}/demo/nginx:1.25@${digest} (container hello)`,
        severity: "info",
        resourceRef: { apiVersion: "v1", kind: "Pod", name: "hello" },
        field: { path: "spec.containers[0].image" },
        file: { path: "pod.yaml", index: 0 },
      },
    ]);
  });

  it("keeps items unchanged and exits 1 with an error result when an image cannot be resolved", () => {
    const result = krm([], input.replace("demo/nginx:1.25", "demo/missing:1"));
    expect(result.status).toBe(1);
    const list = parse(result.stdout) as ResourceList;
    expect(list.items[0]!.spec.containers[0]!.image).toBe(`${registry.host}/demo/missing:1`);
    expect(list.results[0]).toMatchObject({ severity: "error", resourceRef: { kind: "Pod", name: "hello" } });
  });

  it("runs offline from a lock file", () => {
    const lock = join(work, "imagepin.lock");
    writeFileSync(
      lock,
      `${JSON.stringify({ version: 1, images: [{ reference: "localhost:5000/demo/nginx:1.25", digest, mediaType: "application/vnd.oci.image.index.v1+json", resolvedAt: "2026-01-01T00:00:00.000Z" }] }, null, 2)}\n`,
    );
    const result = krm(["--offline", "--lock", lock, "--no-keep-tag"], example);
    expect(result.status, result.stderr).toBe(0);
    expect((parse(result.stdout) as ResourceList).items[0]!.spec.containers[0]!.image).toBe(
      `localhost:5000/demo/nginx@${digest}`,
    );
  });

  it("takes keepTag and platform from the functionConfig; a flag on the command line wins", () => {
    const lock = join(work, "platform.lock");
    const arm = `sha256:${"a".repeat(64)}`;
    writeFileSync(
      lock,
      `${JSON.stringify({ version: 1, images: [{ reference: "localhost:5000/demo/nginx:1.25", platform: "linux/arm64/v8", digest: arm, mediaType: "application/vnd.oci.image.manifest.v1+json", resolvedAt: "2026-01-01T00:00:00.000Z" }] }, null, 2)}\n`,
    );
    const configured = example.replace(
      "  metadata:\n    name: pin\n",
      "  metadata:\n    name: pin\n  spec:\n    keepTag: false\n    platform: linux/arm64\n",
    );
    const result = krm(["--offline", "--lock", lock], configured);
    expect(result.status, result.stderr).toBe(0);
    const list = parse(result.stdout) as ResourceList;
    expect(list.items[0]!.spec.containers[0]!.image).toBe(`localhost:5000/demo/nginx@${arm}`);
    expect(list.results).toEqual([
      {
        message: expect.stringContaining("pinned"),
        severity: "info",
        resourceRef: { apiVersion: "v1", kind: "Pod", name: "hello" },
        field: { path: "spec.containers[0].image" },
        file: { path: "pod.yaml", index: 0 },
      },
    ]);
    const configMap = example.replace(
      /functionConfig:\n( {2}.*\n)+/,
      "functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  data: {platform: linux/arm64}\n",
    );
    expect(
      (parse(krm(["--offline", "--lock", lock], configMap).stdout) as ResourceList).items[0]!.spec.containers[0]!.image,
    ).toBe(`localhost:5000/demo/nginx:1.25@${arm}`);
    expect(krm(["--offline", "--lock", lock, "--platform", "linux/amd64"], configured)).toMatchObject({
      status: 1,
      stdout: expect.stringContaining("(linux/amd64) is not in the lock file"),
    });
    expect(krm(["--offline", "--lock", lock], configured.replace("keepTag: false", "keep: 1"))).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("functionConfig: keep"),
    });
  });

  it("exits 2 when standard input is not a ResourceList", () => {
    expect(krm([], "kind: Pod\n").status).toBe(2);
    // Malformed YAML says where, at the line the unclosed node starts, not where the parser gave up.
    expect(krm([], "kind: ResourceList\nitems:\n  - image: [unclosed\n")).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("imagepin: standard input: malformed YAML at line 3: Flow sequence"),
    });
  });
});
