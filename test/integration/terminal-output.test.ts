// What a person at a terminal sees (issue 12): progress on standard error, cleared at the end, and one
// total line; nothing of that in a pipe, under --quiet or with JSON output. NO_COLOR removes colour but
// keeps the grouping; FORCE_COLOR forces colour. Identical lines once with a count, the image named once.
// A terminal is a real pseudo-terminal: util-linux `script` runs the built CLI inside one.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imagepinBin, runImagepin, tempTree, type TempTree } from "../harness/cli.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage } from "../harness/seed.js";

/** The text without terminal control sequences (cursor moves, erases, synchronized-output marks). */
const withoutControls = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
const lastLine = (text: string) => withoutControls(text).trimEnd().split("\n").at(-1);
const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

/** Runs `imagepin ARGS` with standard output and error on a pseudo-terminal; returns what it showed. */
function onTerminal(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): { status: number | null; screen: string } {
  const command = [process.execPath, imagepinBin, ...args].map(quote).join(" ");
  // A pseudo-terminal starts at 0x0, where log-update (rightly) draws nothing; give it a real size.
  const result = spawnSync("script", ["-qec", `stty rows 24 cols 120; ${command}`, "/dev/null"], {
    cwd,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...withoutColourVariables(), TERM: "xterm-256color", ...env },
  });
  if (result.error)
    throw new Error(`util-linux script is needed to run the CLI on a terminal: ${result.error.message}`);
  return { status: result.status, screen: result.stdout.replaceAll("\r\n", "\n") };
}

/** This process's environment without NO_COLOR and FORCE_COLOR (both act when merely set), and no docker credentials. */
function withoutColourVariables(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: "/nonexistent-imagepin-test", ...extra };
  // CI is among them: Node turns colour off on a terminal when CI is set (as it is under .ci/run), and these
  // tests show what a person at a terminal sees.
  for (const name of ["NO_COLOR", "FORCE_COLOR", "NODE_DISABLE_COLORS", "CI"]) if (!(name in extra)) delete env[name];
  return env;
}

