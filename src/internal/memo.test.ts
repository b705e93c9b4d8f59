import { describe, expect, it } from "vitest";
import { Memo } from "./memo.js";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe("Memo", () => {
  it("shares one call in flight between concurrent callers of a key", async () => {
    const memo = new Memo<string>({ maxEntries: 10 });
    const pending = deferred<string>();
    let calls = 0;
    const load = () => {
      calls++;
      return pending.promise;
    };
    const first = memo.get("a", load);
    const second = memo.get("a", load);
    pending.resolve("value");
    expect(await first).toBe("value");
    expect(await second).toBe("value");
    expect(calls).toBe(1);
  });

  it("keeps a settled value until its TTL has passed on the injected clock, then loads again", async () => {
    let now = 1_000;
    const memo = new Memo<string>({ maxEntries: 10, ttlMs: 500, now: () => now });
    let calls = 0;
    const load = async () => `v${++calls}`;
    expect(await memo.get("a", load)).toBe("v1");
    now += 499;
    expect(memo.peek("a")).toBe("v1");
    expect(await memo.get("a", load)).toBe("v1");
    now += 1;
    expect(memo.peek("a")).toBeUndefined();
    expect(await memo.get("a", load)).toBe("v2");
  });

  it("takes each value's own TTL from a function of the value", async () => {
    let now = 0;
    const memo = new Memo<{ lifetime: number }>({ maxEntries: 10, ttlMs: (value) => value.lifetime, now: () => now });
    await memo.get("short", async () => ({ lifetime: 10 }));
    await memo.get("long", async () => ({ lifetime: 1_000 }));
    now = 20;
    expect(memo.peek("short")).toBeUndefined();
    expect(memo.peek("long")).toEqual({ lifetime: 1_000 });
  });

  it("never keeps a rejection: the next call loads again", async () => {
    const memo = new Memo<string>({ maxEntries: 10 });
    let calls = 0;
    const load = async () => {
      calls++;
      if (calls === 1) throw new Error("outage");
      return "recovered";
    };
    await expect(memo.get("a", load)).rejects.toThrow("outage");
    expect(await memo.get("a", load)).toBe("recovered");
    expect(calls).toBe(2);
  });

  it("with a TTL of 0 shares calls in flight but keeps nothing once settled", async () => {
    const memo = new Memo<string>({ maxEntries: 10, ttlMs: 0 });
    let calls = 0;
    const load = async () => `v${++calls}`;
    const [a, b] = await Promise.all([memo.get("a", load), memo.get("a", load)]);
    expect([a, b]).toEqual(["v1", "v1"]);
    expect(memo.size).toBe(0);
    expect(await memo.get("a", load)).toBe("v2");
  });

  it("holds at most maxEntries values, evicting the least recently used", async () => {
    const memo = new Memo<number>({ maxEntries: 2 });
    await memo.get("a", async () => 1);
    await memo.get("b", async () => 2);
    memo.peek("a");
    await memo.get("c", async () => 3);
    expect(memo.size).toBe(2);
    expect(memo.peek("b")).toBeUndefined();
    expect(memo.peek("a")).toBe(1);
  });

  it("forgets a key on delete", async () => {
    const memo = new Memo<string>({ maxEntries: 10 });
    await memo.get("a", async () => "old");
    memo.delete("a");
    expect(await memo.get("a", async () => "new")).toBe("new");
  });
});
