// Child processes for the test harness: every spawned PID is remembered and killed when the test process
// exits, so a failing test never leaves a registry running on the machine.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

const live = new Set<number>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  // `exit` handlers must be synchronous; SIGKILL by PID is, and only touches processes we started.
  process.on("exit", () => {
    for (const pid of live) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
}

/** A child process started by {@link spawnTracked}. */
export interface TrackedProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** True until the process has exited. */
  running(): boolean;
  /** Resolves with the exit code or signal name once the process has exited (at once if it has). */
  exited(): Promise<number | string | null>;
  /**
   * Sends `signal` (default SIGTERM) to this PID and waits for the exit; after `timeoutMs` (default 5000)
   * sends SIGKILL. Resolves with the exit code or signal name.
   */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string | null>;
  /** Sends a signal by PID without waiting (SIGSTOP/SIGCONT for "hung" servers). */
  signal(signal: NodeJS.Signals): void;
}

/**
 * Spawns `command` with `args` (no shell), remembers its PID for the exit hook and returns a handle.
 * Default stdio: ignore stdin, pipe stdout and stderr (the caller must consume them).
 * Throws when the process cannot be spawned (no PID).
 */
export function spawnTracked(command: string, args: string[], options: SpawnOptions = {}): TrackedProcess {
  hookExit();
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${command}`);
  live.add(pid);
  let result: number | string | null | undefined;
  const exit = new Promise<number | string | null>((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(pid);
      result = signal ?? code;
      resolve(result);
    });
  });
  // a spawn error (ENOENT) also ends the process from our point of view
  child.once("error", () => live.delete(pid));
  const running = (): boolean => result === undefined && child.exitCode === null && child.signalCode === null;
  return {
    pid,
    child,
    running,
    exited: () => exit,
    signal(signal) {
      if (running()) process.kill(pid, signal);
    },
    async stop(signal = "SIGTERM", timeoutMs = 5000) {
      if (!running()) return exit;
      // a stopped (SIGSTOP) process does not act on SIGTERM until continued
      process.kill(pid, "SIGCONT");
      process.kill(pid, signal);
      const timer = setTimeout(() => {
        if (running()) process.kill(pid, "SIGKILL");
      }, timeoutMs);
      try {
        return await exit;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
