import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findJsonSyntaxError, parseJsonWithPosition, type JsonParseFailure } from "./json-syntax.js";

describe("findJsonSyntaxError", () => {
  it("agrees with JSON.parse on what is valid", () => {
    const valid = (text: string) => {
      try {
        JSON.parse(text);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.json().map((text) => text.slice(0, -1)),
          fc.json().map((text) => text.replace(/"/, "")),
        ),
        (text) => {
          expect(findJsonSyntaxError(text) === undefined).toBe(valid(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("points at the first bad character with a reason of fixed words", () => {
    expect(findJsonSyntaxError(`{"password":hunter2}`)).toEqual({
      offset: 12,
      reason: "unexpected character (strings must be in double quotes)",
    });
    // a string broken by a raw line break, or never closed, is reported where it starts
    expect(findJsonSyntaxError(`{"a":"x\ny"}`)).toEqual({
      offset: 5,
      reason: "unterminated string (a line break inside must be written \\n)",
    });
    expect(findJsonSyntaxError(`{"a":1 "b"}`)).toEqual({ offset: 7, reason: "expected ',' between values" });
    expect(findJsonSyntaxError(`{"a":"secret`)).toEqual({
      offset: 5,
      reason: "unterminated string (a line break inside must be written \\n)",
    });
    expect(findJsonSyntaxError(`{"a":1`)).toEqual({ offset: 6, reason: "unexpected end of input" });
    expect(findJsonSyntaxError(`{"a":1,}`)).toEqual({ offset: 7, reason: "expected a property name in double quotes" });
    expect(findJsonSyntaxError(`// note\n{}`)?.reason).toBe("comments are not allowed in JSON");
    expect(findJsonSyntaxError(`{} x`)).toEqual({ offset: 3, reason: "unexpected text after the JSON value" });
  });
});

describe("parseJsonWithPosition", () => {
  const failWith = (failure: JsonParseFailure): never => {
    throw Object.assign(new Error("bad"), { failure });
  };
  const failureOf = (text: string): unknown => {
    try {
      parseJsonWithPosition(text, failWith);
    } catch (error) {
      return (error as { failure: unknown }).failure;
    }
    return undefined;
  };

  it("parses valid JSON and ignores a leading byte-order mark", () => {
    expect(parseJsonWithPosition(`\uFEFF{"a":[1,true]}`, failWith)).toEqual({ a: [1, true] });
  });

  it("hands the offset, line, column and reason of the first error to fail, never the text", () => {
    expect(failureOf(`{\n  "password":hunter2}`)).toEqual({
      offset: 15,
      line: 2,
      column: 14,
      reason: "unexpected character (strings must be in double quotes)",
    });
    expect(failureOf(`\uFEFF{"a":"secret`)).toEqual({
      offset: 5,
      line: 1,
      column: 6,
      reason: "unterminated string (a line break inside must be written \\n)",
    });
  });
});
