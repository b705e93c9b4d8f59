import { describe, expect, it } from "vitest";
import { logicalLines, offsetInFile, wordsOf } from "./dockerfile-lines.js";

describe("Dockerfile logical lines", () => {
  it("keeps one segment per physical line, and file offsets of every character right", () => {
    const text = "FROM \\\r\n# inside\r\n  ngi\\\n nx:1.25 AS web\nRUN x\n";
    const [from, run] = logicalLines(text, "\\");
    expect(from!.text).toBe("FROM   ngi nx:1.25 AS web");
    expect(from!.segments).toEqual([
      { at: 0, offset: 0 },
      { at: 5, offset: 18 },
      { at: 10, offset: 25 },
    ]);
    for (let index = 0; index < from!.text.length; index++)
      expect(text[offsetInFile(from!, index)]).toBe(from!.text[index]);
    expect(wordsOf(from!, 4).map(({ text: word, start, end }) => [word, text.slice(start, end)])).toEqual([
      ["ngi", "ngi"],
      ["nx:1.25", "nx:1.25"],
      ["AS", "AS"],
      ["web", "web"],
    ]);
    expect(run).toEqual({ text: "RUN x", segments: [{ at: 0, offset: 41 }] });
  });

  it("shows a word split over a continuation by spanning more file characters than it has", () => {
    const text = "FROM ngi\\\nnx:1.25\n";
    const [word] = wordsOf(logicalLines(text, "\\")[0]!, 4);
    expect(word).toEqual({ text: "nginx:1.25", start: 5, end: 17 });
  });

  it("holds a long line as one segment", () => {
    const line = logicalLines(`FROM ${"a".repeat(1_000_000)}\n`, "\\")[0]!;
    expect(line.segments).toHaveLength(1);
    expect(wordsOf(line, 4)[0]).toMatchObject({ start: 5, end: 1_000_005 });
  });
});