describe("terminal output", () => {
  let registry: TestRegistry;
  let privateRegistry: TestRegistry;
  let tree: TempTree;

  const files = (host: string, privateHost: string) => ({
    "a/deploy.yaml": `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: a, image: ${host}/demo/a:1}\n        - {name: b, image: ${host}/demo/b:1}\n`,
    "b/pod.yaml": `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: c, image: ${host}/demo/c:1}\n`,
    "compose/compose.yaml": `x-base: &base\n  image: ${host}/demo/a:1\nservices:\n  one:\n    <<: *base\n  two:\n    <<: *base\n  three:\n    <<: *base\n`,
    "private/compose.yaml": `x-base: &base\n  image: ${privateHost}/demo/secret:1\nservices:\n  one:\n    <<: *base\n  two:\n    <<: *base\n`,
  });

  beforeAll(async () => {
    registry = await startRegistry();
    privateRegistry = await startRegistry({
      auth: { kind: "htpasswd", users: [{ username: "alice", password: "wonderland" }] },
    });
    for (const name of ["a", "b", "c"]) await pushImage(registry, `demo/${name}`, "1");
    tree = tempTree("imagepin-terminal-");
  }, 120_000);
  afterAll(async () => {
    await Promise.all([registry?.stop(), privateRegistry?.stop()]);
    tree?.remove();
  });

  function freshTree(name: string): string {
    for (const [path, text] of Object.entries(files(registry.host, privateRegistry.host)))
      tree.write(`${name}/${path}`, text);
    return `${tree.root}/${name}`;
  }

  it("pin --write on a terminal: progress, cleared, then one total line instead of a line per file", () => {
    const dir = freshTree("tty");
    const { status, screen } = onTerminal(["pin", "--write", "a", "b", "compose"], dir);
    expect(status, screen).toBe(0);
    expect(screen).toContain("3 files read");
    // log-update erases the progress line before the total is written.
    expect(screen).toContain("\u001b[2K");
    expect(lastLine(screen)).toBe("imagepin: pinned 6 images in 3 files");
    expect(screen).not.toContain("image(s) pinned");
  }, 60_000);

  it("pin --write in a pipe: no progress and no total, each file named as before", async () => {
    const dir = freshTree("pipe");
    const result = await runImagepin(["pin", "--write", "a", "b", "compose"], { cwd: dir });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toContain("files read");
    expect(result.stderr).not.toContain("imagepin: pinned");
    expect(result.stderr).toContain("a/deploy.yaml: 2 image(s) pinned");
  }, 60_000);

  it("--quiet and JSON output show neither progress nor a total on a terminal", () => {
    const dir = freshTree("quiet");
    const quiet = onTerminal(["pin", "--write", "--quiet", "a", "b"], dir);
    expect(quiet.status, quiet.screen).toBe(0);
    expect(quiet.screen).toBe("");
    const json = onTerminal(["verify", "--format", "json", "a", "b"], dir);
    expect(json.screen).not.toContain("files read");
    expect(json.screen).not.toContain("imagepin: verified");
    expect(JSON.parse(json.screen)).toMatchObject({ summary: { files: 2, images: 3 } });
  }, 60_000);

  it("a failure repeated through an anchor is one line with a count, naming the image once, with the auth hint", () => {
    const dir = freshTree("failure");
    const { status, screen } = onTerminal(["pin", "private"], dir);
    expect(status).toBe(1);
    const lines = screen.split("\n").filter((line) => line.includes("cannot pin"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /cannot pin .*\/demo\/secret:1: registry .* refused anonymous access \(401\).* \(2 times\)$/,
    );
    expect(lines[0]!.split("demo/secret:1").length - 1).toBe(1);
    expect(screen).toContain(`  hint: \`imagepin auth which ${privateRegistry.host}/demo/secret:1\``);
    expect(lastLine(screen)).toBe("imagepin: would pin 0 images in 0 files, 2 failed");
  }, 60_000);

  it("verify names a refused image once and carries the same hint", async () => {
    const file = tree.write(
      "verify/pod.yaml",
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: c, image: ${privateRegistry.host}/demo/secret:1@sha256:${"a".repeat(64)}}\n`,
    );
    const result = await runImagepin(["verify", file]);
    expect(result.status).toBe(1);
    const [finding, hint] = result.stdout.trimEnd().split("\n");
    expect(finding).toContain(`registry-error cannot check ${privateRegistry.host}/demo/secret:1@sha256:`);
    expect(finding!.split("demo/secret").length - 1).toBe(1);
    expect(hint).toMatch(new RegExp(`^ {2}hint: \`imagepin auth which ${privateRegistry.host}/demo/secret:1@sha256:`));
    const json = JSON.parse((await runImagepin(["verify", "--format", "json", file])).stdout) as {
      findings: { hint?: string }[];
    };
    expect(json.findings[0]!.hint).toMatch(/^`imagepin auth which /);
  }, 60_000);

  it("lint: NO_COLOR keeps the grouping without colour; FORCE_COLOR colours even a pipe", async () => {
    const dir = freshTree("colour");
    const coloured = onTerminal(["lint", "compose"], dir);
    expect(coloured.screen).toContain("\u001b[31mdigest-missing");
    expect(coloured.screen).toContain("(3 times)");
    const plain = onTerminal(["lint", "compose"], dir, { NO_COLOR: "1" });
    expect(plain.screen).not.toMatch(/\u001b\[(3\d|1|2)m/);
    expect(withoutControls(plain.screen)).toMatch(
      /^compose\/compose\.yaml\n {2}compose\/compose\.yaml:2:10 error digest-missing .* \(3 times\)\n\n3 findings/m,
    );
    const forced = await runImagepin(["lint", "compose"], {
      cwd: dir,
      env: withoutColourVariables({ FORCE_COLOR: "1" }),
    });
    expect(forced.stdout).toContain("\u001b[31mdigest-missing");
    const piped = await runImagepin(["lint", "compose"], { cwd: dir, env: withoutColourVariables() });
    expect(piped.stdout).not.toContain("\u001b[");
  }, 60_000);
});
