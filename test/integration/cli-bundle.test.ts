// The built CLI is an esbuild bundle (scripts/bundle-cli.mjs): one entry and a chunk per command. These
// check what the bundle must keep: --debug stack traces that name the TypeScript sources (inline source
// maps), none without --debug, and the version of the package.json it was built from.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runImagepinSync } from "../harness/cli.js";

const version = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

describe("the bundled CLI", () => {
  it("names src/**/*.ts lines in --debug stack traces", () => {
    const result = runImagepinSync([
      "webhook",
      "serve",
      "--tls-cert",
      "/nonexistent/tls.crt",
      "--tls-key",
      "/nonexistent/tls.key",
      "--store",
      "memory:",
      "--debug",
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/at loadTls \(.*src\/webhook\/tls\.ts:\d+:\d+\)/);
    expect(result.stderr).toMatch(/src\/cli\/commands\/webhook\.ts:\d+:\d+/);
  });

  it("prints no stack trace without --debug", () => {
    const result = runImagepinSync([
      "webhook",
      "serve",
      "--tls-cert",
      "/nonexistent/tls.crt",
      "--tls-key",
      "/nonexistent/tls.key",
      "--store",
      "memory:",
    ]);
    expect(result.stderr).toMatch(/cannot read the TLS certificate or key/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("reports the version of the package.json it was built from, on the fast path and through commander", () => {
    expect(runImagepinSync(["--version"]).stdout.trim()).toBe(version);
    expect(runImagepinSync(["--debug", "--version"]).stdout.trim()).toBe(version);
  });
});
