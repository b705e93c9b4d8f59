import { describe, expect, it } from "vitest";
import { isRegistryError } from "./errors.js";
import { isLoopbackHost, validateRealm } from "./realm.js";

const publicLookup = async () => ["93.184.216.34"];
const https = new URL("https://registry.example.com");
const http = new URL("http://registry.example.com:5000");
const loopback = new URL("http://127.0.0.1:5000");

async function refused(realm: string, registry: URL, lookup = publicLookup): Promise<boolean> {
  const error = await validateRealm(realm, registry, registry.host, lookup).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error !== undefined && !isRegistryError(error)) throw error;
  return error !== undefined;
}

describe("validateRealm", () => {
  it.each([
    ["https realm for an https registry", "https://auth.example.com/token", https, false],
    ["http realm for an https registry", "http://auth.example.com/token", https, true],
    ["http realm for an http registry", "http://auth.example.com/token", http, false],
    ["user info", "https://user:pw@auth.example.com/token", https, true],
    ["not a URL", "auth.example.com/token", https, true],
    ["ftp", "ftp://auth.example.com/token", https, true],
    ["loopback IPv4", "https://127.0.0.1/token", https, true],
    ["loopback in 127/8", "https://127.9.9.9/token", https, true],
    ["loopback decimal form", "https://2130706433/token", https, true],
    ["localhost", "https://localhost:8443/token", https, true],
    ["IPv6 loopback", "https://[::1]/token", https, true],
    ["IPv4-mapped loopback", "https://[::ffff:127.0.0.1]/token", https, true],
    ["metadata address", "https://169.254.169.254/latest", https, true],
    ["link-local", "https://169.254.10.1/token", https, true],
    ["IPv6 link-local", "https://[fe80::1]/token", https, true],
    ["AWS IPv6 metadata", "https://[fd00:ec2::254]/token", https, true],
    ["GCP metadata name", "https://metadata.google.internal/token", https, true],
    ["unspecified", "https://0.0.0.0/token", https, true],
    ["IPv6 unspecified", "https://[::]/token", https, true],
    ["loopback realm for a loopback registry", "http://127.0.0.1:9000/token", loopback, false],
    ["https realm for a loopback http registry", "https://localhost:9000/token", loopback, false],
    // A port-forwarded loopback registry may use a loopback token server, never a metadata or link-local one (issue 18).
    ["metadata realm for a loopback registry", "http://169.254.169.254/latest", loopback, true],
    ["link-local realm for a loopback registry", "http://169.254.10.1/token", loopback, true],
    ["IPv6 link-local realm for a loopback registry", "http://[fe80::1]/token", loopback, true],
    ["AWS IPv6 metadata realm for a loopback registry", "http://[fd00:ec2::254]/token", loopback, true],
    ["GCP metadata name for a loopback registry", "http://metadata.google.internal/token", loopback, true],
    ["unspecified realm for a loopback registry", "http://0.0.0.0/token", loopback, true],
    [
      "localhost realm for a localhost registry",
      "http://localhost:9000/token",
      new URL("http://localhost:5000"),
      false,
    ],
  ])("%s", async (_name, realm, registry, expected) => {
    expect(await refused(realm, registry)).toBe(expected);
  });

  it("refuses a name that resolves to a forbidden address", async () => {
    expect(await refused("https://rebind.example.com/token", https, async () => ["93.184.216.34", "127.0.0.1"])).toBe(
      true,
    );
    expect(await refused("https://meta.example.com/token", https, async () => ["169.254.169.254"])).toBe(true);
    expect(await refused("http://meta.example.com/token", loopback, async () => ["169.254.169.254"])).toBe(true);
    expect(await refused("http://auth.localhost/token", loopback, async () => ["127.0.0.1"])).toBe(false);
  });
});

describe("isLoopbackHost", () => {
  it.each([
    ["localhost", true],
    ["a.localhost", true],
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["[::1]", true],
    ["::1", true],
    ["128.0.0.1", false],
    ["example.com", false],
    ["10.0.0.1", false],
    ["[::2]", false],
  ])("%s → %s", (host, expected) => expect(isLoopbackHost(host)).toBe(expected));
});
