// `imagepin pin` against the real distribution registry: the digests written are the registry's (as
// skopeo sees them), --platform pins the platform's manifest, each reference is asked once, and the
// lock file is sorted, byte-stable, and enough to pin again with --offline.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImagepinSync } from "../harness/cli.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage, pushIndex, skopeoDigest } from "../harness/seed.js";

const helm = readFileSync(fileURLToPath(new URL("../../examples/helm/rendered.yaml", import.meta.url)), "utf8");
const platforms = [
  { os: "linux", architecture: "amd64" },
  { os: "linux", architecture: "arm64", variant: "v8" },
];

const imagepin = (args: string[], cwd: string) => runImagepinSync(args, { cwd });

describe("imagepin pin against a registry", () => {
  let registry: TestRegistry;
  let work: string;
  let chart: string;
  const digests: Record<string, string> = {};
  let arm = "";

  beforeAll(async () => {
    registry = await startRegistry();
    work = mkdtempSync(join(tmpdir(), "imagepin-pin-registry-"));
    const nginx = await pushIndex(registry, "demo/nginx", "1.25", platforms);
    digests.nginx = nginx.digest;
    arm = nginx.manifests.find((entry) => entry.platform.architecture === "arm64")!.digest;
    digests.migrate = (await pushImage(registry, "demo/shop-migrate", "2.3.1")).digest;
    digests.redis = (await pushIndex(registry, "demo/redis", "7", platforms)).digest;
    digests.report = (await pushImage(registry, "demo/shop-report", "latest")).digest;
    chart = helm.replaceAll("localhost:5000", registry.host);
  }, 120_000);
  afterAll(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("pins Helm output in place with the registry's digests, nothing else changed", async () => {
    const file = join(work, "rendered.yaml");
    writeFileSync(file, chart);
    registry.clearRequests();
    const result = imagepin(["pin", "--write", "--lock", "imagepin.lock", "rendered.yaml"], work);
    expect(result.status, result.stderr).toBe(0);
    const host = registry.host;
    const expected = chart
      .replace(`"${host}/demo/shop-migrate:2.3.1"`, `"${host}/demo/shop-migrate:2.3.1@${digests.migrate}"`)
      .replace(`image: ${host}/demo/nginx:1.25`, `image: ${host}/demo/nginx:1.25@${digests.nginx}`)
      .replace(`'${host}/demo/redis:7'`, `'${host}/demo/redis:7@${digests.redis}'`)
      // An untagged image is written with the tag it resolved, as the lock records it and the webhook writes it.
      .replace(`image: ${host}/demo/shop-report   #`, `image: ${host}/demo/shop-report:latest@${digests.report}   #`);
    expect(readFileSync(file, "utf8")).toBe(expected);
    expect(await skopeoDigest(`${host}/demo/nginx:1.25`)).toBe(digests.nginx);
    const manifestGets = registry.requests().filter((request) => request.path.includes("/manifests/"));
    expect(
      manifestGets.filter((request) => request.path.endsWith("/demo/nginx/manifests/1.25")).length,
    ).toBeLessThanOrEqual(2);

    const lock = readFileSync(join(work, "imagepin.lock"), "utf8");
    const references = JSON.parse(lock).images.map((entry: { reference: string }) => entry.reference);
    expect(references).toEqual([...references].sort());
    expect(references).toHaveLength(4);
    // Pinning again: nothing to do, the lock keeps its bytes.
    writeFileSync(file, chart);
    expect(imagepin(["pin", "--write", "--lock", "imagepin.lock", "rendered.yaml"], work).status).toBe(0);
    expect(readFileSync(join(work, "imagepin.lock"), "utf8")).toBe(lock);
    // Offline from the lock alone gives the same file.
    writeFileSync(file, chart);
    expect(imagepin(["pin", "--write", "--offline", "--lock", "imagepin.lock", "rendered.yaml"], work).status).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(expected);
  });

  it("pins the platform's manifest with --platform, and fails clearly on a missing tag", () => {
    const file = join(work, "pod.yaml");
    writeFileSync(file, `kind: Pod\nspec:\n  containers:\n    - image: ${registry.host}/demo/nginx:1.25\n`);
    const result = imagepin(["pin", "--platform", "linux/arm64", "pod.yaml"], work);
    expect(result.stdout).toContain(`${registry.host}/demo/nginx:1.25@${arm}`);
    writeFileSync(file, `kind: Pod\nspec:\n  containers:\n    - image: ${registry.host}/demo/nope:1\n`);
    const missing = imagepin(["pin", "--write", "pod.yaml"], work);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`pod.yaml:4:14: cannot pin ${registry.host}/demo/nope:1`);
  });

  it("writes nothing when the lock file cannot be written, and says so with exit 2", () => {
    const file = join(work, "locked.yaml");
    const text = `kind: Pod\nspec:\n  containers:\n    - image: ${registry.host}/demo/nginx:1.25\n`;
    writeFileSync(file, text);
    const result = imagepin(["pin", "--write", "--lock", join(work, "no-such-dir", "lock.json"), "locked.yaml"], work);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `imagepin: cannot write the lock file ${join(work, "no-such-dir", "lock.json")}: no such file or directory\n`,
    );
    expect(readFileSync(file, "utf8")).toBe(text);
  });

  it("pins an untagged image as name:latest@digest, and --no-keep-tag as name@digest", () => {
    const file = join(work, "untagged.yaml");
    writeFileSync(file, `kind: Pod\nspec:\n  containers:\n    - image: ${registry.host}/demo/shop-report\n`);
    expect(imagepin(["pin", "untagged.yaml"], work).stdout).toContain(
      `image: ${registry.host}/demo/shop-report:latest@${digests.report}\n`,
    );
    expect(imagepin(["pin", "--no-keep-tag", "untagged.yaml"], work).stdout).toContain(
      `image: ${registry.host}/demo/shop-report@${digests.report}\n`,
    );
  });
});
