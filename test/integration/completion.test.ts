// The completion scripts are run by the real shell where it is installed (bash always is on Debian).
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));
// Each script is made once: starting the CLI per question would make these tests slow on a busy machine.
const scripts = new Map<string, string>();
const script = (shell: string) =>
  scripts.get(shell) ??
  scripts.set(shell, execFileSync(process.execPath, [bin, "completion", shell], { encoding: "utf8" })).get(shell)!;
const hasShell = (shell: string) => spawnSync("sh", ["-c", `command -v ${shell}`]).status === 0;

/** Asks bash's completion function what it offers after the given words. */
function bashComplete(words: string[]): string[] {
  const program = `${script("bash")}
COMP_WORDS=(${words.map((word) => `'${word}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _imagepin; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync("bash", ["-c", program], { encoding: "utf8" });
  expect(result.stderr).toBe("");
  return result.stdout.split("\n").filter(Boolean);
}

describe("imagepin completion", () => {
  it("completes top-level commands in bash", () => {
    expect(bashComplete(["imagepin", "pa"])).toEqual(["parse"]);
    expect(bashComplete(["imagepin", ""])).toEqual(expect.arrayContaining(["parse", "completion", "--version"]));
  });

  it("completes a command's own flags in bash, after other words", () => {
    expect(bashComplete(["imagepin", "parse", "nginx", "--j"])).toEqual(["--json"]);
  });

  it("offers files (the shell's default: nothing from us) for the paths of pin, lint and verify", () => {
    for (const command of ["pin", "lint", "verify"]) {
      expect(bashComplete(["imagepin", command, ""])).toEqual([]);
      expect(bashComplete(["imagepin", command, "deploy/", ""])).toEqual([]);
      expect(bashComplete(["imagepin", command, "--"])).toEqual(expect.arrayContaining(["--kinds", "--help"]));
    }
    // bash falls back to file names when the function offers nothing (complete -o default).
    expect(script("bash")).toContain("complete -o default -F _imagepin imagepin");
  });

  it("offers the values of --format, --variant and --platform", () => {
    expect(bashComplete(["imagepin", "lint", "--format", ""])).toEqual(["text", "json", "sarif"]);
    expect(bashComplete(["imagepin", "verify", "--format", "s"])).toEqual(["sarif"]);
    expect(bashComplete(["imagepin", "imageset", "create", "--variant", ""])).toEqual(["calico", "enterprise"]);
    expect(bashComplete(["imagepin", "pin", "--platform", "linux/arm"])).toEqual([
      "linux/arm64",
      "linux/arm/v7",
      "linux/arm/v6",
    ]);
    expect(script("fish")).toContain("__fish_seen_subcommand_from lint' -l format -x -a 'text json sarif'");
  });

  it("prints a fish script that names every command", () => {
    const text = script("fish");
    expect(text).toContain("-a parse");
    expect(text).toContain("__fish_seen_subcommand_from parse' -l json");
    if (hasShell("fish")) expect(spawnSync("fish", ["-n", "-c", text]).status).toBe(0);
  });

  it("prints a zsh script that goes through bashcompinit", () => {
    const text = script("zsh");
    expect(text).toContain("bashcompinit");
    if (hasShell("zsh")) expect(spawnSync("zsh", ["-n", "-c", text]).status).toBe(0);
  });

  it("rejects an unknown shell with a usage error", () => {
    const result = spawnSync(process.execPath, [bin, "completion", "tcsh"], { encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^imagepin: completion: unknown shell "tcsh"/);
  });
});
