import { BlockList, isIP } from "node:net";
import { domainToASCII } from "node:url";
import { UsageError } from "../errors.js";
import { isLoopbackHost, type HostLookup } from "./realm.js";

/**
 * The HTTP(S) proxies registry requests go through, as the standard variables set them. Built by
 * {@link proxySettingsFromEnv}; the registry client never reads the environment itself.
 */
export interface ProxySettings {
  /** The proxy for `http://` registries (HTTP_PROXY), with the variable it came from. */
  http?: { url: URL; variable: string };
  /** The proxy for `https://` registries (HTTPS_PROXY); HTTP_PROXY is not used for them, as in Go and curl. */
  https?: { url: URL; variable: string };
  /** NO_PROXY as written: hosts that are reached directly. */
  noProxy?: string;
}

/** The value of a variable: the lower-case form wins when both are set, as curl and undici's EnvHttpProxyAgent read them. */
function variable(
  env: Record<string, string | undefined>,
  name: string,
): { value: string; variable: string } | undefined {
  const lower = name.toLowerCase();
  if (env[lower] !== undefined) return { value: env[lower]!, variable: lower };
  if (env[name] !== undefined) return { value: env[name]!, variable: name };
  return undefined;
}

/** A proxy URL with its user info replaced, for messages: `http://***@proxy:3128`. */
export function redactProxy(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/]*@/i, (_, scheme: string | undefined) => `${scheme ?? ""}***@`);
}

/** A proxy URL as written in a variable: `http://[USER:PASSWORD@]HOST[:PORT]`, the scheme optional (http). */
function parseProxyUrl(value: string, name: string): URL {
  const bad = (why: string) =>
    new UsageError(`${name}: ${JSON.stringify(redactProxy(value))} ${why}`, {
      hint: `write it as http://[USER:PASSWORD@]HOST:PORT, or unset ${name}`,
    });
  // Go reads a value without a scheme ("proxy.corp:3128") as http, and so do we.
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad("is not a proxy URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw bad(`uses ${url.protocol.slice(0, -1)}, but only http and https proxies are supported`);
  if (url.hostname === "") throw bad("names no proxy host");
  if ((url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.hash !== "")
    throw bad("has a path or query; a proxy URL is scheme, host and port only");
  return url;
}

/**
 * Reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY (lower case first, as curl and undici do; Go reads upper
 * case first) from `env`. An empty value means no proxy. Proxy credentials come only from the URL's
 * user info and go only to the proxy.
 * @throws UsageError naming the variable when a proxy URL is malformed or not http/https.
 */
export function proxySettingsFromEnv(env: Record<string, string | undefined>): ProxySettings {
  const settings: ProxySettings = {};
  for (const [name, key] of [
    ["HTTP_PROXY", "http"],
    ["HTTPS_PROXY", "https"],
  ] as const) {
    const found = variable(env, name);
    if (found && found.value.trim() !== "")
      settings[key] = { url: parseProxyUrl(found.value.trim(), found.variable), variable: found.variable };
  }
  const noProxy = variable(env, "NO_PROXY")?.value;
  if (noProxy !== undefined && noProxy.trim() !== "") settings.noProxy = noProxy;
  return settings;
}

/** One NO_PROXY entry, read as Go's golang.org/x/net/http/httpproxy reads it. */
type NoProxyRule =
  | { kind: "all" }
  | { kind: "addresses"; list: BlockList; port: string }
  | { kind: "domain"; suffix: string; matchHost: boolean; port: string };

/**
 * Parses NO_PROXY as Go does: comma-separated, case-insensitive; `*` alone bypasses every host; a CIDR
 * (`10.0.0.0/8`, `fd00::/8`) or an IP (optionally `IP:port`, `[IPv6]:port`) matches literal addresses
 * only (no DNS lookup); `example.com` matches it and its subdomains, `.example.com` and `*.example.com`
 * only subdomains; `host:port` only that port. Entries that cannot be read are ignored, as Go ignores them.
 */
export function parseNoProxy(text: string): NoProxyRule[] {
  const rules: NoProxyRule[] = [];
  for (const raw of text.split(",")) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return [{ kind: "all" }];
    const cidr = /^([^/]+)\/(\d{1,3})$/.exec(entry);
    if (cidr) {
      const family = isIP(cidr[1]!);
      const prefix = Number(cidr[2]);
      if (family !== 0 && prefix <= (family === 4 ? 32 : 128)) {
        const list = new BlockList();
        list.addSubnet(cidr[1]!, prefix, family === 4 ? "ipv4" : "ipv6");
        rules.push({ kind: "addresses", list, port: "" });
      }
      continue;
    }
    const { host, port } = splitHostPort(entry);
    if (host === "") continue;
    const family = isIP(host);
    if (family !== 0) {
      const list = new BlockList();
      list.addAddress(host, family === 4 ? "ipv4" : "ipv6");
      rules.push({ kind: "addresses", list, port });
      continue;
    }
    const bare = host.startsWith("*.") ? host.slice(1) : host;
    const matchHost = !bare.startsWith(".");
    const name = matchHost ? bare : bare.slice(1);
    rules.push({ kind: "domain", suffix: `.${domainToASCII(name) || name}`, matchHost, port });
  }
  return rules;
}

/** `host:port`, `[v6]:port` or a bare host (an unbracketed IPv6 address is a host, as in Go). */
function splitHostPort(entry: string): { host: string; port: string } {
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ?? "" };
  const hostPort = /^([^:]*):(\d+)$/.exec(entry);
  if (hostPort) return { host: hostPort[1]!, port: hostPort[2]! };
  return { host: entry, port: "" };
}

