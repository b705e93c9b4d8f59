// A table of references and what the grammar makes of them (test/fixtures/references.json): for valid
// ones every part of the parse, for invalid ones the stable error code.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InvalidReferenceError, parseReference } from "./index.js";

interface Case {
  input: string;
  error?: string;
  domain?: string;
  path?: string;
  tag?: string | null;
  digest?: string | null;
  familiar?: string;
}

const cases = JSON.parse(
  readFileSync(new URL("../../test/fixtures/references.json", import.meta.url), "utf8"),
) as Case[];
const label = (input: string) => JSON.stringify(input.length > 70 ? `${input.slice(0, 70)}…(${input.length})` : input);

describe("reference grammar table", () => {
  it("has at least 150 cases, valid and invalid", () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(cases.filter((c) => c.error).length).toBeGreaterThan(50);
    expect(cases.filter((c) => !c.error).length).toBeGreaterThan(50);
  });

  for (const c of cases) {
    if (c.error) {
      it(`rejects ${label(c.input)} with ${c.error}`, () => {
        let thrown: unknown;
        try {
          parseReference(c.input);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(InvalidReferenceError);
        expect((thrown as InvalidReferenceError).code).toBe(c.error);
      });
    } else {
      it(`parses ${label(c.input)}`, () => {
        const ref = parseReference(c.input);
        expect({ domain: ref.domain, path: ref.path, tag: ref.tag ?? null, digest: ref.digest ?? null }).toEqual({
          domain: c.domain,
          path: c.path,
          tag: c.tag ?? null,
          digest: c.digest ?? null,
        });
        expect(ref.name).toBe(`${c.domain}/${c.path}`);
        const tag = c.tag ?? (c.digest ? undefined : "latest");
        expect(ref.normalized).toBe(`${c.domain}/${c.path}${tag ? `:${tag}` : ""}${c.digest ? `@${c.digest}` : ""}`);
        if (c.familiar !== undefined) expect(ref.familiar).toBe(c.familiar);
        // the normalized form is itself a reference that parses to the same thing
        expect(parseReference(ref.normalized).normalized).toBe(ref.normalized);
      });
    }
  }
});

describe("reference helpers", () => {
  const digest = `sha256:${"ab".repeat(32)}`;

  it("adds, replaces and strips tags and digests", () => {
    const ref = parseReference("nginx:1.25");
    expect(ref.withDigest(digest).normalized).toBe(`docker.io/library/nginx:1.25@${digest}`);
    expect(ref.withTag("1.26").familiar).toBe("nginx:1.26");
    expect(ref.withDigest(digest).withoutTag().familiar).toBe(`nginx@${digest}`);
    expect(ref.withDigest(digest).withoutDigest().normalized).toBe("docker.io/library/nginx:1.25");
    expect(ref.withoutTag().normalized).toBe("docker.io/library/nginx:latest");
  });

  it("rejects a bad tag or digest with a typed error", () => {
    const ref = parseReference("nginx");
    expect(() => ref.withTag("-bad")).toThrow(expect.objectContaining({ code: "invalid-format" }));
    expect(() => ref.withDigest("sha256:abc")).toThrow(expect.objectContaining({ code: "invalid-digest" }));
    expect(() => ref.withDigest(`md5:${"a".repeat(32)}`)).toThrow(
      expect.objectContaining({ code: "unsupported-digest-algorithm" }),
    );
  });

  it("treats spellings of the same reference as equal", () => {
    expect(parseReference("nginx").equals(parseReference("docker.io/library/nginx:latest"))).toBe(true);
    expect(parseReference("index.docker.io/nginx").equals(parseReference("nginx:latest"))).toBe(true);
    expect(parseReference("nginx").equals(parseReference("nginx:1"))).toBe(false);
    expect(parseReference("nginx:1").repositoryKey).toBe(
      parseReference("docker.io/library/nginx@" + digest).repositoryKey,
    );
  });

  it("sends Docker Hub requests to its API host and others to their own", () => {
    expect(parseReference("nginx").registryHost).toBe("registry-1.docker.io");
    expect(parseReference("localhost:5000/app").registryHost).toBe("localhost:5000");
    expect(parseReference("docker.io/library/a/b").familiarName).toBe("library/a/b");
    expect(parseReference("docker.io/library/a").familiarName).toBe("a");
  });

  it("knows whether a reference is pinned and which tag it resolves", () => {
    expect(parseReference("nginx").effectiveTag).toBe("latest");
    expect(parseReference(`nginx@${digest}`).effectiveTag).toBeUndefined();
    expect(parseReference(`nginx@${digest}`).isPinned).toBe(true);
    expect(parseReference("nginx:1").isPinned).toBe(false);
  });
});
