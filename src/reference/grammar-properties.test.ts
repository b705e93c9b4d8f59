// Properties of the grammar over generated input: what it formats it parses back to the same
// reference, and no input, however hostile, makes it throw anything but a typed error.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ImageReference, InvalidReferenceError, parseReference } from "./index.js";

const codes = new Set([
  "empty",
  "invalid-format",
  "name-contains-uppercase",
  "name-too-long",
  "invalid-digest",
  "unsupported-digest-algorithm",
  "hex-identifier-name",
]);

const alnum = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const separator = fc.constantFrom(".", "_", "__", "-", "--");
const pathComponent = fc
  .tuple(alnum, fc.array(fc.tuple(separator, alnum), { maxLength: 2 }))
  .map(([head, rest]) => head + rest.map(([sep, part]) => sep + part).join(""));
const path = fc.array(pathComponent, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/"));
const hostLabel = fc.stringMatching(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,6}[a-zA-Z0-9])?$/);
const port = fc.integer({ min: 1, max: 65535 }).map(String);
const domain = fc.oneof(
  fc
    .tuple(fc.array(hostLabel, { minLength: 2, maxLength: 3 }), fc.option(port))
    .map(([labels, p]) => labels.join(".") + (p ? `:${p}` : "")),
  fc.tuple(hostLabel, port).map(([label, p]) => `${label}:${p}`),
  fc.option(port).map((p) => `localhost${p ? `:${p}` : ""}`),
  // distribution accepts only hex digits and colons inside brackets (no embedded IPv4, no zone)
  fc
    .tuple(
      fc.ipV6().filter((ip) => !ip.includes(".")),
      fc.option(port),
    )
    .map(([ip, p]) => `[${ip}]${p ? `:${p}` : ""}`),
  fc.ipV4().map((ip) => ip),
);
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
const digest = fc.oneof(
  fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`),
  fc.stringMatching(/^[a-f0-9]{128}$/).map((hex) => `sha512:${hex}`),
);
const reference = fc
  .record({ domain: fc.option(domain), path, tag: fc.option(tag), digest: fc.option(digest) })
  // without a registry, a first path part with a dot would be read as one (as Docker reads it)
  .filter(({ domain: d, path: p }) => d !== null || !(p.split("/")[0] ?? "").includes("."))
  .map(({ domain: d, path: p, tag: t, digest: g }) => (d ? `${d}/` : "") + p + (t ? `:${t}` : "") + (g ? `@${g}` : ""))
  .filter((text) => !/^[a-f0-9]{64}$/.test(text) && !(text.split("/")[0] ?? "").match(/[A-Z]/));

function parseOrError(text: string): ImageReference | InvalidReferenceError {
  try {
    return parseReference(text);
  } catch (error) {
    if (error instanceof InvalidReferenceError) return error;
    throw error;
  }
}

describe("grammar properties", () => {
  it("parses every generated reference, and its normalized and familiar forms parse back to it", () => {
    fc.assert(
      fc.property(reference, (text) => {
        const ref = parseReference(text);
        const again = parseReference(ref.normalized);
        expect(again.normalized).toBe(ref.normalized);
        expect([again.domain, again.path, again.digest]).toEqual([ref.domain, ref.path, ref.digest]);
        expect(parseReference(ref.familiar).normalized).toBe(ref.normalized);
      }),
      { numRuns: 500 },
    );
  });

  it("throws only typed errors with a known code, for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-composite", maxLength: 80 }), (text) => {
        const result = parseOrError(text);
        if (result instanceof InvalidReferenceError) expect(codes.has(result.code)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("throws only typed errors for mutations of valid references", () => {
    const mutated = fc
      .tuple(
        reference,
        fc.nat(),
        fc.constantFrom("", "/", ":", "@", ".", "-", "_", "A", " ", "[", "]", "\u0000", "é", "sha256:"),
      )
      .map(([text, at, insert]) => {
        const index = at % (text.length + 1);
        return text.slice(0, index) + insert + text.slice(index + (at % 2));
      });
    fc.assert(
      fc.property(mutated, (text) => {
        const result = parseOrError(text);
        if (result instanceof InvalidReferenceError) expect(codes.has(result.code)).toBe(true);
        else expect(parseReference(result.normalized).normalized).toBe(result.normalized);
      }),
      { numRuns: 2000 },
    );
  });

  it("answers hostile input of 100,000 characters with a typed error", () => {
    for (const text of [
      "a-".repeat(50_000),
      `${"a".repeat(99_999)}!`,
      `${"a.".repeat(50_000)}/x`,
      `x@sha256:${"a".repeat(100_000)}`,
    ]) {
      const result = parseOrError(text);
      expect(result).toBeInstanceOf(InvalidReferenceError);
    }
  });
});
