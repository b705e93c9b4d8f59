import { describe, expect, it } from "vitest";
import type { HelperRunner, HelperRunResult } from "./helper.js";
import type { CredentialProviderSpec } from "./provider-config.js";
import { CredentialProviderPlugin } from "./provider.js";

const v1 = "credentialprovider.kubelet.k8s.io/v1";

function spec(overrides: Partial<CredentialProviderSpec> = {}): CredentialProviderSpec {
  return {
    name: "test-provider",
    matchImages: ["*.example.com"],
    defaultCacheDurationMs: 60_000,
    apiVersion: v1,
    args: [],
    env: [],
    location: { file: "p.yaml" },
    ...overrides,
  };
}

/** A fake plugin: answers `body(request)` and records every request it got. */
function fakePlugin(body: (image: string) => object | string, result: Partial<HelperRunResult> = {}) {
  const requests: { image: string; args: string[]; env: Record<string, string | undefined> }[] = [];
  const runner: HelperRunner = async (_program, args, input, options) => {
    const request = JSON.parse(input) as { image: string; kind: string; apiVersion: string };
    expect(request).toMatchObject({ kind: "CredentialProviderRequest", apiVersion: v1 });
    requests.push({ image: request.image, args, env: options.env });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const answer = body(request.image);
    return { exitCode: 0, stdout: typeof answer === "string" ? answer : JSON.stringify(answer), stderr: "", ...result };
  };
  return { runner, requests };
}

const response = (cacheKeyType: string, extra: object = {}) => ({
  kind: "CredentialProviderResponse",
  apiVersion: v1,
  cacheKeyType,
  auth: { "*.example.com": { username: "u", password: "p" } },
  ...extra,
});

function provider(
  body: (image: string) => object | string,
  overrides: Partial<CredentialProviderSpec> = {},
  result: Partial<HelperRunResult> = {},
) {
  let now = 1_000_000;
  const fake = fakePlugin(body, result);
  const plugin = new CredentialProviderPlugin(spec(overrides), {
    binDir: "/plugins",
    env: { PATH: "/bin", KEEP: "1" },
    runner: fake.runner,
    now: () => now,
  });
  return { plugin, requests: fake.requests, advance: (ms: number) => (now += ms) };
}

describe("credential provider cache rules", () => {
  it("Image: kept for that image only", async () => {
    const { plugin, requests } = provider(() => response("Image"));
    await plugin.lookup("a.example.com/one");
    expect((await plugin.lookup("a.example.com/one")).cached).toBe(true);
    await plugin.lookup("a.example.com/two");
    expect(requests.map((r) => r.image)).toEqual(["a.example.com/one", "a.example.com/two"]);
  });

  it("Registry: kept for every image of the registry, not for another registry", async () => {
    const { plugin, requests } = provider(() => response("Registry"));
    await plugin.lookup("a.example.com/one");
    await plugin.lookup("a.example.com/two");
    await plugin.lookup("b.example.com/one");
    expect(requests.map((r) => r.image)).toEqual(["a.example.com/one", "b.example.com/one"]);
  });

  it("Global: kept for every image", async () => {
    const { plugin, requests } = provider(() => response("Global"));
    await plugin.lookup("a.example.com/one");
    await plugin.lookup("b.example.com/two");
    expect(requests).toHaveLength(1);
  });

  it("cacheDuration: expires after it; 0s keeps nothing; absent means defaultCacheDuration", async () => {
    const timed = provider(() => response("Registry", { cacheDuration: "5m" }));
    await timed.plugin.lookup("a.example.com/x");
    timed.advance(300_000);
    await timed.plugin.lookup("a.example.com/x");
    expect(timed.requests).toHaveLength(1);
    timed.advance(1);
    await timed.plugin.lookup("a.example.com/x");
    expect(timed.requests).toHaveLength(2);

    const zero = provider(() => response("Global", { cacheDuration: "0s" }));
    await zero.plugin.lookup("a.example.com/x");
    await zero.plugin.lookup("a.example.com/x");
    expect(zero.requests).toHaveLength(2);

    const byDefault = provider(() => response("Global"), { defaultCacheDurationMs: 1000 });
    await byDefault.plugin.lookup("a.example.com/x");
    byDefault.advance(1000);
    await byDefault.plugin.lookup("a.example.com/x");
    byDefault.advance(1);
    await byDefault.plugin.lookup("a.example.com/x");
    expect(byDefault.requests).toHaveLength(2);

    const defaultZero = provider(() => response("Global"), { defaultCacheDurationMs: 0 });
    await defaultZero.plugin.lookup("a.example.com/x");
    await defaultZero.plugin.lookup("a.example.com/x");
    expect(defaultZero.requests).toHaveLength(2);
  });

  it("concurrent lookups of one registry run the plugin once when the answer is Registry-scoped", async () => {
    const { plugin, requests } = provider(() => response("Registry"));
    const images = Array.from({ length: 20 }, (_, i) => `a.example.com/app${i}`);
    const answers = await Promise.all(images.map((image) => plugin.lookup(image)));
    expect(requests).toHaveLength(1);
    expect(answers.every((answer) => answer.entries[0]?.credential.password === "p")).toBe(true);
  });

  it("concurrent lookups of an Image-scoped plugin run it once per image", async () => {
    const { plugin, requests } = provider(() => response("Image"));
    await Promise.all(["a.example.com/1", "a.example.com/2", "a.example.com/1"].map((image) => plugin.lookup(image)));
    expect(requests.map((r) => r.image).sort()).toEqual(["a.example.com/1", "a.example.com/2"]);
  });

  it("sends args and the config's env over imagepin's own", async () => {
    const { plugin, requests } = provider(() => response("Image"), {
      args: ["get-credentials"],
      env: [{ name: "PATH", value: "/plugin-path" }],
    });
    await plugin.lookup("a.example.com/x");
    expect(requests[0]).toMatchObject({ args: ["get-credentials"], env: { PATH: "/plugin-path", KEEP: "1" } });
  });

  it("matches images by matchImages before anything runs", () => {
    const { plugin } = provider(() => response("Image"), { matchImages: ["registry.io:5000", "*.example.com"] });
    expect(plugin.matchingPattern("a.example.com/x")).toBe("*.example.com");
    expect(plugin.matchingPattern("registry.io:5000/x")).toBe("registry.io:5000");
    expect(plugin.matchingPattern("registry.io/x")).toBeUndefined();
  });
});