function bypasses(rule: NoProxyRule, host: string, port: string): boolean {
  const samePort = (wanted: string) => wanted === "" || wanted === port;
  if (rule.kind === "all") return true;
  if (rule.kind === "addresses") {
    const family = isIP(host);
    return family !== 0 && rule.list.check(host, family === 4 ? "ipv4" : "ipv6") && samePort(rule.port);
  }
  return (host.endsWith(rule.suffix) || (rule.matchHost && host === rule.suffix.slice(1))) && samePort(rule.port);
}

/** Decides, per request URL, which proxy (if any) it goes through. */
export class ProxyRoutes {
  private readonly rules: NoProxyRule[];

  constructor(private readonly settings: ProxySettings = {}) {
    this.rules = parseNoProxy(settings.noProxy ?? "");
  }

  /** True when some request may go through a proxy. */
  get enabled(): boolean {
    return this.settings.http !== undefined || this.settings.https !== undefined;
  }

  /**
   * The proxy for `url`: HTTPS_PROXY for https, HTTP_PROXY for http; none for loopback hosts (never
   * proxied) and hosts NO_PROXY names (the port compared is the URL's, 443 or 80 when it has none).
   */
  proxyFor(url: URL): URL | undefined {
    const proxy =
      url.protocol === "https:" ? this.settings.https : url.protocol === "http:" ? this.settings.http : undefined;
    if (proxy === undefined) return undefined;
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
    if (isLoopbackHost(host)) return undefined;
    const port = url.port || (url.protocol === "https:" ? "443" : "80");
    return this.rules.some((rule) => bypasses(rule, host, port)) ? undefined : proxy.url;
  }
}

/** A proxy URL for logs and messages: scheme, host and port, never its user info. */
export function describeProxy(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/**
 * The realm lookup for a token realm reached through a proxy: the proxy resolves names, and the client
 * often cannot (issue 12), so none is done here. Literal loopback, link-local, metadata and unspecified
 * addresses and the known metadata names are still refused by validateRealm before any lookup.
 */
export const proxiedRealmLookup: HostLookup = async () => [];
