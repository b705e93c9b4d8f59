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
    expect(error.message).toBe("imagepin.lock:3:14: not valid JSON: unexpected character (strings must be in double quotes)");
    expect(error.location).toEqual({ file: "imagepin.lock", line: 3, column: 14 });
    expect(parseError("").message).toBe("imagepin.lock:1:1: not valid JSON: unexpected end of input");
  });
});