describe("credential provider answers refused as the kubelet refuses them", () => {
  const cases: [string, () => object | string, Partial<HelperRunResult>, RegExp][] = [
    [
      "another apiVersion",
      () => ({ ...response("Image"), apiVersion: "credentialprovider.kubelet.k8s.io/v1beta1" }),
      {},
      /apiVersion "credentialprovider.kubelet.k8s.io\/v1beta1", but the config names/,
    ],
    ["not JSON", () => "user=u password=hunter2", {}, /not JSON/],
    [
      "an unknown field",
      () => ({ ...response("Image"), token: "hunter2" }),
      {},
      /a field a CredentialProviderResponse does not have/,
    ],
    [
      "an unknown auth field",
      () => response("Image", { auth: { "*.example.com": { username: "u", password: "p", email: "hunter2" } } }),
      {},
      /other than username and password/,
    ],
    [
      "a field written twice",
      () => `{"kind":"CredentialProviderResponse","apiVersion":"${v1}","cacheKeyType":"Image","cacheKeyType":"Global"}`,
      {},
      /written twice/,
    ],
    ["no cacheKeyType", () => ({ kind: "CredentialProviderResponse", apiVersion: v1 }), {}, /valid cacheKeyType/],
    ["a bad cacheKeyType", () => response("Forever"), {}, /valid cacheKeyType/],
    ["a bad cacheDuration", () => response("Image", { cacheDuration: 300 }), {}, /cacheDuration/],
    [
      "the wrong kind",
      () => ({ ...response("Image"), kind: "CredentialProviderRequest" }),
      {},
      /kind "CredentialProviderRequest"/,
    ],
    [
      "a crash",
      () => "",
      { exitCode: 2, stderr: "fatal: could not reach the metadata service" },
      /exited with status 2: fatal: could not reach the metadata service/,
    ],
    ["a hang", () => "", { exitCode: null, timedOut: true }, /did not answer within 60000 ms/],
    ["too much output", () => "", { exitCode: null, outputTooLarge: true }, /wrote more than 1048576 bytes/],
    ["a missing plugin", () => "", { exitCode: null, notFound: true }, /is not installed/],
  ];
  it.each(cases)("%s", async (_what, body, result, message) => {
    const { plugin } = provider(body, {}, result);
    const error = await plugin.lookup("a.example.com/x").then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe("credential-provider-failed");
    expect(error?.message).toMatch(/^credential provider test-provider for a\.example\.com\/x: /);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toMatch(/hunter2/);
  });

  it("a failure is not kept: the next lookup runs the plugin again", async () => {
    let calls = 0;
    const { plugin } = provider(() => (++calls === 1 ? "garbage" : response("Registry")));
    await expect(plugin.lookup("a.example.com/x")).rejects.toMatchObject({ code: "credential-provider-failed" });
    expect((await plugin.lookup("a.example.com/x")).entries).toHaveLength(1);
  });
});
