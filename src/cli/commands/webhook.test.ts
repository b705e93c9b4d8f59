import { describe, expect, it } from "vitest";
import { storeWithPassword } from "./webhook.js";

describe("storeWithPassword", () => {
  it("puts the password from the environment into a Redis URL, encoded", () => {
    expect(storeWithPassword("redis://redis.imagepin-system.svc:6379/0", "p@ss word")).toBe(
      "redis://:p%40ss%20word@redis.imagepin-system.svc:6379/0",
    );
    expect(storeWithPassword("rediss://r:6380", "s")).toBe("rediss://:s@r:6380");
  });

  it("keeps a URL that has its own password, other stores, and URLs when no password is set", () => {
    expect(storeWithPassword("redis://:own@r:6379", "env")).toBe("redis://:own@r:6379");
    expect(storeWithPassword("sqlite:///var/lib/imagepin/digests.db", "env")).toBe(
      "sqlite:///var/lib/imagepin/digests.db",
    );
    expect(storeWithPassword("redis://r:6379", undefined)).toBe("redis://r:6379");
    expect(storeWithPassword(undefined, "env")).toBeUndefined();
  });
});
