import { describe, expect, it } from "vitest";
import { basicAuthorization, credentialIdentity, TokenCache } from "./auth.js";

describe("TokenCache", () => {
  it("keeps a token until it expires, then fetches again", async () => {
    let clock = 1000;
    const cache = new TokenCache(() => clock);
    const key = TokenCache.key("https://a/t", "svc", ["repository:x:pull"], "anonymous");
    let fetches = 0;
    const fetch = async () => ({ token: `t${++fetches}`, expiresAt: clock + 50_000 });
    expect(await cache.get(key, fetch)).toBe("t1");
    clock += 49_999;
    expect(await cache.get(key, fetch)).toBe("t1");
    clock += 1;
    expect(await cache.get(key, fetch)).toBe("t2");
    cache.forget(key);
    expect(await cache.get(key, fetch)).toBe("t3");
  });

  it("shares one fetch between concurrent callers and keys by scope set and credential", async () => {
    const cache = new TokenCache(() => 0);
    let fetches = 0;
    const fetch = async () => {
      fetches++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return { token: "t", expiresAt: 1000 };
    };
    const key = TokenCache.key("https://a/t", "svc", ["b", "a"], "id1");
    await Promise.all([cache.get(key, fetch), cache.get(key, fetch), cache.get(TokenCache.key("https://a/t", "svc", ["a", "b"], "id1"), fetch)]);
    expect(fetches).toBe(1);
    expect(TokenCache.key("https://a/t", "svc", ["a"], "id1")).not.toBe(TokenCache.key("https://a/t", "svc", ["a"], "id2"));
  });

  it("does not keep a failed fetch", async () => {
    const cache = new TokenCache(() => 0);
    await expect(cache.get("k", async () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cache.get("k", async () => ({ token: "ok", expiresAt: 10 }))).toBe("ok");
  });
});

describe("credentials in headers", () => {
  it("builds Basic only from a user name and password", () => {
    expect(basicAuthorization({ username: "u", password: "p:w" })).toBe(`Basic ${Buffer.from("u:p:w").toString("base64")}`);
    expect(basicAuthorization({ identityToken: "x" })).toBeUndefined();
    expect(basicAuthorization(undefined)).toBeUndefined();
  });

  it("names credentials without revealing them", () => {
    const id = credentialIdentity({ username: "u", password: "secret" });
    expect(id).not.toContain("secret");
    expect(id).toBe(credentialIdentity({ username: "u", password: "secret" }));
    expect(id).not.toBe(credentialIdentity({ username: "u", password: "other" }));
  });
});
