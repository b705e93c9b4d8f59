import { describe, expect, it } from "vitest";
import { declareArgs, expandWord, type ArgValue } from "./dockerfile-args.js";
import { fakeDigest, memoryResolver } from "../../test/support/test-resolver.js";
import { scanDockerfile } from "./dockerfile.js";
import { pinFiles } from "./pin.js";

const known = (entries: Record<string, string>) =>
  new Map(Object.entries(entries).map(([name, value]) => [name, { value, unresolved: [] }]));

describe("expandWord, as BuildKit's shell lexer", () => {
  const args = known({ A: "1.25", EMPTY: "", REG: "quay.io" });
  it.each([
    ["$A", "1.25"],
    ["${A}", "1.25"],
    ["nginx:${A}-alpine", "nginx:1.25-alpine"],
    ["${MISSING:-1.0}", "1.0"],
    ["${MISSING-1.0}", "1.0"],
    ["${EMPTY:-x}", "x"],
    ["${EMPTY-x}", ""],
    ["${A:+x}", "x"],
    ["${EMPTY:+x}", ""],
    ["${EMPTY+x}", "x"],
    ["${MISSING:+x}", ""],
    ["${MISSING:-${REG}/lib}", "quay.io/lib"],
    ["${MISSING:-'$A'}", "$A"],
    ['"$REG"/x', "quay.io/x"],
    ["'$REG'/x", "$REG/x"],
    ["\\$A", "$A"],
    ["$", "$"],
    ["a$-b", "a$-b"],
  ])("%s is %s", (word, value) => {
    expect(expandWord(word, args)).toEqual({ value, unresolved: [] });
  });

  it("keeps a variable without a value as written and names it", () => {
    expect(expandWord("nginx:${TAG}", args)).toEqual({ value: "nginx:${TAG}", unresolved: ["TAG"] });
    expect(expandWord("$TAG", args)).toEqual({ value: "$TAG", unresolved: ["TAG"] });
    expect(expandWord("${TAG:?set TAG}", args)).toEqual({ value: "${TAG:?set TAG}", unresolved: ["TAG"] });
    expect(expandWord("${A#1.}", args)).toEqual({ value: "${A#1.}", unresolved: ["${A#1.}"] });
  });

  it("uses the escape directive's character", () => {
    expect(expandWord("`$A", args, "`").value).toBe("$A");
  });
});

describe("declareArgs: each default expanded with the ARGs before it", () => {
  const declare = (...lines: string[]) => {
    const args = new Map<string, ArgValue>();
    for (const line of lines) declareArgs(line, args);
    return Object.fromEntries(
      [...args].map(([name, { value, unresolved }]) => [name, unresolved.length > 0 ? { value, unresolved } : value]),
    );
  };

  it("chains defaults over several ARGs and within one", () => {
    expect(declare("A=1.25", "B=${A}", "C=${B}-alpine")).toEqual({ A: "1.25", B: "1.25", C: "1.25-alpine" });
    expect(declare("REG=quay.io ORG=${REG}/team", 'IMAGE="${ORG}/app"')).toEqual({
      REG: "quay.io",
      ORG: "quay.io/team",
      IMAGE: "quay.io/team/app",
    });
    expect(declare("V=${LATER:-default}", "LATER=x")).toEqual({ V: "default", LATER: "x" });
  });

  it("keeps quoted spaces in one word, and an earlier default when an ARG is declared again without one", () => {
    expect(declare('A="x y" B=2', "B")).toEqual({ A: "x y", B: "2" });
  });

  it("carries a variable without a value through the chain", () => {
    expect(declare("TAG", "B=${TAG}")).toEqual({ B: { value: "${TAG}", unresolved: ["TAG"] } });
  });
});

describe("Dockerfile FROM with chained ARGs (issue 18)", () => {
  const text = "ARG A=1.25\nARG B=${A}\nFROM nginx:${B} AS web\nFROM ${REG:-docker.io}/library/alpine:${B:+3.20}\n";

  it("names the image BuildKit would pull, and pins it byte-exactly after the word as written", async () => {
    const scanned = scanDockerfile("Dockerfile", text);
    expect(
      scanned.images.map(({ image, written, notRewritable, line, column }) => ({
        image,
        written,
        notRewritable,
        line,
        column,
      })),
    ).toEqual([
      { image: "nginx:1.25", written: "nginx:${B}", notRewritable: undefined, line: 3, column: 6 },
      {
        image: "docker.io/library/alpine:3.20",
        written: "${REG:-docker.io}/library/alpine:${B:+3.20}",
        notRewritable: undefined,
        line: 4,
        column: 6,
      },
    ]);
    const [pinned] = await pinFiles([scanned], { resolver: memoryResolver() });
    const nginx = fakeDigest("docker.io/library/nginx:1.25");
    const alpine = fakeDigest("docker.io/library/alpine:3.20");
    expect(pinned!.output).toBe(
      `ARG A=1.25\nARG B=\${A}\nFROM nginx:\${B}@${nginx} AS web\nFROM \${REG:-docker.io}/library/alpine:\${B:+3.20}@${alpine}\n`,
    );
  });

  it("still refuses to pin an image whose chain ends in an ARG without a default", () => {
    const [image] = scanDockerfile("Dockerfile", "ARG TAG\nARG B=${TAG}\nFROM nginx:${B}\n").images;
    // Reported as issue 13's image-from-variable: the FROM word as written, known only at build time.
    expect(image).toMatchObject({
      image: "nginx:${B}",
      notRewritable: expect.stringContaining("an ARG with no default"),
    });
    expect(image).toMatchObject({
      notRewritable: expect.stringContaining("${B}, which uses TAG, an ARG with no default"),
    });
  });
});
