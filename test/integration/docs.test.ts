// Every command has a page under docs/, and every flag its --help prints appears on that page, so the
// docs cannot fall behind the CLI.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { commandTable } from "../../src/cli/registry.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = `${root}dist/cli/bin.js`;

function help(words: string[]): string {
  return execFileSync(process.execPath, [bin, ...words, "--help"], { encoding: "utf8" });
}

/** The long flags in a help text's Options section, and the subcommands in its Commands section. */
function parseHelp(text: string): { flags: string[]; subcommands: string[] } {
  const section = (name: string) => text.split(new RegExp(`^${name}:$`, "m"))[1]?.split(/^\S.*:$/m)[0] ?? "";
  const flags = [...section("Options").matchAll(/--[a-z][a-z0-9-]*/g)].map((match) => match[0]);
  const subcommands = [...section("Commands").matchAll(/^ {2}([a-z][a-z-]*)/gm)]
    .map((match) => match[1]!)
    .filter((name) => name !== "help");
  return { flags: [...new Set(flags)].filter((flag) => flag !== "--help"), subcommands };
}

/** Every flag of a command and of its subcommands, walking the help tree. */
function allFlags(words: string[]): string[] {
  const { flags, subcommands } = parseHelp(help(words));
  return [...flags, ...subcommands.flatMap((sub) => allFlags([...words, sub]))];
}

describe("docs/", () => {
  for (const { name } of commandTable) {
    it(`documents every flag of imagepin ${name}`, () => {
      const page = `${root}docs/${name}.md`;
      expect(existsSync(page), `docs/${name}.md is missing`).toBe(true);
      const text = readFileSync(page, "utf8");
      const missing = allFlags([name]).filter((flag) => !text.includes(flag));
      expect(missing).toEqual([]);
    });
  }

  it("sees the flags it checks", () => {
    expect(allFlags(["parse"])).toContain("--json");
  });
});
