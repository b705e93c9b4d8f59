// `imagepin parse` end to end through the built executable: output shapes, order and exit status.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", input });
const digest = `sha256:${"0".repeat(64)}`;

describe("imagepin parse", () => {
  it("prints one JSON object per input, in input order, and exits 1 when any is invalid", () => {
    const result = run(["parse", "--json", "nginx", "Bad", `ghcr.io/o/app:1@${digest}`]);
    expect(result.status).toBe(1);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      {
        input: "nginx",
        domain: "docker.io",
        path: "library/nginx",
        tag: null,
        digest: null,
        name: "docker.io/library/nginx",
        normalized: "docker.io/library/nginx:latest",
        familiar: "nginx",
      },
      {
        input: "Bad",
        error: { code: "name-contains-uppercase", message: expect.stringContaining("must be lowercase") },
      },
      {
        input: `ghcr.io/o/app:1@${digest}`,
        domain: "ghcr.io",
        path: "o/app",
        tag: "1",
        digest,
        name: "ghcr.io/o/app",
        normalized: `ghcr.io/o/app:1@${digest}`,
        familiar: `ghcr.io/o/app:1@${digest}`,
      },
    ]);
  });

  it("prints normalized forms as text and exits 0 when all are valid", () => {
    const result = run(["parse", "nginx:1.25", "localhost:5000/app"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("docker.io/library/nginx:1.25\nlocalhost:5000/app:latest\n");
    expect(result.stderr).toBe("");
  });

  it("reports an invalid reference on stderr in text mode", () => {
    const result = run(["parse", "nginx", "app@sha256:abc"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("docker.io/library/nginx:latest\n");
    expect(result.stderr).toMatch(/^imagepin: invalid reference "app@sha256:abc": /);
  });

  it("reads - from standard input in place, skipping blank lines and comments", () => {
    const result = run(["parse", "--json", "first", "-", "last"], "# images\nredis:7\r\n\n  quay.io/a/b  \n");
    expect(result.status).toBe(0);
    expect(
      result.stdout
        .trim()
        .split("\n")
        .map((line) => (JSON.parse(line) as { input: string }).input),
    ).toEqual(["first", "redis:7", "quay.io/a/b", "last"]);
  });

  it("exits 2 for usage errors: an unknown flag, no references, an unknown command", () => {
    expect(run(["parse", "--bogus", "nginx"]).status).toBe(2);
    expect(run(["parse"]).status).toBe(2);
    const unknown = run(["pasre", "nginx"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'pasre'/);
    const helpUnknown = run(["help", "pasre"]);
    expect(helpUnknown.status).toBe(2);
    expect(helpUnknown.stderr).toMatch(/unknown command 'pasre'/);
  });

  it("lists every command with what it takes", () => {
    const help = run(["--help"]);
    expect(help.stdout).toMatch(/^ {2}parse <ref\.\.\.>/m);
    expect(help.stdout).toMatch(/^ {2}pin <path\.\.\.>/m);
    expect(help.stdout).toMatch(/^ {2}help \[command\]/m);
    expect(run(["imageset", "--help"]).stdout).toMatch(/^ {2}verify \[options\] <file>/m);
  });

  it("prints the version and per-command help", () => {
    expect(run(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = run(["help", "parse"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: imagepin parse");
    expect(help.stdout).toContain("--json");
  });

  it("stops quietly when the reader of its output goes away (| head)", () => {
    const references = Array.from({ length: 50_000 }, (_, i) => `registry.example.com/team/app-${i}:1.${i}`).join("\n");
    // head exits after one line while imagepin still writes tens of thousands: the write gets EPIPE
    const result = spawnSync("sh", ["-c", `"${process.execPath}" "${bin}" parse --json - | head -n 1`], {
      encoding: "utf8",
      input: references,
    });
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled|at /);
  });
});
