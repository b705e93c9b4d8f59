import { describe, expect, it } from "vitest";
import { ImagepinError } from "../errors.js";
import { Lockfile } from "./lock.js";

function parseError(text: string): ImagepinError {
  try {
    Lockfile.parse(text, "imagepin.lock");
  } catch (error) {
    expect(error).toBeInstanceOf(ImagepinError);
    return error as ImagepinError;
  }
  throw new Error("parsed");
}

describe("Lockfile.parse", () => {
  it("refuses JSON that is not an object, naming the file", () => {
    for (const text of ["null", "3", '"text"', "[]", "true", '{"version": 1, "images": [null, 3]}']) {
      const error = parseError(text);
      expect(error.code).toBe("invalid-lock");
      expect(error.message).toMatch(/^imagepin\.lock: /);
    }
  });

  it("gives a syntax error's line and column and a reason that quotes nothing", () => {
    const error = parseError('{\n  "version": 1,\n  "images": [secretvalue]\n}\n');
    expect(error.code).toBe("invalid-lock");
    expect(error.message).toBe(
      "imagepin.lock:3:14: not valid JSON: unexpected character (strings must be in double quotes)",
    );
    expect(error.location).toEqual({ file: "imagepin.lock", line: 3, column: 14 });
    expect(parseError("").message).toBe("imagepin.lock:1:1: not valid JSON: unexpected end of input");
  });
});

describe("Lockfile platforms", () => {
  const entry = {
    reference: "docker.io/library/nginx:1.25",
    digest: "sha256:" + "a".repeat(64),
    mediaType: "m",
    resolvedAt: "2026-01-01T00:00:00.000Z",
  };

  it("finds an entry written as linux/arm64 when asked for linux/arm64/v8, and the other way round", () => {
    const short = Lockfile.parse(JSON.stringify({ version: 1, images: [{ ...entry, platform: "linux/arm64" }] }), "l");
    expect(short.get(entry.reference, { os: "linux", architecture: "arm64", variant: "v8" })?.digest).toBe(
      entry.digest,
    );
    const long = Lockfile.parse(
      JSON.stringify({ version: 1, images: [{ ...entry, platform: "linux/arm64/v8" }] }),
      "l",
    );
    expect(long.get(entry.reference, { os: "linux", architecture: "arm64" })?.digest).toBe(entry.digest);
    expect(long.get(entry.reference, { os: "linux", architecture: "amd64" })).toBeUndefined();
  });

  it("keeps the bytes of an entry it reads, and records a resolution under the same key", () => {
    const { reference, ...rest } = entry;
    const text = `${JSON.stringify({ version: 1, images: [{ reference, platform: "linux/arm64", ...rest }] }, null, 2)}\n`;
    const lock = Lockfile.parse(text, "l");
    lock.record({ ...entry, platform: "linux/arm64/v8" });
    expect(lock.serialize()).toBe(text);
    expect(lock.size).toBe(1);
  });

  it("refuses a platform that is not os/arch[/variant]", () => {
    expect(parseError(JSON.stringify({ version: 1, images: [{ ...entry, platform: "linux" }] })).message).toBe(
      "imagepin.lock: images[0].platform must be os/arch[/variant], such as linux/amd64",
    );
  });
});
