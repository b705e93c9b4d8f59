import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadManifests } from "./load.js";

const dir = mkdtempSync(join(tmpdir(), "imagepin-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const noStdin = () => Promise.reject(new Error("standard input not expected"));

describe("loadManifests: binary and oversized input", () => {
  it("reports a file of NUL bytes as binary and skips it; the other files are still scanned", async () => {
    const binary = write("zeros.yaml", Buffer.alloc(1024 * 1024));
    const late = write("late-nul.yaml", "kind: Pod\nspec: {containers: [{image: a:1}]}\n\0");
    const good = write("pod.yaml", "kind: Pod\nspec: {containers: [{image: b:1}]}\n");
    const loaded = await loadManifests([binary, late, good], { readStdin: noStdin });
    expect(loaded.unreadable).toEqual([
      { path: binary, message: "binary file (a NUL byte at byte 0), not YAML or a Dockerfile; skipped" },
      { path: late, message: expect.stringContaining("a NUL byte at byte 45") },
    ]);
    expect(loaded.files.map((file) => file.images.map((image) => image.image))).toEqual([["b:1"]]);
  });

  it("refuses binary standard input too", async () => {
    const loaded = await loadManifests(["-"], { readStdin: async () => "FROM a:1\n\0\0" });
    expect(loaded.unreadable).toEqual([{ path: "-", message: expect.stringContaining("binary file") }]);
    expect(loaded.files).toEqual([]);
  });

  it("does not read a file over the byte bound and reports it as a problem naming the bound", async () => {
    const big = write("big.yaml", `kind: Pod\nspec: {containers: [{image: a:1}]}\n# ${"x".repeat(2000)}\n`);
    const dockerfile = write("Dockerfile", `FROM a:1\n# ${"x".repeat(2000)}\n`);
    const loaded = await loadManifests([big, dockerfile], { readStdin: noStdin, limits: { maxBytes: 1024 } });
    expect(
      loaded.files.map((file) => ({ format: file.format, images: file.images.length, problems: file.problems })),
    ).toEqual([
      {
        format: "kubernetes",
        images: 0,
        problems: [
          {
            file: big,
            line: 1,
            column: 1,
            message: "the file is 2048 bytes, over the input-size bound (1024 bytes); it was not read",
          },
        ],
      },
      {
        format: "dockerfile",
        images: 0,
        problems: [
          {
            file: dockerfile,
            line: 1,
            column: 1,
            message: "the file is 2012 bytes, over the input-size bound (1024 bytes); it was not read",
          },
        ],
      },
    ]);
  });
});
