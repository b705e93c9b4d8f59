// Holds the module arrows of shared/design/architecture.md in place: every relative import under src/
// must go to a module its layer may use. A new edge that the table does not allow fails here.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { describe, expect, it } from "vitest";

const srcRoot = resolve(import.meta.dirname, "../src");

/** Which top-level modules each module may import (errors.ts and version.ts are open to all). */
const allowed: Record<string, string[]> = {
  reference: [],
  internal: [],
  credentials: ["reference", "internal"],
  registry: ["reference", "credentials", "internal"],
  store: ["reference", "internal"],
  resolve: ["reference", "registry", "credentials", "store", "internal"],
  manifests: ["reference", "resolve", "registry", "credentials", "internal"],
  policy: ["reference", "manifests", "resolve", "internal"],
  imageset: ["reference", "resolve", "registry", "credentials", "manifests", "internal"],
  webhook: ["reference", "resolve", "registry", "credentials", "store", "manifests", "policy", "internal"],
  cli: ["*"],
  index: ["*"],
};
const openToAll = new Set(["errors", "version"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [path] : [];
  });
}

/** The module a file belongs to: its top folder under src/, or its base name for top-level files. */
function moduleOf(file: string): string {
  const rel = relative(srcRoot, file).replace(/\\/g, "/");
  const first = rel.split("/")[0] ?? rel;
  return rel.includes("/") ? first : first.replace(/\.ts$/, "");
}

// `import … from "x"`, `export … from "x"`, side-effect `import "x"`, and dynamic `import("x")`.
const importPattern =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|(?:^|[\s;])import\s*\(?\s*["']([^"']+)["']/g;

function edges(): { from: string; file: string; to: string; target: string }[] {
  const found: { from: string; file: string; to: string; target: string }[] = [];
  for (const file of sourceFiles(srcRoot)) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(importPattern)) {
      const specifier = match[1] ?? match[2];
      if (!specifier?.startsWith(".")) continue;
      const target = resolve(dirname(file), specifier).replace(/\.js$/, ".ts");
      const rel = relative(srcRoot, target).replace(/\\/g, "/");
      found.push({ from: moduleOf(file), file: relative(srcRoot, file), to: moduleOf(target), target: rel });
    }
  }
  return found;
}

describe("module dependencies", () => {
  it("finds the imports it checks", () => {
    expect(edges().some((edge) => edge.from === "cli" && edge.to === "reference")).toBe(true);
  });

  it("point only the way the architecture allows", () => {
    const violations = edges()
      .filter(({ from, to, target }) => {
        if (from === to || openToAll.has(to)) return false;
        const rules = allowed[from];
        if (rules === undefined) return true;
        return !rules.includes("*") && !rules.includes(to) && !rules.includes(target.replace(/\.ts$/, ""));
      })
      .map(({ file, target }) => `${file} -> ${target}`);
    expect(violations).toEqual([]);
  });

  it("never lets the library import the CLI or the webhook server upward", () => {
    const upward = edges().filter(({ from, to }) => to === "cli" && from !== "cli");
    expect(upward).toEqual([]);
  });

  it("are the arrows docs/architecture.md draws", () => {
    const page = readFileSync(resolve(import.meta.dirname, "../docs/architecture.md"), "utf8");
    const documented: Record<string, string[]> = {};
    for (const [, module, imports] of page.matchAll(/^\| `(\w+)` \|[^|]*\| ([^|]*) \|$/gm)) {
      documented[module as string] =
        imports === "nothing" ? [] : imports === "anything" ? ["*"] : (imports as string).split(", ");
    }
    const enforced = Object.fromEntries(Object.entries(allowed).filter(([module]) => module !== "index"));
    expect(documented).toEqual(enforced);
  });
});
