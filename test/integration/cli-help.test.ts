// Help for nested commands and commands that need a subcommand (issue 12), through the built CLI.
import { describe, expect, it } from "vitest";
import { runImagepinSync } from "../harness/cli.js";

describe("help and subcommands", () => {
  it("imagepin help webhook manifests shows that subcommand's help, not its parent's", () => {
    const result = runImagepinSync(["help", "webhook", "manifests"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: imagepin webhook manifests \[options\]/);
    expect(runImagepinSync(["help", "imageset", "create"]).stdout).toMatch(/^Usage: imagepin imageset create /);
    // Two words still go through commander's own help command.
    expect(runImagepinSync(["help", "webhook"])).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(/^Usage: imagepin webhook /),
    });
  });

  it("a command that needs a subcommand, given none, is a usage error (exit 2) with its help on stderr", () => {
    for (const command of ["webhook", "imageset", "auth"]) {
      const result = runImagepinSync([command]);
      expect(result.status, command).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain(`Usage: imagepin ${command} `);
    }
  });
});
