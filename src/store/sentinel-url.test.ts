import { describe, expect, it } from "vitest";
import { parseSentinelUrl } from "./sentinel-url.js";

describe("redis+sentinel:// URLs", () => {
  it.each([
    [
      "redis+sentinel://127.0.0.1:26379/mymaster",
      { sentinels: [{ host: "127.0.0.1", port: 26379 }], masterName: "mymaster", db: 0 },
    ],
    [
      "redis+sentinel://:s%40cret@a.example:26379,b.example:26380,[::1]:26381/imagepin?db=2&prefix=pins:",
      {
        sentinels: [
          { host: "a.example", port: 26379 },
          { host: "b.example", port: 26380 },
          { host: "::1", port: 26381 },
        ],
        masterName: "imagepin",
        password: "s@cret",
        db: 2,
        prefix: "pins:",
      },
    ],
  ])("%s", (url, expected) => {
    expect(parseSentinelUrl(url)).toEqual(expected);
  });

  it.each([
    ["no master name", "redis+sentinel://127.0.0.1:26379"],
    ["empty master name", "redis+sentinel://127.0.0.1:26379/"],
    ["a sentinel without its port", "redis+sentinel://127.0.0.1/mymaster"],
    ["an empty sentinel in the list", "redis+sentinel://127.0.0.1:26379,/mymaster"],
    ["a port out of range", "redis+sentinel://127.0.0.1:70000/mymaster"],
    ["a user name", "redis+sentinel://user:pw@127.0.0.1:26379/mymaster"],
    ["a database that is not a number", "redis+sentinel://127.0.0.1:26379/mymaster?db=one"],
    ["an unknown parameter", "redis+sentinel://127.0.0.1:26379/mymaster?role=replica"],
    ["a path below the master", "redis+sentinel://127.0.0.1:26379/mymaster/0"],
  ])("refuses %s with invalid-store-url", (_name, url) => {
    expect(() => parseSentinelUrl(url)).toThrow(expect.objectContaining({ code: "invalid-store-url" }));
  });

  it("never repeats the password in its message", () => {
    expect(() => parseSentinelUrl("redis+sentinel://:hunter2@127.0.0.1/mymaster")).toThrow(
      expect.not.objectContaining({ message: expect.stringContaining("hunter2") }),
    );
  });
});
