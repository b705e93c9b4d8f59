import { describe, expect, it } from "vitest";
import { abandonOnAbort } from "./abort.js";

const aborted = () => new Error("gave up");

describe("abandonOnAbort", () => {
  it("passes the promise through without a signal or when it settles first", async () => {
    const promise = Promise.resolve(1);
    expect(abandonOnAbort(promise, undefined, aborted)).toBe(promise);
    const controller = new AbortController();
    await expect(abandonOnAbort(Promise.resolve(2), controller.signal, aborted)).resolves.toBe(2);
    await expect(abandonOnAbort(Promise.reject(new Error("no")), controller.signal, aborted)).rejects.toThrow("no");
  });

  it("rejects with the caller's error when the signal aborts first, and at once when it already has", async () => {
    const controller = new AbortController();
    const waiting = abandonOnAbort(new Promise<number>(() => {}), controller.signal, aborted);
    controller.abort();
    await expect(waiting).rejects.toThrow("gave up");
    const late = Promise.reject(new Error("late"));
    await expect(abandonOnAbort(late, controller.signal, aborted)).rejects.toThrow("gave up");
  });
});
