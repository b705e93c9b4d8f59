import { describe, expect, it } from "vitest";
import { describeError, ImagepinError } from "./errors.js";

describe("describeError", () => {
  it("gives the code and message of ImagepinErrors, other Errors and thrown values", () => {
    expect(describeError(new ImagepinError("not-found", "no such tag"))).toEqual({
      code: "not-found",
      message: "no such tag",
    });
    expect(describeError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toEqual({
      code: "ECONNRESET",
      message: "socket hang up",
    });
    expect(describeError(Object.assign(new Error("odd"), { code: 42 }))).toEqual({
      code: "internal-error",
      message: "odd",
    });
    expect(describeError(new TypeError("x is undefined"))).toEqual({
      code: "internal-error",
      message: "x is undefined",
    });
    expect(describeError("plain text")).toEqual({ code: "internal-error", message: "plain text" });
  });
});
