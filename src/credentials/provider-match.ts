/**
 * `matchImages` patterns of kubelet credential providers, matched the way the kubelet matches them
 * (pkg/credentialprovider `URLsMatchStr`: the pattern is read as a URL without scheme).
 *
 * - The host is compared label by label (split on `.`), with the same number of labels; each label
 *   of the pattern is a glob: `*` is any run of characters within the label (`*.k8s.io`, `k8s.*.io`,
 *   `app*.k8s.io`), `[a-z]` a character class. Comparison is case-sensitive, as in the kubelet.
 * - The port must be equal (no port matches only no port); a port must be digits: no glob.
 * - The path of the pattern is a prefix of the image's path as a string, so `registry.io/team`
 *   matches `registry.io/teams/app` too.
 * - The image is the repository name as the kubelet hands it to the plugin: normalized, without tag
 *   or digest (`docker.io/library/nginx`), so only `docker.io` (not `index.docker.io`) names Docker Hub.
 *
 * Where these differ from the config.json key rules of `match.ts` (path prefix on whole components,
 * Docker Hub aliases, case-insensitive hosts) the kubelet's rules win here: a pattern that works for
 * the nodes must select the same images for imagepin. The `auth` keys a plugin answers with are
 * config.json keys and are matched by `match.ts`.
 */

/** A `matchImages` pattern taken apart. */
export interface MatchPattern {
  raw: string;
  /** Per-label globs, undefined for a label whose glob is malformed (it never matches, as in the kubelet). */
  labels: (RegExp | undefined)[];
  port: string;
  path: string;
}

/**
 * Parses a pattern as the kubelet's config validation does (Go's `url.Parse("https://" + pattern)`).
 * Returns the reason as a string when it is invalid: a port that is not digits (a glob in the port),
 * or a character that cannot be in a host.
 */
export function parseMatchPattern(raw: string): MatchPattern | string {
  const split = splitSchemeless(raw);
  if (typeof split === "string") return split;
  return { raw, labels: split.host.split(".").map(labelGlob), port: split.port, path: split.path };
}

/** True when `image` (`host[:port]/path`, no tag) matches the pattern. */
export function matchPatternMatches(pattern: MatchPattern, image: string): boolean {
  const target = splitSchemeless(image);
  if (typeof target === "string") return false;
  if (target.port !== pattern.port) return false;
  const labels = target.host.split(".");
  if (labels.length !== pattern.labels.length) return false;
  if (!target.path.startsWith(pattern.path)) return false;
  return pattern.labels.every((glob, index) => glob !== undefined && glob.test(labels[index] as string));
}

/** The first pattern of `patterns` that matches `image`, if any. */
export function firstMatchingPattern(patterns: MatchPattern[], image: string): MatchPattern | undefined {
  return patterns.find((pattern) => matchPatternMatches(pattern, image));
}

// Go's url.Parse rejects these in a host (ASCII that host encoding would escape).
const badHostCharacter = /[^A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"%\u0080-\uffff]/;

function splitSchemeless(text: string): { host: string; port: string; path: string } | string {
  // A query or fragment is not part of host or path (Go splits them off first).
  const cut = text.search(/[?#]/);
  const url = cut === -1 ? text : text.slice(0, cut);
  if (/[\u0000-\u001f\u007f]/.test(url)) return "it holds a control character";
  const slash = url.indexOf("/");
  // Go reads `user@host` as user information and matches the host alone; so does this.
  const withUser = slash === -1 ? url : url.slice(0, slash);
  const authority = withUser.slice(withUser.lastIndexOf("@") + 1);
  const path = slash === -1 ? "" : url.slice(slash);
  const close = authority.lastIndexOf("]");
  const colon = authority.lastIndexOf(":");
  let host = authority;
  let port = "";
  if (authority.startsWith("[")) {
    if (close === -1) return "missing ']' in host";
    const after = authority.slice(close + 1);
    if (after !== "" && !/^:\d*$/.test(after)) return `invalid port ${JSON.stringify(after)} after host`;
    host = authority.slice(1, close);
    port = after.slice(1);
  } else if (colon !== -1) {
    port = authority.slice(colon + 1);
    if (!/^\d*$/.test(port))
      return `invalid port ${JSON.stringify(`:${port}`)} after host (globs are not allowed in ports)`;
    host = authority.slice(0, colon);
  }
  if (badHostCharacter.test(host)) return `invalid character in host ${JSON.stringify(host)}`;
  return { host, port, path };
}

/** A Go `filepath.Match` glob for one label as a RegExp; undefined when the glob is malformed. */
function labelGlob(glob: string): RegExp | undefined {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end === -1) return undefined;
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith("^");
      if (negate) body = body.slice(1);
      if (body === "") return undefined;
      source += `[${negate ? "^" : ""}${body.replace(/[\\\]]/g, "\\$&")}]`;
      i = end;
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}
