import { describe, expect, it } from "vitest";
import { defaultVariant, formatPlatform, normalizePlatform, parsePlatform, platformMatches } from "./platform.js";

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

describe("normalizePlatform", () => {
  it("formats and normalizes", () => {
    expect(formatPlatform(normalizePlatform({ os: "linux", architecture: "armhf" }))).toBe("linux/arm/v7");
  });

  it("fills in containerd's default variants and no others", () => {
    expect(defaultVariant("arm64")).toBe("v8");
    expect(defaultVariant("arm")).toBe("v7");
    expect(defaultVariant("amd64")).toBeUndefined();
    expect(normalizePlatform({ os: "Linux", architecture: "aarch64" })).toEqual({
      os: "linux",
      architecture: "arm64",
      variant: "v8",
    });
  });
});
