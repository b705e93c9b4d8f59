// `imagepin verify` against the real distribution registry: a digest that exists, one that does not,
// a tag pushed again (moved), and --update keeping the kind of digest that was pinned.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImagepinSync } from "../harness/cli.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { settledRequests } from "../harness/access-log.js";
import { pushImage, pushIndex } from "../harness/seed.js";

const platforms = [
  { os: "linux", architecture: "amd64" },
  { os: "linux", architecture: "arm64" },
];

const imagepin = (args: string[], cwd: string) => runImagepinSync(args, { cwd });

describe("imagepin verify against a registry", () => {
  let registry: TestRegistry;
  let work: string;
  let oldIndex: { digest: string; manifests: { digest: string; platform: { architecture: string } }[] };
  let newIndex: typeof oldIndex;
  let stable = "";

  beforeAll(async () => {
    registry = await startRegistry();
    work = mkdtempSync(join(tmpdir(), "imagepin-verify-"));
    oldIndex = await pushIndex(registry, "demo/app", "1.0", platforms, { seed: "first" });
    newIndex = await pushIndex(registry, "demo/app", "1.0", platforms, { seed: "second" });
    stable = (await pushImage(registry, "demo/stable", "2")).digest;
  }, 120_000);
  afterAll(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const armOf = (index: typeof oldIndex) =>
    index.manifests.find((entry) => entry.platform.architecture === "arm64")!.digest;
  const pod = (images: string[]) =>
    `kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n${images.map((image, i) => `    - name: c${i}\n      image: "${image}"   # keep\n`).join("")}`;

  it("passes pins that hold and exits 0", () => {
    writeFileSync(
      join(work, "ok.yaml"),
      pod([
        `${registry.host}/demo/stable:2@${stable}`,
        `${registry.host}/demo/app:1.0@${newIndex.digest}`,
        `${registry.host}/demo/app:1.0@${armOf(newIndex)}`,
      ]),
    );
    const result = imagepin(["verify", "ok.yaml"], work);
    expect(result, result.stderr).toMatchObject({ status: 0, stdout: "" });
  });

  it("reports a missing digest and a moved tag in json, exit 1", () => {
    const missing = `sha256:${"9".repeat(64)}`;
    writeFileSync(
      join(work, "bad.yaml"),
      pod([`${registry.host}/demo/stable@${missing}`, `${registry.host}/demo/app:1.0@${oldIndex.digest}`]),
    );
    const result = imagepin(["verify", "--format", "json", "bad.yaml"], work);
    expect(result.status).toBe(1);
    const { findings } = JSON.parse(result.stdout);
    expect(findings.map((finding: { rule: string; line: number }) => `${finding.line}:${finding.rule}`)).toEqual([
      "6:digest-not-found",
      "8:tag-moved",
    ]);
    // The reference is named once, first: what moved, where to, from what.
    expect(findings[1].message).toBe(
      `${registry.host}/demo/app:1.0 moved: now ${newIndex.digest}, pinned ${oldIndex.digest}`,
    );
  });

  it("--update rewrites an index to the new index and a platform manifest to the same platform's", () => {
    const file = join(work, "update.yaml");
    writeFileSync(
      file,
      pod([`${registry.host}/demo/app:1.0@${oldIndex.digest}`, `${registry.host}/demo/app:1.0@${armOf(oldIndex)}`]),
    );
    const result = imagepin(["verify", "--update", "--platform", "linux/arm64", "update.yaml"], work);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(
      pod([`${registry.host}/demo/app:1.0@${newIndex.digest}`, `${registry.host}/demo/app:1.0@${armOf(newIndex)}`]),
    );
    expect(imagepin(["verify", "update.yaml"], work).status).toBe(0);
  });

  // Issue 13: --lock entries are checked too (lock-stale), and --update records the new digests in the lock first.
  it("--lock reports stale entries, and --update updates the lock with the file", () => {
    const lockFile = join(work, "imagepin.lock");
    const entry = (reference: string, digest: string) => ({
      reference,
      digest,
      mediaType: "application/vnd.oci.image.index.v1+json",
      resolvedAt: "2026-01-01T00:00:00.000Z",
    });
    const stableEntry = {
      ...entry(`${registry.host}/demo/stable:2`, stable),
      mediaType: "application/vnd.oci.image.manifest.v1+json",
    };
    writeFileSync(
      lockFile,
      `${JSON.stringify({ version: 1, images: [entry(`${registry.host}/demo/app:1.0`, oldIndex.digest), stableEntry] }, null, 2)}\n`,
    );
    const file = join(work, "locked.yaml");
    writeFileSync(file, pod([`${registry.host}/demo/app:1.0@${oldIndex.digest}`]));
    const check = imagepin(["verify", "--lock", "imagepin.lock", "--format", "json", "locked.yaml"], work);
    expect(check.status, check.stderr).toBe(1);
    expect(
      JSON.parse(check.stdout).findings.map(
        (finding: { file: string; line: number; rule: string }) => `${finding.file}:${finding.line}:${finding.rule}`,
      ),
    ).toEqual(["imagepin.lock:5:lock-stale", "locked.yaml:6:tag-moved"]);
    const update = imagepin(["verify", "--update", "--lock", "imagepin.lock", "locked.yaml"], work);
    expect(update.status, update.stdout + update.stderr).toBe(0);
    expect(update.stdout).toMatch(/imagepin\.lock:5:\d+ lock-stale .* updated to sha256:\S+ \[note\]/);
    const images = JSON.parse(readFileSync(lockFile, "utf8")).images;
    expect(images.map((image: { digest: string }) => image.digest)).toEqual([newIndex.digest, stable]);
    expect(images[1]).toEqual(stableEntry);
    expect(readFileSync(file, "utf8")).toBe(pod([`${registry.host}/demo/app:1.0@${newIndex.digest}`]));
    expect(imagepin(["verify", "--lock", "imagepin.lock", "locked.yaml"], work)).toMatchObject({
      status: 0,
      stdout: "",
    });
  });

  it("--update follows each pinned platform manifest to its own platform, read from its config, with no --platform", () => {
    const amdOf = (index: typeof oldIndex) =>
      index.manifests.find((entry) => entry.platform.architecture === "amd64")!.digest;
    const file = join(work, "platforms.yaml");
    writeFileSync(
      file,
      pod([`${registry.host}/demo/app:1.0@${armOf(oldIndex)}`, `${registry.host}/demo/app:1.0@${amdOf(oldIndex)}`]),
    );
    const result = imagepin(["verify", "--update", "platforms.yaml"], work);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("its linux/arm64/v8 manifest is");
    expect(readFileSync(file, "utf8")).toBe(
      pod([`${registry.host}/demo/app:1.0@${armOf(newIndex)}`, `${registry.host}/demo/app:1.0@${amdOf(newIndex)}`]),
    );
  });

  it("asks the registry once per pinned manifest for its platform, however many images pin it", async () => {
    const amdOf = (index: typeof oldIndex) =>
      index.manifests.find((entry) => entry.platform.architecture === "amd64")!.digest;
    const pinnedArm = `${registry.host}/demo/app:1.0@${armOf(oldIndex)}`;
    writeFileSync(
      join(work, "many-a.yaml"),
      pod([pinnedArm, pinnedArm, `${registry.host}/demo/app:1.0@${amdOf(oldIndex)}`]),
    );
    writeFileSync(join(work, "many-b.yaml"), pod([pinnedArm]));
    await settledRequests(registry); // the earlier tests' log lines land before the count starts
    registry.clearRequests();
    const result = imagepin(["verify", "many-a.yaml", "many-b.yaml"], work);
    expect(result.status, result.stdout + result.stderr).toBe(1);
    const requests = await settledRequests(registry);
    // two distinct pinned manifests: one config blob each, and the new index read once
    expect(requests.filter((request) => request.method === "GET" && request.path.includes("/blobs/"))).toHaveLength(2);
    expect(
      requests.filter((request) => request.method === "GET" && request.path.endsWith(`/manifests/${newIndex.digest}`)),
    ).toHaveLength(1);
  });
});

describe("imagepin verify against a registry that refuses it", () => {
  let registry: TestRegistry;
  let work: string;
  let digest = "";
  const robot = { username: "robot", password: "s3cret" };

  beforeAll(async () => {
    registry = await startRegistry({ auth: { kind: "htpasswd", users: [robot] } });
    work = mkdtempSync(join(tmpdir(), "imagepin-verify-auth-"));
    const authorization = `Basic ${Buffer.from(`${robot.username}:${robot.password}`).toString("base64")}`;
    digest = (await pushImage({ url: registry.url, authorization }, "private/app", "1")).digest;
  }, 120_000);
  afterAll(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("reports registry-error naming the image once", () => {
    const image = `${registry.host}/private/app:1@${digest}`;
    writeFileSync(
      join(work, "pod.yaml"),
      `kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`,
    );
    // An empty docker config: no credentials from the machine running the tests.
    writeFileSync(join(work, "config.json"), "{}");
    const result = imagepin(
      ["verify", "--format", "json", "--docker-config", join(work, "config.json"), "pod.yaml"],
      work,
    );
    expect(result.status, result.stderr).toBe(1);
    const [finding] = JSON.parse(result.stdout).findings;
    expect(finding).toMatchObject({ rule: "registry-error", line: 6, column: 14 });
    expect(finding.message).toMatch(
      new RegExp(`^cannot check ${image.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: unauthorized: `),
    );
    expect(finding.message.split(`${registry.host}/private/app`)).toHaveLength(2);
  });
});
