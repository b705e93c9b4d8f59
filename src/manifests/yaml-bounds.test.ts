import { describe, expect, it } from "vitest";
import {
  deepBlock,
  deepFlow,
  flowSequence,
  manyAliases,
  manyDocuments,
  podDocument,
} from "../../test/support/hostile-inputs.js";
import { defaultManifestLimits, type ManifestLimits } from "./limits.js";
import { scanYaml } from "./yaml-scan.js";

const scan = (text: string, limits: Partial<ManifestLimits> = {}) => scanYaml("f.yaml", text, { limits });
const problems = (text: string, limits: Partial<ManifestLimits> = {}) =>
  scan(text, limits).problems.map(({ line, column, message }) => ({ line, column, message }));
const images = (text: string, limits: Partial<ManifestLimits> = {}) =>
  scan(text, limits).images.map(({ image, line, column }) => `${image}@${line}:${column}`);

const podAt = (tag: string) => podDocument.replace("nginx:1.25", `nginx:${tag}`);

describe("YAML bounds (issue 18)", () => {
  it("reads the documents before a file-wide count bound and names the bound where it was passed", () => {
    const text = `${podAt("1")}---\n${flowSequence(3000)}---\n${podAt("3")}`;
    expect(images(text, { maxNodes: 500 })).toEqual(["nginx:1@7:14"]);
    expect(problems(text, { maxNodes: 500 })).toEqual([
      {
        line: 8,
        column: 1,
        message:
          "the file has more than 500 YAML nodes, over the node-count bound; this document and the rest of the file were not read",
      },
    ]);
    expect(images(text)).toEqual(["nginx:1@7:14", "nginx:3@17:14"]);
  });

  it("bounds aliases, tokens and documents per file", () => {
    expect(problems(manyAliases(4000), { maxAliases: 100 })).toEqual([
      {
        line: 1,
        column: 1,
        message: expect.stringContaining("more than 100 YAML aliases, over the alias-count bound"),
      },
    ]);
    expect(problems(`${"# comment\n".repeat(100)}${podDocument}`, { maxTokens: 150 })).toEqual([
      { line: 1, column: 1, message: expect.stringContaining("more than 150 YAML tokens, over the token-count bound") },
    ]);
    const documents = `${podAt("1")}---\n${podAt("2")}---\n${manyDocuments(50)}`;
    expect(images(documents, { maxDocuments: 2 })).toEqual(["nginx:1@7:14", "nginx:2@15:14"]);
    expect(problems(documents, { maxDocuments: 2 })).toEqual([
      {
        line: 16,
        column: 1,
        message: expect.stringContaining("more than 2 YAML documents, over the document-count bound"),
      },
    ]);
    expect(problems(`${podDocument}${"x: ---\n".repeat(10)}`, { maxDocuments: 2 })).toEqual([]);
  });

  it("skips only a document nested past the depth bound: the others are read, at their own lines, and rewritable in place", () => {
    for (const deep of [deepFlow(900), deepBlock(900), `${"- ".repeat(900)}x\n`]) {
      const text = `${podAt("1")}---\n${deep}---\n${podAt("3")}`;
      const scanned = scan(text);
      const deepLine = 9;
      expect(scanned.problems).toEqual([
        expect.objectContaining({
          message:
            "the document nests collections more than 100 levels deep, over the nesting-depth bound; it was not read",
        }),
      ]);
      expect(scanned.problems[0]!.line).toBeGreaterThanOrEqual(deepLine);
      const last = scanned.images[1]!;
      expect(scanned.images.map((image) => image.image)).toEqual(["nginx:1", "nginx:3"]);
      expect(last.line).toBe(text.slice(0, text.lastIndexOf("nginx:3")).split("\n").length);
      expect(last.slot?.kind === "replace" && text.slice(last.slot.start, last.slot.end)).toBe("nginx:3");
    }
  });

  it("lets a document at the depth bound through, and ordinary manifests through the defaults untouched", () => {
    expect(problems(deepFlow(defaultManifestLimits.maxDepth - 1))).toEqual([]);
    expect(problems(deepFlow(30), { maxDepth: 10 })).toHaveLength(1);
    expect(problems(deepBlock(30), { maxDepth: 10 })).toHaveLength(1);
    const compose =
      "x-base: &base\n  image: redis:7\nservices:\n  a:\n    <<: *base\n  b:\n    image: *web\n  c:\n    image: &web nginx:1\n";
    expect(problems(compose)).toEqual([]);
  });
});

describe("aliases resolved from one index per document", () => {
  it("names the last node with the anchor before the alias, as YAML says, when an anchor is redefined", () => {
    const compose =
      "services:\n  a:\n    image: &x n:1\n  b:\n    image: *x\n  c:\n    image: &x n:2\n  d:\n    image: *x\n";
    expect(images(compose)).toEqual(["n:1@3:15", "n:1@5:12", "n:2@7:15", "n:2@9:12"]);
    expect(images("services:\n  a:\n    image: *x\n  b:\n    image: &x n:1\n")).toEqual(["n:1@5:15"]);
  });

  it("reads a Pod of thousands of containers sharing one image through aliases", () => {
    const containers = Array.from(
      { length: 5000 },
      (_, index) => `    - name: c${index}\n      image: ${index === 0 ? "&a nginx:1.25" : "*a"}\n`,
    ).join("");
    const found = scan(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n${containers}`).images;
    expect(found).toHaveLength(5000);
    expect(new Set(found.map((image) => image.slot?.kind === "replace" && image.slot.start))).toHaveProperty("size", 1);
  });
});
