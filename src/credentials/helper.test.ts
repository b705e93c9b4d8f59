import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isImagepinError } from "../errors.js";
import { runCredentialHelper, type HelperRunner } from "./helper.js";

// A real helper: answers per server URL the way docker-credential-helpers do, and logs what it was asked.
const script = `#!/bin/sh
url=$(cat)
[ -n "$HELPER_LOG" ] && printf '%s %s\\n' "$1" "$url" >> "$HELPER_LOG"
case "$url" in
  reg.example.com) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret-1"}' "$url" ;;
  https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"hub-user","Secret":"hub:secret:2"}' "$url" ;;
  token.example.com) printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh-token-3"}' "$url" ;;
  slow.example.com) exec sleep 30 ;;
  fail.example.com) echo "error talking to the keyring" >&2; exit 3 ;;
  leak.example.com) printf '{"Username":"u","Secret":"leaked-secret-4"}'; exit 1 ;;
  garbage.example.com) echo "Secret=garbage-secret-5" ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;

const dir = mkdtempSync(join(tmpdir(), "imagepin-helper-"));
const helperPath = join(dir, "docker-credential-test");
writeFileSync(helperPath, script);
chmodSync(helperPath, 0o755);
writeFileSync(join(dir, "docker-credential-noexec"), script);
const log = join(dir, "log.txt");
// Only this test's environment gets the helper on PATH; process.env stays untouched.
const env = { PATH: `${dir}:${process.env.PATH ?? "/usr/bin:/bin"}`, HELPER_LOG: log };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (!isImagepinError(error)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error("expected an error");
}

describe("runCredentialHelper with a real helper on PATH", () => {
  it("returns user name and secret and passes the server URL on stdin", async () => {
    expect(await runCredentialHelper("test", "reg.example.com", { env })).toEqual({
      username: "helper-user",
      password: "helper-secret-1",
    });
    expect(await runCredentialHelper("test", "https://index.docker.io/v1/", { env })).toEqual({
      username: "hub-user",
      password: "hub:secret:2",
    });
    expect(readFileSync(log, "utf8")).toContain("get reg.example.com\n");
  });

  it("turns the <token> user name into an identity token", async () => {
    expect(await runCredentialHelper("test", "token.example.com", { env })).toEqual({
      identityToken: "refresh-token-3",
    });
  });

  it("answers an empty credential for 'credentials not found'", async () => {
    expect(await runCredentialHelper("test", "unknown.example.com", { env })).toEqual({});
  });

  it("fails with credential-helper-failed when the helper is not on PATH", async () => {
    const error = await failure(runCredentialHelper("missing", "reg.example.com", { env }));
    expect(error.code).toBe("credential-helper-failed");
    expect(error.message).toContain("docker-credential-missing");
  });

  it("fails when the helper cannot be executed", async () => {
    expect((await failure(runCredentialHelper("noexec", "reg.example.com", { env }))).code).toBe(
      "credential-helper-failed",
    );
  });

  it("fails on a non-zero exit, quoting the helper's complaint", async () => {
    const error = await failure(runCredentialHelper("test", "fail.example.com", { env }));
    expect(error.code).toBe("credential-helper-failed");
    expect(error.message).toContain("status 3");
    expect(error.message).toContain("keyring");
  });

  it("never quotes output that may carry a secret", async () => {
    const leak = await failure(runCredentialHelper("test", "leak.example.com", { env }));
    const garbage = await failure(runCredentialHelper("test", "garbage.example.com", { env }));
    expect([leak.code, garbage.code]).toEqual(["credential-helper-failed", "credential-helper-failed"]);
    expect(leak.message).not.toContain("leaked-secret-4");
    expect(garbage.message).not.toContain("garbage-secret-5");
  });

  it("fails after the timeout", async () => {
    const error = await failure(runCredentialHelper("test", "slow.example.com", { env, timeoutMs: 300 }));
    expect(error.code).toBe("credential-helper-failed");
    expect(error.message).toContain("300 ms");
  });
});

describe("runCredentialHelper with an injected runner", () => {
  it("runs docker-credential-NAME get with the server URL and the timeout", async () => {
    const calls: unknown[] = [];
    const runner: HelperRunner = async (program, args, input, options) => {
      calls.push({ program, args, input, timeoutMs: options.timeoutMs, path: options.env.PATH });
      return { exitCode: 0, stdout: `{"ServerURL":"x","Username":"u","Secret":"s"}`, stderr: "" };
    };
    expect(await runCredentialHelper("fake", "r.io:5000", { env: { PATH: "/p" }, runner })).toEqual({
      username: "u",
      password: "s",
    });
    expect(calls).toEqual([
      { program: "docker-credential-fake", args: ["get"], input: "r.io:5000", timeoutMs: 5000, path: "/p" },
    ]);
  });

  it.each([
    ["not found on stderr", { exitCode: 1, stdout: "", stderr: "Credentials not found" }, {}],
    ["empty answer", { exitCode: 0, stdout: `{"ServerURL":"x","Username":"","Secret":""}`, stderr: "" }, {}],
  ])("answers {} for %s", async (_name, result, expected) => {
    expect(await runCredentialHelper("fake", "r.io", { env: {}, runner: async () => result })).toEqual(expected);
  });

  it.each([
    ["a non-object answer", { exitCode: 0, stdout: "[]", stderr: "" }],
    ["a number for a secret", { exitCode: 0, stdout: `{"Username":"u","Secret":5}`, stderr: "" }],
    ["a killed helper", { exitCode: null, stdout: "", stderr: "" }],
  ])("fails for %s", async (_name, result) => {
    expect((await failure(runCredentialHelper("fake", "r.io", { env: {}, runner: async () => result }))).code).toBe(
      "credential-helper-failed",
    );
  });

  it("wraps a runner that throws", async () => {
    const runner: HelperRunner = async () => {
      throw new Error("boom");
    };
    expect((await failure(runCredentialHelper("fake", "r.io", { env: {}, runner }))).code).toBe(
      "credential-helper-failed",
    );
  });
});
