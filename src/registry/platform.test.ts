import { describe, expect, it } from "vitest";
import { isRegistryError } from "./errors.js";
import { formatPlatform, normalizePlatform, parsePlatform, platformMatches, selectPlatform, type PlatformEntry } from "./platform.js";

describe("parsePlatform", () => {
  it.each([
    ["linux/amd64", { os: "linux", architecture: "amd64" }],
    ["linux/arm64", { os: "linux", architecture: "arm64", variant: "v8" }],
    ["linux/arm", { os: "linux", architecture: "arm", variant: "v7" }],
    ["linux/arm/v6", { os: "linux", architecture: "arm", variant: "v6" }],
    ["Linux/x86_64", { os: "linux", architecture: "amd64" }],
    ["linux/aarch64", { os: "linux", architecture: "arm64", variant: "v8" }],
    ["windows/amd64", { os: "windows", architecture: "amd64" }],
  ])("%s", (text, expected) => expect(parsePlatform(text)).toEqual(expected));

  it.each(["linux", "linux/", "/amd64", "linux/amd64/v1/x", "linux/am d64"])("rejects %j", (text) => {
    expect(() => parsePlatform(text)).toThrow(expect.objectContaining({ code: "invalid-platform" }));
  });
});

describe("platformMatches", () => {
  it.each([
    [{ os: "linux", architecture: "arm64" }, { os: "linux", architecture: "arm64", variant: "v8" }, true],
    [{ os: "linux", architecture: "arm64", variant: "v8" }, { os: "linux", architecture: "arm64" }, true],
    [{ os: "linux", architecture: "arm" }, { os: "linux", architecture: "arm", variant: "v6" }, false],
    [{ os: "linux", architecture: "arm", variant: "v6" }, { os: "linux", architecture: "arm", variant: "v6" }, true],
    [{ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "amd64", variant: "v3" }, true],
    [{ os: "linux", architecture: "amd64" }, { os: "windows", architecture: "amd64" }, false],
  ])("%j wants %j: %s", (want, have, expected) => expect(platformMatches(want, have)).toBe(expected));
});

describe("selectPlatform", () => {
  const entries: PlatformEntry[] = [
    { digest: "sha256:a", mediaType: "m", platform: { os: "linux", architecture: "amd64", variant: "v3" } },
    { digest: "sha256:b", mediaType: "m", platform: { os: "linux", architecture: "amd64" } },
    { digest: "sha256:c", mediaType: "m", platform: { os: "linux", architecture: "arm64" } },
    { digest: "sha256:d", mediaType: "m", platform: { os: "unknown", architecture: "unknown" } },
    { digest: "sha256:e", mediaType: "m" },
  ];
  const context = { registry: "r", reference: "r/x:1" };

  it("prefers the exact variant, then any of the same os and architecture", () => {
    expect(selectPlatform(entries, { os: "linux", architecture: "amd64" }, context).digest).toBe("sha256:b");
    expect(selectPlatform(entries, { os: "linux", architecture: "arm64", variant: "v8" }, context).digest).toBe("sha256:c");
    expect(selectPlatform(entries.slice(0, 1), { os: "linux", architecture: "amd64" }, context).digest).toBe("sha256:a");
  });

  it("lists the platforms the index has, without attestations", () => {
    let error: unknown;
    try {
      selectPlatform(entries, { os: "linux", architecture: "s390x" }, context);
    } catch (caught) {
      error = caught;
    }
    expect(isRegistryError(error, "platform-not-found")).toBe(true);
    expect((error as Error).message).toContain("linux/amd64/v3, linux/amd64, linux/arm64");
    expect((error as Error).message).not.toContain("unknown");
  });

  it("formats and normalizes", () => {
    expect(formatPlatform(normalizePlatform({ os: "linux", architecture: "armhf" }))).toBe("linux/arm/v7");
  });
});
