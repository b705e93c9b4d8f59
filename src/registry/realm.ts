import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { RegistryError } from "./errors.js";

/** Resolves a host name to its addresses; injected in tests. */
export type HostLookup = (hostname: string) => Promise<string[]>;

const defaultLookup: HostLookup = async (hostname) =>
  (await lookup(hostname, { all: true })).map((entry) => entry.address);

// Cloud instance metadata services: a token request there could leak the node's own credentials.
const metadataNames = new Set(["metadata", "metadata.google.internal", "metadata.goog"]);
const metadataAddresses = new Set(["169.254.169.254", "fd00:ec2::254", "100.100.100.200"]);

/** True for `localhost`, `*.localhost`, 127.0.0.0/8, `::1` (and the IPv4-mapped forms). */
export function isLoopbackHost(hostname: string): boolean {
  const host = unbracket(hostname).toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const v4 = ipv4Of(host);
  if (v4) return v4[0] === 127;
  return isIP(host) === 6 && expandIpv6(host) === "0000:0000:0000:0000:0000:0000:0000:0001";
}

/** Why an address may not receive a token request, or undefined when it may; loopback is allowed for a loopback registry. */
function forbiddenAddressKind(hostname: string, allowLoopback: boolean): string | undefined {
  const host = unbracket(hostname).toLowerCase();
  if (metadataNames.has(host) || metadataAddresses.has(host)) return "a cloud metadata address";
  if (!allowLoopback && isLoopbackHost(host)) return "a loopback address";
  const v4 = ipv4Of(host);
  if (v4) {
    if (metadataAddresses.has(v4.join("."))) return "a cloud metadata address";
    if (v4[0] === 169 && v4[1] === 254) return "a link-local address";
    if (v4[0] === 0) return "an unspecified address";
    return undefined;
  }
  if (isIP(host) === 6) {
    const full = expandIpv6(host);
    if (full === "0000:0000:0000:0000:0000:0000:0000:0000") return "an unspecified address";
    if (/^fe[89ab]/.test(full)) return "a link-local address";
    if (metadataAddresses.has(host) || full === "fd00:0ec2:0000:0000:0000:0000:0000:0254")
      return "a cloud metadata address";
  }
  return undefined;
}

/**
 * Checks a bearer realm before anything is sent to it, as issue 3's security rules say: https unless the
 * registry itself is http; no user info; no link-local, metadata or unspecified address (by literal or by
 * what the name resolves to) for any registry, and no loopback address unless the registry is itself on
 * loopback (a port-forwarded `localhost:5000` with its token server beside it).
 * @throws RegistryError `invalid-response` naming the registry and why the realm was refused.
 */
export async function validateRealm(
  realm: string,
  registryUrl: URL,
  registry: string,
  resolveHost: HostLookup = defaultLookup,
): Promise<URL> {
  const refuse = (why: string) =>
    new RegistryError("invalid-response", `registry ${registry} sent a token realm imagepin refuses: ${why}`, {
      registry,
      temporary: false,
    });
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw refuse("not a URL");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && registryUrl.protocol === "http:")) {
    throw refuse(`${url.protocol.replace(":", "")} realm for an ${registryUrl.protocol.replace(":", "")} registry`);
  }
  if (url.username !== "" || url.password !== "") throw refuse("the realm URL carries user info");
  const loopbackRegistry = isLoopbackHost(registryUrl.hostname);
  const literal = forbiddenAddressKind(url.hostname, loopbackRegistry);
  if (literal) throw refuse(`${url.host} is ${literal}`);
  if (isIP(unbracket(url.hostname)) === 0) {
    let addresses: string[];
    try {
      addresses = await resolveHost(url.hostname);
    } catch (error) {
      throw new RegistryError(
        "unreachable",
        `cannot resolve the token realm host ${url.hostname} of registry ${registry}`,
        { registry, cause: error },
      );
    }
    for (const address of addresses) {
      const kind = forbiddenAddressKind(address, loopbackRegistry);
      if (kind) throw refuse(`${url.hostname} resolves to ${kind}`);
    }
  }
  return url;
}

function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/** The four bytes of an IPv4 address, also inside an IPv4-mapped IPv6 address; undefined otherwise. */
function ipv4Of(host: string): number[] | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host)?.[1];
  const text = mapped ?? host;
  if (isIP(text) === 4) return text.split(".").map(Number);
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(host);
  if (hexMapped) {
    const high = parseInt(hexMapped[1]!, 16);
    const low = parseInt(hexMapped[2]!, 16);
    return [high >> 8, high & 255, low >> 8, low & 255];
  }
  return undefined;
}

/** An IPv6 address with every group written as four hex digits. */
function expandIpv6(host: string): string {
  const [head = "", tail] = host.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const middle = Array(Math.max(0, 8 - left.length - right.length)).fill("0");
  return [...left, ...middle, ...right].map((group) => group.padStart(4, "0")).join(":");
}
