// The built CLI for end-to-end tests, and temporary file trees for their inputs. Needs `npm run build`.
import { spawn, spawnSync, type SpawnSyncOptions } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** `dist/cli/bin.js`, the executable `npm run build` writes. */
export const imagepinBin = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));

/** What one run printed and how it ended. */
export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `imagepin ARGS` without blocking this process (tests that run servers in it need the event loop).
 * The default environment points DOCKER_CONFIG and REGISTRY_AUTH_FILE nowhere, so the machine's own
 * docker and podman credentials never take part in a test; pass `env` to set up credentials explicitly.
 */
export function runImagepin(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [imagepinBin, ...args], {
      env: options.env ?? {
        ...process.env,
        DOCKER_CONFIG: "/nonexistent-imagepin-test",
        REGISTRY_AUTH_FILE: "/nonexistent-imagepin-test/auth.json",
      },
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/**
 * Runs `imagepin ARGS` and waits for it (for tests with no server in their own process). Options pass
 * through to spawnSync (cwd, input, env, uid, gid, stdio); the default timeout is 60 s.
 */
export function runImagepinSync(args: string[], options: Omit<SpawnSyncOptions, "encoding"> = {}): CliResult {
  const result = spawnSync(process.execPath, [imagepinBin, ...args], { timeout: 60_000, ...options, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A temporary directory to write test inputs into. */
export interface TempTree {
  root: string;
  /** Writes `content` to `name` (parent directories created) and returns its path. */
  write(name: string, content: string): string;
  remove(): void;
}

export function tempTree(prefix: string): TempTree {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return {
    root,
    write(name, content) {
      const path = join(root, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      return path;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
