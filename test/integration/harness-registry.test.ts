// The harness every registry test rests on: if these fail, the registry or the seeder is wrong, not imagepin.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage, pushIndex, skopeoDigest, skopeoPlatformDigest } from "../harness/seed.js";

describe("test registry harness", () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("pushes an image that skopeo reads back with the same digest", async () => {
    const pushed = await pushImage(registry, "demo/nginx", "1.25");
    expect(await skopeoDigest(`${registry.host}/demo/nginx:1.25`)).toBe(pushed.digest);
  });

  it("moves a tag when the same tag is pushed with another seed", async () => {
    const first = await pushImage(registry, "demo/moving", "v1", { seed: "a" });
    const second = await pushImage(registry, "demo/moving", "v1", { seed: "b" });
    expect(second.digest).not.toBe(first.digest);
    expect(await skopeoDigest(`${registry.host}/demo/moving:v1`)).toBe(second.digest);
  });

  it("pushes a multi-arch index whose platform manifests skopeo selects", async () => {
    const index = await pushIndex(registry, "demo/redis", "7", [
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64", variant: "v8" },
    ]);
    expect(await skopeoDigest(`${registry.host}/demo/redis:7`)).toBe(index.digest);
    const arm = index.manifests.find((m) => m.platform.architecture === "arm64")!;
    expect(
      await skopeoPlatformDigest(`${registry.host}/demo/redis:7`, {
        os: "linux",
        architecture: "arm64",
        variant: "v8",
      }),
    ).toBe(arm.digest);
  });

  it("logs every request with method, path and status", async () => {
    registry.clearRequests();
    const response = await request(`${registry.url}/v2/demo/nginx/manifests/no-such-tag`, { method: "HEAD" });
    await response.body.dump();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(registry.requests()).toContainEqual({
      method: "HEAD",
      path: "/v2/demo/nginx/manifests/no-such-tag",
      status: 404,
    });
  });

  it("comes back after a pause with its content", async () => {
    await registry.pause();
    await expect(request(`${registry.url}/v2/`)).rejects.toThrow();
    await registry.restart();
    expect(await skopeoDigest(`${registry.host}/demo/nginx:1.25`)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe("htpasswd registry", () => {
  it("challenges anonymous clients and accepts its users", async () => {
    const registry = await startRegistry({
      auth: { kind: "htpasswd", users: [{ username: "robot", password: "s3cret" }] },
    });
    try {
      const anonymous = await request(`${registry.url}/v2/`);
      await anonymous.body.dump();
      expect(anonymous.statusCode).toBe(401);
      expect(String(anonymous.headers["www-authenticate"])).toMatch(/^Basic realm=/);
      const authorization = `Basic ${Buffer.from("robot:s3cret").toString("base64")}`;
      const pushed = await pushImage({ url: registry.url, authorization }, "team/app", "1.0");
      expect(await skopeoDigest(`${registry.host}/team/app:1.0`, { creds: "robot:s3cret" })).toBe(pushed.digest);
    } finally {
      await registry.stop();
    }
  });
});

describe("token-auth registry", () => {
  it("accepts tokens from the harness token server and rejects anonymous pushes", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { makeSigningKey } = await import("../harness/tls.js");
    const { startTokenServer } = await import("../harness/token-server.js");
    const signingKey = makeSigningKey(mkdtempSync(join(tmpdir(), "imagepin-token-")));
    const tokens = await startTokenServer({
      users: [{ username: "ci", password: "pw" }],
      signingKey,
      issuer: "test-issuer",
      service: "test-registry",
    });
    const registry = await startRegistry({
      auth: {
        kind: "token",
        realm: tokens.url,
        service: "test-registry",
        issuer: "test-issuer",
        rootCertFile: signingKey.certFile,
      },
    });
    try {
      const challenge = await request(`${registry.url}/v2/`);
      await challenge.body.dump();
      expect(challenge.statusCode).toBe(401);
      expect(String(challenge.headers["www-authenticate"])).toContain(`realm="${tokens.url}"`);
      const scope = "repository:team/app:pull,push";
      const answer = await request(`${tokens.url}?service=test-registry&scope=${encodeURIComponent(scope)}`, {
        headers: { authorization: `Basic ${Buffer.from("ci:pw").toString("base64")}` },
      });
      const { token } = (await answer.body.json()) as { token: string };
      const pushed = await pushImage({ url: registry.url, authorization: `Bearer ${token}` }, "team/app", "1.0");
      expect(await skopeoDigest(`${registry.host}/team/app:1.0`, { creds: "ci:pw" })).toBe(pushed.digest);
      await expect(pushImage({ url: registry.url }, "team/app", "2.0")).rejects.toThrow(/401/);
    } finally {
      await registry.stop();
      await tokens.close();
    }
  });
});
