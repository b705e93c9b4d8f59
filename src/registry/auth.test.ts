import { describe, expect, it } from "vitest";
import { basicAuthorization, credentialIdentity, fetchToken, TokenCache } from "./auth.js";
import type { HttpResponse, Transport } from "./transport.js";

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
    await Promise.all([
      cache.get(key, fetch),
      cache.get(key, fetch),
      cache.get(TokenCache.key("https://a/t", "svc", ["a", "b"], "id1"), fetch),
    ]);
    expect(fetches).toBe(1);
    expect(TokenCache.key("https://a/t", "svc", ["a"], "id1")).not.toBe(
      TokenCache.key("https://a/t", "svc", ["a"], "id2"),
    );
  });

  it("does not keep a failed fetch", async () => {
    const cache = new TokenCache(() => 0);
    await expect(cache.get("k", async () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cache.get("k", async () => ({ token: "ok", expiresAt: 10 }))).toBe("ok");
  });
});

describe("credentials in headers", () => {
  it("builds Basic only from a user name and password", () => {
    expect(basicAuthorization({ username: "u", password: "p:w" })).toBe(
      `Basic ${Buffer.from("u:p:w").toString("base64")}`,
    );
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

describe("fetchToken failures", () => {
  const answering = (response: HttpResponse) => ({ send: async () => response }) as unknown as Transport;
  const request = {
    realm: new URL("https://auth.example/token"),
    scopes: ["repository:team/app:pull"],
    registry: "registry.example",
  };
  const where =
    "the token server of registry registry.example (https://auth.example/token) for repository:team/app:pull";

  it("maps statuses as manifest answers are mapped, with the registry's code and rate limit", async () => {
    const limited = {
      status: 429,
      headers: { "ratelimit-remaining": "0" },
      body: Buffer.from(`{"errors":[{"code":"TOOMANYREQUESTS"}]}`),
    };
    await expect(fetchToken(answering(limited), request)).rejects.toMatchObject({
      code: "too-many-requests",
      status: 429,
      registryCode: "TOOMANYREQUESTS",
      message: `${where} is rate limiting (429), remaining 0`,
    });
    await expect(
      fetchToken(answering({ status: 503, headers: {}, body: Buffer.alloc(0) }), request),
    ).rejects.toMatchObject({ code: "server-error", message: `${where} failed with 503` });
    await expect(
      fetchToken(answering({ status: 403, headers: {}, body: Buffer.alloc(0) }), request),
    ).rejects.toMatchObject({ code: "denied", message: `${where} denied access (403)` });
    await expect(
      fetchToken(answering({ status: 401, headers: {}, body: Buffer.alloc(0) }), request),
    ).rejects.toMatchObject({ code: "unauthorized", status: 401 });
    await expect(
      fetchToken(answering({ status: 404, headers: {}, body: Buffer.alloc(0) }), request),
    ).rejects.toMatchObject({ code: "invalid-response", message: `${where} answered 404` });
    await expect(
      fetchToken(answering({ status: 302, headers: {}, body: Buffer.alloc(0) }), request),
    ).rejects.toMatchObject({
      code: "invalid-response",
      message: expect.stringContaining("token requests do not follow redirects"),
    });
  });
});
