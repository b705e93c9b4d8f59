// Imports the package by its name, as a user would, so only the published API is exercised.
import { describe, expect, it } from "vitest";
import * as imagepin from "imagepin";

describe("the published package", () => {
  it("parses and normalizes through the public API", () => {
    const reference = imagepin.parseReference("nginx:1.25");
    expect(reference.normalized).toBe("docker.io/library/nginx:1.25");
    expect(reference.registryHost).toBe("registry-1.docker.io");
  });

  it("exposes typed errors with stable codes", () => {
    const result = imagepin.tryParseReference("Nginx");
    expect(result).toBeInstanceOf(imagepin.InvalidReferenceError);
    expect(result).toBeInstanceOf(imagepin.ImagepinError);
    expect((result as imagepin.InvalidReferenceError).code).toBe("name-contains-uppercase");
  });

  it("reports the version from package.json", async () => {
    const { readFile } = await import("node:fs/promises");
    const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(imagepin.imagepinVersion()).toBe(pkg.version);
    expect(imagepin.userAgent()).toBe(`imagepin/${pkg.version}`);
  });
});
