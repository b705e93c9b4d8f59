import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findJsonSyntaxError } from "./json-syntax.js";

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
      fc.property(fc.oneof(fc.json(), fc.string(), fc.json().map((text) => text.slice(0, -1)), fc.json().map((text) => text.replace(/"/, ""))), (text) => {
        expect(findJsonSyntaxError(text) === undefined).toBe(valid(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("points at the first bad character with a reason of fixed words", () => {
    expect(findJsonSyntaxError(`{"password":hunter2}`)).toEqual({ offset: 12, reason: "unexpected character (strings must be in double quotes)" });
    expect(findJsonSyntaxError(`{"a":"x\ny"}`)).toEqual({ offset: 7, reason: "control character in a string (a line break must be written \\n)" });
    expect(findJsonSyntaxError(`{"a":1 "b"}`)?.reason).toBe("expected ',' or '}' after a property value");
    expect(findJsonSyntaxError(`{"a":"secret`)).toEqual({ offset: 12, reason: "unexpected end of input" });
    expect(findJsonSyntaxError(`{} x`)).toEqual({ offset: 3, reason: "unexpected text after the JSON value" });
  });
});
