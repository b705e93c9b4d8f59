/**
 * Matching of credential keys (config.json `auths` keys, pull secret keys, `credHelpers` keys)
 * against an image's registry and repository, following the kubelet's rules for config.json keys
 * (Kubernetes docs, "Images" → "Interpretation of config.json"), with one deliberate tightening the
 * issue asks for: path prefixes match on whole components.
 *
 * - The scheme is ignored, and so is a bare API version path (`https://quay.io/v1/`, `/v2/`).
 * - Host names compare case-insensitively, label by label; `*` inside a label matches any run of
 *   characters within that one label, so `*.example.com` matches `a.example.com` but neither
 *   `example.com` nor `a.b.example.com`.
 * - Ports must match exactly: a key without a port never matches a host with one, and vice versa.
 * - A key's path is a prefix of the repository on whole `/` components.
 * - `docker.io`, `index.docker.io`, `registry-1.docker.io` and `https://index.docker.io/v1/` all
 *   name Docker Hub.
 */

import { dockerHubApiHost, dockerHubDomain, legacyDockerHubDomain } from "../reference/index.js";

/** A credential key taken apart for matching. */
export interface ConfigKey {
  /** The key as written in the file. */
  raw: string;
  /** Lower-case host labels (`["*", "example", "com"]`); Docker Hub aliases become `docker.io`. */
  labels: string[];
  /** The port as written, or undefined when the key has none. */
  port: string | undefined;
  /** Repository path prefix components (`["images"]`), empty for a host-only key. */
  path: string[];
  /** True when any host label contains `*`. */
  glob: boolean;
}

const dockerHubAliases = new Set([dockerHubDomain, legacyDockerHubDomain, dockerHubApiHost]);
const schemePattern = /^[a-z][a-z0-9+.-]*:\/\//i;
const apiVersionPath = /^v[12]$/;

/**
 * Takes a credential key apart: `https://my.registry:5000/images/` → host labels, port, path.
 * Returns undefined for a key with no host (such keys can match nothing and are skipped).
 */
export function parseConfigKey(raw: string): ConfigKey | undefined {
  let text = raw.trim().replace(schemePattern, "");
  const slash = text.indexOf("/");
  const hostPort = slash === -1 ? text : text.slice(0, slash);
  text = slash === -1 ? "" : text.slice(slash + 1);
  const split = splitHostPort(hostPort);
  if (split === undefined) return undefined;
  let path = text.split("/").filter((part) => part !== "");
  // `https://index.docker.io/v1/` and friends: the API version is not a repository prefix.
  if (path.length === 1 && apiVersionPath.test(path[0] as string)) path = [];
  const labels = canonicalHost(split.host).split(".");
  return { raw, labels, port: split.port, path, glob: labels.some((label) => label.includes("*")) };
}

/** Splits `host[:port]` (IPv6 in brackets); undefined when the host is empty or the port is not numeric. */
function splitHostPort(hostPort: string): { host: string; port: string | undefined } | undefined {
  let host = hostPort;
  let port: string | undefined;
  const close = hostPort.lastIndexOf("]");
  const colon = hostPort.lastIndexOf(":");
  if (colon > close) {
    host = hostPort.slice(0, colon);
    port = hostPort.slice(colon + 1);
    if (!/^[0-9]+$/.test(port)) return undefined;
  }
  host = host.toLowerCase();
  if (host === "") return undefined;
  return { host, port };
}

/** Lower-cases a host and maps every Docker Hub alias to `docker.io`. */
function canonicalHost(host: string): string {
  const lower = host.toLowerCase();
  return dockerHubAliases.has(lower) ? dockerHubDomain : lower;
}

/** The registry and repository of an image, prepared for matching many keys. */
export interface MatchTarget {
  /** Every host name the registry answers to (all three aliases for Docker Hub), as labels. */
  hosts: string[][];
  port: string | undefined;
  path: string[];
}

/**
 * Prepares a registry (`docker.io`, `localhost:5000`, `[::1]:5000`) and repository (`library/nginx`)
 * for {@link keyMatches}. Returns undefined when the registry is not a `host[:port]`.
 */
export function matchTarget(registry: string, repository: string): MatchTarget | undefined {
  const split = splitHostPort(registry.trim().replace(schemePattern, "").replace(/\/+$/, ""));
  if (split === undefined) return undefined;
  const host = canonicalHost(split.host);
  // A glob such as `*.docker.io` should see Docker Hub under the names it is known by.
  const names = host === dockerHubDomain && split.port === undefined ? [...dockerHubAliases] : [host];
  return {
    hosts: names.map((name) => name.split(".")),
    port: split.port,
    path: repository.split("/").filter((part) => part !== ""),
  };
}

/** True when a parsed key applies to the target: same port, host labels match, path prefix on whole components. */
export function keyMatches(key: ConfigKey, target: MatchTarget): boolean {
  if (key.port !== target.port) return false;
  if (key.path.length > target.path.length) return false;
  if (!key.path.every((part, index) => part === target.path[index])) return false;
  if (!key.glob) {
    // Exact keys are canonical already (Docker Hub aliases folded), so compare with the first name.
    const first = target.hosts[0] as string[];
    return first.length === key.labels.length && key.labels.every((label, index) => label === first[index]);
  }
  return target.hosts.some(
    (labels) =>
      labels.length === key.labels.length &&
      key.labels.every((pattern, index) => labelMatches(pattern, labels[index] as string)),
  );
}

/** Matches one host label against a pattern in which `*` stands for any run of characters (no dots). */
function labelMatches(pattern: string, label: string): boolean {
  if (!pattern.includes("*")) return pattern === label;
  const parts = pattern.split("*");
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (label.length < first.length + last.length || !label.startsWith(first) || !label.endsWith(last)) return false;
  // Greedy left-to-right search for the middle parts is exact for `*`-only patterns.
  let at = first.length;
  const end = label.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = label.indexOf(middle, at);
    if (found === -1 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

/**
 * Orders matching keys most specific first: a longer path prefix first, then an exact host before
 * a glob, then fewer `*`s. Equal keys keep their order (use with a stable sort).
 */
export function compareSpecificity(a: ConfigKey, b: ConfigKey): number {
  if (a.path.length !== b.path.length) return b.path.length - a.path.length;
  if (a.glob !== b.glob) return a.glob ? 1 : -1;
  return countStars(a) - countStars(b);
}

function countStars(key: ConfigKey): number {
  return key.labels.reduce((sum, label) => sum + label.split("*").length - 1, 0);
}

/**
 * The server address to hand a credential store (`credsStore`) for a registry: Docker's own
 * convention, `https://index.docker.io/v1/` for Docker Hub and `host[:port]` for everything else.
 */
export function credentialStoreServerUrl(registry: string): string {
  const split = splitHostPort(registry.trim().replace(schemePattern, "").replace(/\/+$/, ""));
  if (split === undefined) return registry;
  const host = canonicalHost(split.host);
  if (host === dockerHubDomain && split.port === undefined) return "https://index.docker.io/v1/";
  return split.port === undefined ? host : `${host}:${split.port}`;
}
