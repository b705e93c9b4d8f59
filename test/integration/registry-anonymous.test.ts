// The registry client against the real distribution registry, anonymous: tags to digests by HEAD,
// both media-type families, platforms from an index, not-found, digests cross-checked with skopeo.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReference } from "../../src/reference/index.js";
import { RegistryClient, isRegistryError } from "../../src/registry/index.js";
import { RegistryResolver } from "../../src/resolve/index.js";
import { settledRequests } from "../harness/access-log.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage, pushIndex, skopeoDigest, skopeoPlatformDigest } from "../harness/seed.js";

let registry: TestRegistry;
let client: RegistryClient;

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient();
});
afterAll(async () => {
  await client?.close();
  await registry?.stop();
});

const ref = (text: string) => parseReference(`${registry.host}/${text}`);

describe("RegistryClient, anonymous", () => {
  it("resolves OCI and Docker schema 2 tags with one HEAD each, matching skopeo", async () => {
    const oci = await pushImage({ url: registry.url }, "team/oci", "1.0");
    const docker = await pushImage({ url: registry.url }, "team/docker", "1.0", { format: "docker" });
    await settledRequests(registry);
    registry.clearRequests();
    const first = await client.resolve(ref("team/oci:1.0"));
    const second = await client.resolve(ref("team/docker:1.0"));
    expect(first).toEqual({ digest: oci.digest, mediaType: oci.mediaType });
    expect(second).toEqual({ digest: docker.digest, mediaType: docker.mediaType });
    expect((await settledRequests(registry)).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "HEAD /v2/team/oci/manifests/1.0 200",
      "HEAD /v2/team/docker/manifests/1.0 200",
    ]);
    expect(await skopeoDigest(`${registry.host}/team/oci:1.0`)).toBe(first.digest);
    expect(await skopeoDigest(`${registry.host}/team/docker:1.0`)).toBe(second.digest);
  });

  it("keeps an index by default and picks a platform's manifest with --platform, as skopeo does", async () => {
    const platforms = [
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64", variant: "v8" },
      { os: "linux", architecture: "arm", variant: "v7" },
    ];
    const index = await pushIndex({ url: registry.url }, "multi/app", "2.0", platforms);
    expect((await client.resolve(ref("multi/app:2.0"))).digest).toBe(index.digest);
    expect(await skopeoDigest(`${registry.host}/multi/app:2.0`)).toBe(index.digest);

    const arm64 = await client.resolve(ref("multi/app:2.0"), { platform: { os: "linux", architecture: "arm64" } });
    expect(arm64.digest).toBe(index.manifests[1]!.digest);
    expect(arm64.platform).toEqual({ os: "linux", architecture: "arm64", variant: "v8" });
    expect(await skopeoPlatformDigest(`${registry.host}/multi/app:2.0`, platforms[1]!)).toBe(arm64.digest);
    const arm = await client.resolve(ref("multi/app:2.0"), { platform: { os: "linux", architecture: "arm" } });
    expect(arm.digest).toBe(index.manifests[2]!.digest);

    const entries = await client.indexEntries(ref("multi/app:2.0"));
    expect(entries.map((e) => e.digest)).toEqual(index.manifests.map((m) => m.digest));
    expect(await client.indexEntries(ref(`multi/app@${index.manifests[0]!.digest}`))).toEqual([]);
  });

  it("names the platforms an index has when the asked one is missing", async () => {
    await pushIndex(
      { url: registry.url },
      "multi/two",
      "1",
      [
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "s390x" },
      ],
      { format: "docker" },
    );
    const error = await client
      .resolve(ref("multi/two:1"), { platform: { os: "linux", architecture: "arm64" } })
      .catch((e: unknown) => e);
    expect(isRegistryError(error, "platform-not-found")).toBe(true);
    expect((error as Error).message).toContain("linux/amd64, linux/s390x");
  });

  it("answers not-found for a missing tag and repository, and checks a pinned reference exists", async () => {
    const pushed = await pushImage({ url: registry.url }, "team/pinned", "1");
    for (const missing of ["team/pinned:nope", "nobody/here:1", `team/pinned@sha256:${"0".repeat(64)}`]) {
      const error = await client.resolve(ref(missing)).catch((e: unknown) => e);
      expect(isRegistryError(error, "not-found"), missing).toBe(true);
      expect((error as { temporary: boolean }).temporary).toBe(false);
    }
    expect((await client.resolve(ref(`team/pinned@${pushed.digest}`))).digest).toBe(pushed.digest);
  });

  it("shares one exchange between concurrent resolutions of the same reference", async () => {
    await pushImage({ url: registry.url }, "team/flight", "1");
    const resolver = new RegistryResolver();
    try {
      await settledRequests(registry);
      registry.clearRequests();
      const results = await Promise.all(Array.from({ length: 10 }, () => resolver.resolve(ref("team/flight:1"))));
      expect(new Set(results.map((r) => r.digest)).size).toBe(1);
      expect(results[0]!.pinned.normalized).toBe(`${registry.host}/team/flight:1@${results[0]!.digest}`);
      expect(await settledRequests(registry)).toHaveLength(1);
    } finally {
      await resolver.close();
    }
  });

  it("caches a platform by its normalized form: linux/arm64 then linux/arm64/v8 is one registry exchange", async () => {
    await pushIndex({ url: registry.url }, "multi/cached", "1", [
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64", variant: "v8" },
    ]);
    const resolver = new RegistryResolver({ cacheTtlMs: 30_000 });
    try {
      const first = await resolver.resolve(ref("multi/cached:1"), { platform: { os: "linux", architecture: "arm64" } });
      const second = await resolver.resolve(ref("multi/cached:1"), {
        platform: { os: "linux", architecture: "arm64", variant: "v8" },
      });
      expect(first.source).toBe("fresh");
      expect(second).toMatchObject({ source: "cached", digest: first.digest });
    } finally {
      await resolver.close();
    }
  });

  it("follows a tag that moves", async () => {
    const before = await pushImage({ url: registry.url }, "team/moving", "latest", { seed: "a" });
    expect((await client.resolve(ref("team/moving"))).digest).toBe(before.digest);
    const after = await pushImage({ url: registry.url }, "team/moving", "latest", { seed: "b" });
    expect(after.digest).not.toBe(before.digest);
    expect((await client.resolve(ref("team/moving"))).digest).toBe(after.digest);
  });
});
