import { describe, expect, it } from "vitest";
import {
  compareSpecificity,
  credentialStoreServerUrl,
  keyMatches,
  matchTarget,
  parseConfigKey,
  type ConfigKey,
} from "./match.js";

// [config key, registry as in the reference, repository, matches?]
const cases: [string, string, string, boolean][] = [
  // exact hosts, scheme and API version suffix ignored
  ["my.registry.io", "my.registry.io", "app", true],
  ["https://my.registry.io", "my.registry.io", "app", true],
  ["http://my.registry.io", "my.registry.io", "app", true],
  ["https://my.registry.io/", "my.registry.io", "app", true],
  ["https://my.registry.io/v1/", "my.registry.io", "app", true],
  ["https://my.registry.io/v2/", "my.registry.io", "team/app", true],
  ["my.registry.io/v1", "my.registry.io", "app", true],
  ["MY.Registry.IO", "my.registry.io", "app", true],
  ["my.registry.io", "other.registry.io", "app", false],
  ["registry.io", "my.registry.io", "app", false],
  ["my.registry.io", "registry.io", "app", false],
  // Docker Hub aliases
  ["https://index.docker.io/v1/", "docker.io", "library/nginx", true],
  ["index.docker.io", "docker.io", "library/nginx", true],
  ["docker.io", "docker.io", "library/nginx", true],
  ["registry-1.docker.io", "docker.io", "user/app", true],
  ["https://index.docker.io/v1/", "registry-1.docker.io", "library/nginx", true],
  ["docker.io", "index.docker.io", "library/nginx", true],
  ["https://index.docker.io/v1/", "quay.io", "library/nginx", false],
  ["*.docker.io", "docker.io", "library/nginx", true],
  ["docker.io/library", "docker.io", "library/nginx", true],
  ["docker.io/library", "docker.io", "user/nginx", false],
  // globs: one DNS label per `*`
  ["*.example.com", "a.example.com", "app", true],
  ["*.example.com", "example.com", "app", false],
  ["*.example.com", "a.b.example.com", "app", false],
  ["*.*.example.com", "a.b.example.com", "app", true],
  ["*.*.example.com", "a.example.com", "app", false],
  ["https://*.example.com/v1/", "x.example.com", "app", true],
  ["prefix.*.io", "prefix.example.io", "app", true],
  ["prefix.*.io", "other.example.io", "app", false],
  ["*-good.example.com", "prefix-good.example.com", "app", true],
  ["*-good.example.com", "prefix-bad.example.com", "app", false],
  ["a*c.example.com", "abc.example.com", "app", true],
  ["a*c.example.com", "ab.example.com", "app", false],
  ["*.EXAMPLE.com", "a.example.com", "app", true],
  ["*", "localhost", "app", true],
  ["*", "a.example.com", "app", false],
  // ports must match exactly
  ["my.registry.io:5000", "my.registry.io:5000", "app", true],
  ["my.registry.io", "my.registry.io:5000", "app", false],
  ["my.registry.io:5000", "my.registry.io", "app", false],
  ["my.registry.io:5000", "my.registry.io:5001", "app", false],
  ["my.registry.io:443", "my.registry.io", "app", false],
  ["*.example.com:5000", "a.example.com:5000", "app", true],
  ["*.example.com", "a.example.com:5000", "app", false],
  ["localhost:5000", "localhost:5000", "app", true],
  ["http://127.0.0.1:5000", "127.0.0.1:5000", "app", true],
  ["127.0.0.1:5000", "127.0.0.2:5000", "app", false],
  ["[::1]:5000", "[::1]:5000", "app", true],
  ["[::1]", "[::1]:5000", "app", false],
  // path prefixes on whole components
  ["my-registry.io/images", "my-registry.io", "images/app", true],
  ["my-registry.io/images", "my-registry.io", "images", true],
  ["my-registry.io/images/", "my-registry.io", "images/sub/app", true],
  ["my-registry.io/images", "my-registry.io", "imagesx/app", false],
  ["my-registry.io/images", "my-registry.io", "other/images", false],
  ["my-registry.io/images/app", "my-registry.io", "images", false],
  ["https://my-registry.io/images/app", "my-registry.io", "images/app", true],
  ["my-registry.io/images", "sub.my-registry.io", "images/app", false],
  ["*.my-registry.io/images", "sub.my-registry.io", "images/app", true],
  ["*.my-registry.io/images", "sub.my-registry.io", "other/app", false],
  ["my-registry.io:5000/images", "my-registry.io:5000", "images/app", true],
  ["my-registry.io:5000/images", "my-registry.io", "images/app", false],
];

describe("keyMatches", () => {
  it("has a real table", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)("key %j, image %s/%s -> %s", (rawKey, registry, repository, expected) => {
    const key = parseConfigKey(rawKey);
    const target = matchTarget(registry, repository);
    expect(key).toBeDefined();
    expect(target).toBeDefined();
    expect(keyMatches(key as ConfigKey, target!)).toBe(expected);
  });
});

describe("parseConfigKey", () => {
  it("takes a key apart", () => {
    expect(parseConfigKey("https://My.Registry:5000/Images/app/")).toEqual({
      raw: "https://My.Registry:5000/Images/app/",
      labels: ["my", "registry"],
      port: "5000",
      path: ["Images", "app"],
      glob: false,
    });
  });

  it("folds Docker Hub's names and drops the API version", () => {
    expect(parseConfigKey("https://index.docker.io/v1/")?.labels).toEqual(["docker", "io"]);
    expect(parseConfigKey("https://index.docker.io/v1/")?.path).toEqual([]);
  });

  it.each(["", "   ", "https://", "host:port", ":5000", "/path"])("rejects %j", (raw) => {
    expect(parseConfigKey(raw)).toBeUndefined();
  });
});

describe("compareSpecificity", () => {
  it("orders longer paths, then exact hosts, then fewer globs first, stably", () => {
    const keys = [
      "*.*.example.com",
      "*.example.com",
      "a.example.com",
      "a.example.com/team",
      "*.example.com/team/app",
      "https://a.example.com",
    ];
    const sorted = keys
      .map((raw) => parseConfigKey(raw) as ConfigKey)
      .sort(compareSpecificity)
      .map((key) => key.raw);
    expect(sorted).toEqual([
      "*.example.com/team/app",
      "a.example.com/team",
      "a.example.com",
      "https://a.example.com",
      "*.example.com",
      "*.*.example.com",
    ]);
  });
});

describe("credentialStoreServerUrl", () => {
  it.each([
    ["docker.io", "https://index.docker.io/v1/"],
    ["registry-1.docker.io", "https://index.docker.io/v1/"],
    ["quay.io", "quay.io"],
    ["Localhost:5000", "localhost:5000"],
  ])("%s -> %s", (registry, expected) => {
    expect(credentialStoreServerUrl(registry)).toBe(expected);
  });
});
