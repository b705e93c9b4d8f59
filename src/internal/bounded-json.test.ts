import { describe, expect, it } from "vitest";
import { jsonDepthWithin, JsonTooDeepError, maxJsonDepth, parseBoundedJson } from "./bounded-json.js";

const nested = (depth: number, open = "[", close = "]") => open.repeat(depth) + close.repeat(depth);

describe("bounded JSON", () => {
  it("parses documents up to the bound and refuses deeper ones without parsing", () => {
    expect(parseBoundedJson(nested(maxJsonDepth))).toBeInstanceOf(Array);
    expect(() => parseBoundedJson(nested(maxJsonDepth + 1))).toThrow(JsonTooDeepError);
    expect(() => parseBoundedJson(`{"a":${nested(5, '[{"b":', "}]")}}`, 4)).toThrow(
      expect.objectContaining({ code: "json-too-deep" }),
    );
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    const text = JSON.stringify({ a: '[[[[[[[[[[\\"{{{{{{{{{{', b: ["]]]]"] });
    expect(jsonDepthWithin(text, 2)).toBe(true);
    expect(parseBoundedJson(text, 2)).toEqual({ a: '[[[[[[[[[[\\"{{{{{{{{{{', b: ["]]]]"] });
  });

  it("leaves malformed text to JSON.parse", () => {
    expect(() => parseBoundedJson("{")).toThrow(SyntaxError);
    expect(() => parseBoundedJson("]]]]")).toThrow(SyntaxError);
  });

  it("refuses a million levels at once", () => {
    expect(jsonDepthWithin(nested(1_000_000))).toBe(false);
  });
});
