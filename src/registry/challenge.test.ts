import { describe, expect, it } from "vitest";
import { parseChallenges } from "./challenge.js";

describe("parseChallenges", () => {
  const cases: [string, string, ReturnType<typeof parseChallenges>][] = [
    [
      "Docker Hub bearer",
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      [
        {
          scheme: "bearer",
          params: {
            realm: "https://auth.docker.io/token",
            service: "registry.docker.io",
            scope: "repository:library/nginx:pull",
          },
        },
      ],
    ],
    [
      "basic with spaces around =",
      'Basic realm = "Registry Realm"',
      [{ scheme: "basic", params: { realm: "Registry Realm" } }],
    ],
    [
      "unquoted token values and case",
      "BEARER Realm=https://a/t, Service=svc",
      [{ scheme: "bearer", params: { realm: "https://a/t", service: "svc" } }],
    ],
    [
      "quoted commas and escapes",
      'Bearer realm="https://a/t?x=1,2",error="insufficient_scope",note="say \\"hi\\""',
      [{ scheme: "bearer", params: { realm: "https://a/t?x=1,2", error: "insufficient_scope", note: 'say "hi"' } }],
    ],
    [
      "two challenges in one header",
      'Basic realm="r", Bearer realm="https://a/t",service="s"',
      [
        { scheme: "basic", params: { realm: "r" } },
        { scheme: "bearer", params: { realm: "https://a/t", service: "s" } },
      ],
    ],
    [
      "token68",
      "Negotiate abc123==, Basic realm=x",
      [
        { scheme: "negotiate", params: {}, token68: "abc123==" },
        { scheme: "basic", params: { realm: "x" } },
      ],
    ],
    ["scheme alone", "Basic", [{ scheme: "basic", params: {} }]],
    ["empty", "", []],
    [
      "unterminated quote keeps the rest",
      'Bearer realm="https://a/t',
      [{ scheme: "bearer", params: { realm: "https://a/t" } }],
    ],
    ["garbage stops the list", 'Bearer realm="x" ;;; junk', [{ scheme: "bearer", params: { realm: "x" } }]],
  ];
  for (const [name, header, expected] of cases) {
    it(name, () => expect(parseChallenges(header)).toEqual(expected));
  }
});
