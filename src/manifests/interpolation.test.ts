import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  composeLookup,
  expand,
  isUnknown,
  parseInterpolation,
  templatePlaceholders,
  type Dialect,
  type Expansion,
  type Lookup,
} from "./interpolation.js";
import { pinWritten, replaceWrittenDigest } from "./written-image.js";

const digest = `sha256:${"ab".repeat(32)}`;

function expanded(written: string, dialect: Dialect, lookup: Lookup): Expansion {
  const result = expand(written, parseInterpolation(written, dialect), lookup);
  if (isUnknown(result)) throw new Error(`unknown: ${result.variables.join(", ")}`);
  return result;
}

describe("interpolation", () => {
  it("reads Compose defaults, nesting, escapes and unknown variables", () => {
    expect(expanded("${IMG:-nginx}:${TAG:-1.25}", "compose", composeLookup).text).toBe("nginx:1.25");
    expect(expanded("${A:-${B-quay.io}/x}:1", "compose", composeLookup).text).toBe("quay.io/x:1");
    expect(expanded("nginx:1$$x", "compose", composeLookup).text).toBe("nginx:1$x");
    const unknown = expand(
      "$SNUBA_IMAGE:${TAG:?set TAG}",
      parseInterpolation("$SNUBA_IMAGE:${TAG:?set TAG}", "compose"),
      composeLookup,
    );
    expect(isUnknown(unknown) && unknown.variables).toEqual(["$SNUBA_IMAGE", "${TAG:?set TAG}"]);
    // An unclosed `${` is text, so the value is an invalid reference rather than a guess.
    expect(parseInterpolation("nginx:${TAG", "compose")).toEqual([
      { kind: "literal", start: 0, end: 11, text: "nginx:${TAG" },
    ]);
  });

  it("reads Dockerfile escapes with the file's escape character", () => {
    const lookup: Lookup = (name) => (name === "TAG" ? { kind: "set", value: "1.25" } : { kind: "unknown" });
    expect(expanded("nginx:${TAG}", "dockerfile", lookup).text).toBe("nginx:1.25");
    expect(parseInterpolation("a`$b", "dockerfile", "`")).toEqual([
      { kind: "literal", start: 0, end: 1, text: "a" },
      { kind: "literal", start: 1, end: 3, text: "$" },
      { kind: "literal", start: 3, end: 4, text: "b" },
    ]);
  });

  it("finds template placeholders in values no tool here interpolates", () => {
    expect(templatePlaceholders("{IMAGE}")).toEqual(["{IMAGE}"]);
    expect(templatePlaceholders("{{ .Values.image }}:1")).toEqual(["{{ .Values.image }}"]);
    expect(templatePlaceholders("$REGISTRY/app:${TAG}")).toEqual(["$REGISTRY", "${TAG}"]);
    expect(templatePlaceholders("nginx:1.25")).toEqual([]);
  });

  it("replaces a digest written in a default, and refuses one that comes from an ARG's value", () => {
    const old = `sha256:${"0".repeat(64)}`;
    expect(replaceWrittenDigest(expanded(`\${IMG:-nginx@${old}}`, "compose", composeLookup), digest)).toBe(
      `\${IMG:-nginx@${digest}}`,
    );
    const fromArg: Lookup = () => ({ kind: "set", value: `nginx@${old}` });
    expect(replaceWrittenDigest(expanded("${BASE}", "dockerfile", fromArg), digest)).toBeUndefined();
  });
});

// A reference cut into segments, each written as literal text or as one of the variable forms; the
// generator knows which image each form stands for, so the rewrite can be checked against it.
type Form = "literal" | "default" | "dash-default" | "nested" | "bare" | "required" | "alternative" | "unused-default";
const forms: Form[] = [
  "literal",
  "default",
  "dash-default",
  "nested",
  "bare",
  "required",
  "alternative",
  "unused-default",
];

const referenceArb = fc.record({
  domain: fc.constantFrom("", "quay.io/", "localhost:5000/", "ghcr.io/"),
  path: fc.constantFrom("nginx", "org/app", "apache/airflow", "goauthentik/server"),
  tag: fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,6}$/), { nil: undefined }),
});

const caseArb = fc.record({
  reference: referenceArb,
  cuts: fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 4 }),
  forms: fc.array(fc.constantFrom(...forms), { minLength: 5, maxLength: 5 }),
  empties: fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 2 }),
  dialect: fc.constantFrom<Dialect>("compose", "dockerfile"),
});

type GeneratedCase = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

interface Segment {
  written: string;
  from: number;
  to: number;
  variable: boolean;
}

