import { describe, expect, it } from "vitest";
import { insecureRegistry } from "./registry-flags.js";

describe("insecureRegistry", () => {
  it("accepts what the reference grammar reads as a registry host, lowercased and without a scheme", () => {
    expect(insecureRegistry("https://VM.example:5000/")).toBe("vm.example:5000");
    expect(insecureRegistry("[::1]:5000")).toBe("[::1]:5000");
    expect(insecureRegistry("localhost")).toBe("localhost");
  });

  it("refuses hosts no reference can name, so the entry cannot silently never match", () => {
    // The grammar's IPv6 host holds hex digits and colons only: no IPv4-mapped dotted form.
    for (const value of ["[::ffff:10.0.0.1]:5000", "vm:0", "vm:65536", "a_b", "vm:5000/path"]) {
      expect(() => insecureRegistry(value), value).toThrow("--insecure-registry takes HOST[:PORT]");
    }
  });
});
