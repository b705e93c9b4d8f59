import { describe, expect, it } from "vitest";
import { isRegistryError } from "./errors.js";
import { selectPlatform, type PlatformEntry } from "./platform.js";

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
    expect(selectPlatform(entries, { os: "linux", architecture: "arm64", variant: "v8" }, context).digest).toBe(
      "sha256:c",
    );
    expect(selectPlatform(entries.slice(0, 1), { os: "linux", architecture: "amd64" }, context).digest).toBe(
      "sha256:a",
    );
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
});
