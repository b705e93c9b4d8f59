/**
 * Docker credential helpers: `docker-credential-<name> get` reads a server URL on standard input
 * and answers `{"ServerURL","Username","Secret"}` on standard output
 * (github.com/docker/docker-credential-helpers protocol).
 */

import { spawn } from "node:child_process";
import { CredentialsError } from "./errors.js";
import type { Credential } from "./types.js";

/** What running a helper produced. */
export interface HelperRunResult {
  /** The exit status, or null when the process was killed. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** True when the program does not exist (not on PATH). */
  notFound?: boolean;
  /** True when it was killed for taking longer than the timeout. */
  timedOut?: boolean;
  /** Why it could not be started at all (`EACCES`), other than not existing. */
  spawnError?: string;
  /** True when it was killed for writing more than the output cap (1 MiB); stdout is then empty. */
  outputTooLarge?: boolean;
}

/** Options a {@link HelperRunner} receives. */
export interface HelperRunOptions {
  /** The whole environment of the child (PATH decides where the program is found). */
  env: Record<string, string | undefined>;
  timeoutMs: number;
}

/**
 * Runs a program with arguments, writes `input` to its standard input and collects the result.
 * Replaceable in tests; the default is {@link spawnHelperRunner}.
 */
export type HelperRunner = (
  program: string,
  args: string[],
  input: string,
  options: HelperRunOptions,
) => Promise<HelperRunResult>;

/** Options of {@link runCredentialHelper}. */
export interface CredentialHelperOptions {
  /** The helper's environment; its PATH is where `docker-credential-<name>` is looked up. */
  env: Record<string, string | undefined>;
  /** How long the helper may take; default 5000 ms. */
  timeoutMs?: number;
  /** Runs the program; default {@link spawnHelperRunner}. */
  runner?: HelperRunner;
}

/** The default time a credential helper may take. */
export const defaultHelperTimeoutMs = 5000;
/** Helpers answer with a few hundred bytes; more than this is not a helper answer. */
export const maxHelperOutputBytes = 1 << 20;
const maxOutputBytes = maxHelperOutputBytes;
/** The answer every helper gives for an unknown server (docker-credential-helpers' ErrCredentialsNotFound). */
const notFoundPattern = /credentials not found/i;
/** Helpers put this user name beside an identity (refresh) token. */
const identityTokenUsername = "<token>";

/**
 * Asks `docker-credential-<helper>` for the credential of `serverUrl`.
 *
 * Resolves to an empty credential `{}` when the helper answers "credentials not found", to
 * `{identityToken}` when it answers with the user name `<token>`, and to `{username, password}`
 * otherwise.
 *
 * @throws CredentialsError `credential-helper-failed` when the helper is not on PATH, exits with an
 *   error, times out or answers something that is not a credential. Messages never hold the secret.
 */
export async function runCredentialHelper(
  helper: string,
  serverUrl: string,
  options: CredentialHelperOptions,
): Promise<Credential> {
  const program = `docker-credential-${helper}`;
  const timeoutMs = options.timeoutMs ?? defaultHelperTimeoutMs;
  const runner = options.runner ?? spawnHelperRunner;
  const fail = (message: string, hint?: string, cause?: unknown) =>
    new CredentialsError("credential-helper-failed", `credential helper ${program} for ${serverUrl}: ${message}`, {
      hint,
      cause,
    });

  let result: HelperRunResult;
  try {
    result = await runner(program, ["get"], serverUrl, { env: options.env, timeoutMs });
  } catch (error) {
    throw fail(`could not be run: ${error instanceof Error ? error.message : String(error)}`, undefined, error);
  }
  if (result.notFound)
    throw fail("is not installed (not found on PATH)", `install ${program} or remove it from the docker config`);
  if (result.spawnError !== undefined) throw fail(`could not be started: ${result.spawnError}`);
  if (result.timedOut) throw fail(`did not answer within ${timeoutMs} ms`);
  if (result.outputTooLarge) throw fail(`wrote more than ${maxOutputBytes} bytes; that is not a credential`);
  if (notFoundPattern.test(result.stdout) || notFoundPattern.test(result.stderr)) return {};
  if (result.exitCode !== 0) throw fail(`exited with status ${result.exitCode ?? "killed"}${describeOutput(result)}`);

  let answer: unknown;
  try {
    answer = JSON.parse(result.stdout);
  } catch {
    // Never quote the output: it may be a secret in a format we did not expect.
    throw fail("answered with something that is not JSON");
  }
  if (typeof answer !== "object" || answer === null || Array.isArray(answer))
    throw fail("answered with something that is not a JSON object");
  const { Username: username, Secret: secret } = answer as { Username?: unknown; Secret?: unknown };
  if (
    (username !== undefined && typeof username !== "string") ||
    (secret !== undefined && typeof secret !== "string")
  ) {
    throw fail("answered with a Username or Secret that is not a string");
  }
  if (!secret && !username) return {};
  if (username === identityTokenUsername) return { identityToken: secret ?? "" };
  return { username: username ?? "", password: secret ?? "" };
}

/**
 * The first line of a failed helper's complaint, unless it looks like it could carry the answer: JSON,
 * or a single word (a bare token or password printed where an error was expected). Helpers' real
 * complaints are sentences ("error getting credentials - err: exit status 1").
 */
export function describeOutput(result: HelperRunResult): string {
  const text = (result.stderr.trim() || result.stdout.trim()).split("\n")[0]?.trim() ?? "";
  if (text === "" || text.includes("{") || !/\s/.test(text)) return "";
  return `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}

/**
 * Runs a program with `child_process.spawn` (no shell), feeding `input` on standard input. The
 * program is looked up on `options.env.PATH`. Kills it with SIGKILL after the timeout.
 */
export const spawnHelperRunner: HelperRunner = (program, args, input, options) =>
  new Promise((resolve) => {
    const env = Object.fromEntries(
      Object.entries(options.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const child = spawn(program, args, { env, stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let settled = false;
    let tooLarge = false;
    const finish = (result: HelperRunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      // Answer now rather than on "close": a grandchild may still hold the pipes open.
      child.kill("SIGKILL");
      finish({ exitCode: null, stdout: "", stderr: "", timedOut: true });
    }, options.timeoutMs);
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxOutputBytes) into.push(chunk);
      else if (!tooLarge) {
        tooLarge = true;
        child.kill("SIGKILL");
        // Answer now: whatever it wrote is not an answer, and a grandchild may keep the pipes open.
        finish({ exitCode: null, stdout: "", stderr: "", outputTooLarge: true });
      }
    };
    child.stdout.on("data", collect(stdout));
    child.stderr.on("data", collect(stderr));
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") finish({ exitCode: null, stdout: "", stderr: "", notFound: true });
      else finish({ exitCode: null, stdout: "", stderr: "", spawnError: error.code ?? error.message });
    });
    child.on("close", (code) => {
      finish({
        exitCode: code,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      });
    });
    // A helper that exits without reading its input makes the write fail with EPIPE; the exit status tells the story.
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