function build({ reference, cuts, forms: chosen, empties, dialect }: GeneratedCase) {
  const full = reference.domain + reference.path + (reference.tag !== undefined ? `:${reference.tag}` : "");
  const points = [0, ...cuts.filter((cut) => cut < full.length).sort((a, b) => a - b), full.length];
  const env = new Map<string, string>();
  const escaped = dialect === "compose" ? "$$" : "\\$";
  const segments: Segment[] = [];
  for (let index = 0; index + 1 < points.length; index++) {
    const text = full.slice(points[index], points[index + 1]);
    const name = `V${index}`;
    const form = chosen[index % chosen.length]!;
    let written: string;
    if (form === "literal") written = text;
    else if (form === "default") written = `\${${name}:-${text}}`;
    else if (form === "dash-default") written = `\${${name}-${text}}`;
    else if (form === "nested") written = `\${${name}:-\${W${index}:-${text}}}`;
    else if (form === "alternative") {
      env.set(name, "on");
      written = `\${${name}:+${text}}`;
    } else {
      env.set(name, text);
      written =
        form === "bare"
          ? `\${${name}}`
          : form === "required"
            ? `\${${name}:?set ${escaped} ${name}}`
            : `\${${name}-${escaped}unused}`;
    }
    segments.push({ written, from: points[index]!, to: points[index + 1]!, variable: form !== "literal" });
  }
  // Variables that expand to nothing, between segments.
  for (const at of empties.filter((point) => points.includes(point)).sort((a, b) => b - a)) {
    const position = segments.findIndex((segment) => segment.from === at);
    segments.splice(position === -1 ? segments.length : position, 0, {
      written: "${EMPTY:-}",
      from: at,
      to: at,
      variable: true,
    });
  }
  const lookup: Lookup = (name) => (env.has(name) ? { kind: "set", value: env.get(name)! } : { kind: "unknown" });
  return { full, written: segments.map((segment) => segment.written).join(""), segments, lookup, tag: reference.tag };
}

describe("structural rewrite property (issue 13)", () => {
  it("expands to the reference, and pins with or without the tag on the structure", () => {
    fc.assert(
      fc.property(caseArb, (generated) => {
        const { full, written, segments, lookup, tag } = build(generated);
        const dialect = generated.dialect;
        const expansion = expanded(written, dialect, lookup);
        expect(expansion.text).toBe(full);
        // Keeping the tag only appends.
        const kept = pinWritten(expansion, digest, true, tag === undefined);
        expect(kept.text).toBe(`${written}${tag === undefined ? ":latest" : ""}@${digest}`);
        expect(expanded(kept.text, dialect, lookup).text).toBe(
          `${full}${tag === undefined ? ":latest" : ""}@${digest}`,
        );
        // Without the tag: removable unless a variable holds both name and tag characters.
        const colon = tag === undefined ? -1 : full.length - tag.length - 1;
        const straddles =
          colon !== -1 && segments.some((segment) => segment.variable && segment.from < colon && segment.to > colon);
        const dropped = pinWritten(expansion, digest, false, tag === undefined);
        expect(dropped.tagKept !== undefined).toBe(straddles);
        const name = colon === -1 ? full : full.slice(0, colon);
        expect(expanded(dropped.text, dialect, lookup).text).toBe(`${straddles ? full : name}@${digest}`);
        if (!straddles && colon !== -1) {
          // Exactly the parts before the tag stay, as written; a literal holding the `:` is cut there.
          const expected = segments
            .map((segment) =>
              segment.to < colon ||
              (segment.to === colon && segment.from < colon) ||
              (segment.from === segment.to && segment.from <= colon)
                ? segment.written
                : !segment.variable && segment.from < colon
                  ? segment.written.slice(0, colon - segment.from)
                  : "",
            )
            .join("");
          expect(dropped.text).toBe(`${expected}@${digest}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("classifies a value with a variable nobody sets as unknown, never as an image", () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.constantFrom("$UNSET", "${UNSET}", "${UNSET:?needed}", "${UNSET:+x}"),
        fc.nat(),
        (generated, variable, where) => {
          const { written } = build(generated);
          const at = [0, written.length][where % 2]!;
          const text =
            written.slice(0, at) + variable + (variable === "$UNSET" && at === 0 ? "/" : "") + written.slice(at);
          const result = expand(text, parseInterpolation(text, generated.dialect), (name) =>
            name === "UNSET" ? { kind: "unknown" } : build(generated).lookup(name),
          );
          expect(isUnknown(result) && result.variables).toContain(variable);
        },
      ),
      { numRuns: 200 },
    );
  });
});
