import { describe, expect, it } from "vitest";
import { scanDockerfile } from "./dockerfile.js";
import { scanText } from "./scan.js";

const images = (text: string) =>
  scanDockerfile("Dockerfile", text).images.map((image) => ({
    image: image.image,
    line: image.line,
    column: image.column,
    name: image.name,
    platform: image.platform,
    rewritable: image.slot !== undefined,
  }));

describe("Dockerfile FROM", () => {
  it("reads platforms, stage names (case-insensitive) and ARG forms", () => {
    const text =
      "ARG REG=quay.io\nARG TAG\nfrom --platform=linux/arm64 ${REG}/org/base:${TAG:-1.0} as Base\nFROM base\nFROM BASE AS again\nFROM $REG/org/tool:2\nFROM Scratch\n";
    expect(images(text)).toEqual([
      { image: "quay.io/org/base:1.0", line: 3, column: 29, name: "Base", platform: "linux/arm64", rewritable: true },
      { image: "quay.io/org/tool:2", line: 6, column: 6, name: "3", platform: undefined, rewritable: true },
    ]);
  });

  it("ignores ARGs declared after the first FROM, as Docker does", () => {
    expect(images("FROM alpine:3.20 AS a\nARG LATE=x\nFROM ${LATE}\n")[1]).toMatchObject({
      image: "${LATE}",
      rewritable: false,
    });
  });

  it("honours the escape directive and comment lines inside continuations", () => {
    const text = "# escape=`\nFROM `\n# a comment inside\n  nginx:1.25 AS web\n";
    expect(images(text)).toEqual([
      { image: "nginx:1.25", line: 4, column: 3, name: "web", platform: undefined, rewritable: true },
    ]);
  });

  it("keeps CRLF offsets right and applies ignore comments", () => {
    const scanned = scanDockerfile("Dockerfile", "FROM a:1\r\n# imagepin:ignore digest-missing\r\nFROM b:2\r\n");
    expect(scanned.images.map((image) => [image.line, image.column, [...image.ignored]])).toEqual([
      [1, 6, []],
      [3, 6, ["digest-missing"]],
    ]);
    const second = scanned.images[1]!.slot!;
    expect(second.kind === "replace" && scanned.text.slice(second.start, second.end)).toBe("b:2");
  });
});

describe("standard input", () => {
  it("is read as a Dockerfile when its first instruction is FROM or ARG, as YAML otherwise", () => {
    expect(scanText("-", "# syntax=docker/dockerfile:1\n\nARG V=1\nFROM nginx:${V}\n").format).toBe("dockerfile");
    expect(scanText("-", "from alpine:3.20\n").images.map((image) => image.image)).toEqual(["alpine:3.20"]);
    expect(scanText("-", "kind: Pod\nspec: {containers: [{image: a:1}]}\n").format).toBe("kubernetes");
    expect(scanText("-", "FROM: x\n").format).toBe("kubernetes");
  });
});
