import { describe, expect, it } from "vitest";
import { defaultRetryPolicy, isRetryableStatus, parseRetryAfter, retryDelay } from "./retry.js";

const now = Date.parse("2026-01-01T00:00:00Z");

describe("parseRetryAfter", () => {
  it.each([
    [undefined, undefined],
    ["3", 3000],
    [" 0 ", 0],
    ["Thu, 01 Jan 2026 00:00:05 GMT", 5000],
    ["Wed, 31 Dec 2025 23:00:00 GMT", 0],
    ["soon", undefined],
    ["-1", undefined],
  ])("%j → %j", (header, expected) => expect(parseRetryAfter(header, now)).toBe(expected));
});

describe("retryDelay", () => {
  const base = { policy: defaultRetryPolicy, now };

  it("backs off exponentially with jitter between half and all of the ceiling", () => {
    expect(retryDelay(0, undefined, { ...base, random: () => 0 })).toBe(100);
    expect(retryDelay(0, undefined, { ...base, random: () => 1 })).toBe(200);
    expect(retryDelay(2, undefined, { ...base, random: () => 0 })).toBe(400);
    expect(retryDelay(2, undefined, { ...base, random: () => 1 })).toBe(800);
    expect(retryDelay(10, undefined, { ...base, random: () => 1 })).toBe(defaultRetryPolicy.maxDelayMs);
  });

  it("honours Retry-After instead, and gives up when it asks for too long", () => {
    expect(retryDelay(0, "2", { ...base, random: () => 0.5 })).toBe(2000);
    expect(retryDelay(0, "31", { ...base, random: () => 0.5 })).toBeUndefined();
  });

  it("does not retry past the deadline", () => {
    expect(retryDelay(0, "2", { ...base, random: () => 0.5, remainingMs: 1500 })).toBeUndefined();
    expect(retryDelay(0, undefined, { ...base, random: () => 1, remainingMs: 1000 })).toBe(200);
  });
});

describe("isRetryableStatus", () => {
  it.each([
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [501, false],
    [505, false],
    [404, false],
    [401, false],
    [200, false],
  ])("%d → %s", (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });
});
