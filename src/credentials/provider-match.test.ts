import { describe, expect, it } from "vitest";
import { keyMatches, matchTarget, parseConfigKey } from "./match.js";
import { matchPatternMatches, parseMatchPattern, type MatchPattern } from "./provider-match.js";

function pattern(raw: string): MatchPattern {
  const parsed = parseMatchPattern(raw);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
}

// [matchImages pattern, image as the kubelet sends it, matches?] — the kubelet's documented examples first
const cases: [string, string, boolean][] = [
  ["*.kubernetes.io", "abcde.kubernetes.io/app", true],
  ["*.*.kubernetes.io", "abcde.kubernetes.io/app", false],
  ["*.*.kubernetes.io", "abc.def.kubernetes.io/app", true],
  ["123456789.dkr.ecr.us-east-1.amazonaws.com", "123456789.dkr.ecr.us-east-1.amazonaws.com/app", true],
  ["*.azurecr.io", "example.azurecr.io/team/app", true],
  ["gcr.io", "gcr.io/project/app", true],
  ["*.*.registry.io", "foo.bar.registry.io/app", true],
  ["*.dkr.ecr.*.amazonaws.com", "111.dkr.ecr.eu-west-1.amazonaws.com/app", true],
  ["*.dkr.ecr.*.amazonaws.com", "111.dkr.ecr.amazonaws.com/app", false],
  ["k8s.*", "k8s.io/app", true],
  ["app*.k8s.io", "app1.k8s.io/x", true],
  ["app*.k8s.io", "web.k8s.io/x", false],
  ["x[a-c].k8s.io", "xb.k8s.io/x", true],
  ["x[a-c].k8s.io", "xd.k8s.io/x", false],
  // ports: equal or both absent
  ["registry.io:5000", "registry.io:5000/app", true],
  ["registry.io:5000", "registry.io/app", false],
  ["registry.io", "registry.io:5000/app", false],
  ["127.0.0.1:5000", "127.0.0.1:5000/private/app", true],
  // the path is a string prefix, as in the kubelet
  ["registry.io/team", "registry.io/team/app", true],
  ["registry.io/team", "registry.io/teams/app", true],
  ["registry.io/team", "registry.io/other/app", false],
  // case-sensitive, as filepath.Match is
  ["Registry.io", "registry.io/app", false],
  // Docker Hub is docker.io in the name the kubelet sends; aliases are not folded
  ["docker.io", "docker.io/library/nginx", true],
  ["index.docker.io", "docker.io/library/nginx", false],
  // user information is not part of the host, as in Go's url.Parse
  ["robot@registry.io", "registry.io/app", true],
  // a malformed glob never matches
  ["x[a-.k8s.io", "xa.k8s.io/x", false],
];

describe("matchImages patterns (the kubelet's URLsMatchStr rules)", () => {
  it.each(cases)("%s vs %s → %s", (raw, image, expected) => {
    expect(matchPatternMatches(pattern(raw), image)).toBe(expected);
  });

  it("refuses a glob or anything but digits in the port, as the kubelet's validation does", () => {
    expect(parseMatchPattern("*.example.com:*")).toMatch(/invalid port/);
    expect(parseMatchPattern("example.com:50x")).toMatch(/invalid port/);
    expect(parseMatchPattern("exa mple.com")).toMatch(/invalid character/);
    expect(parseMatchPattern("x[^a-c].k8s.io")).toMatch(/invalid character/);
    // Go reads a host that starts with "[" as an IPv6 literal, so such a class is refused there too
    expect(parseMatchPattern("[a-c]x.k8s.io")).toMatch(/invalid port/);
    expect(typeof parseMatchPattern("example.com:5000/path")).toBe("object");
  });

  it("differs from the config.json key rules of match.ts where the kubelet does", () => {
    const target = (image: string) => {
      const [host, ...rest] = image.split("/");
      return matchTarget(host as string, rest.join("/"))!;
    };
    // path prefix: string for matchImages, whole components for config keys
    expect(matchPatternMatches(pattern("registry.io/team"), "registry.io/teams/app")).toBe(true);
    expect(keyMatches(parseConfigKey("registry.io/team")!, target("registry.io/teams/app"))).toBe(false);
    // Docker Hub aliases: folded for config keys only
    expect(matchPatternMatches(pattern("index.docker.io"), "docker.io/library/nginx")).toBe(false);
    expect(keyMatches(parseConfigKey("index.docker.io")!, target("docker.io/library/nginx"))).toBe(true);
    // host case: config keys compare case-insensitively
    expect(keyMatches(parseConfigKey("Registry.io")!, target("registry.io/app"))).toBe(true);
    // where the rules agree (one label per *, ports equal) both say the same
    for (const [raw, image] of [
      ["*.example.com", "a.example.com/app"],
      ["*.example.com", "a.b.example.com/app"],
      ["r.io:5000", "r.io/app"],
    ] as const) {
      expect(matchPatternMatches(pattern(raw), image)).toBe(keyMatches(parseConfigKey(raw)!, target(image)));
    }
  });
});
