// podman for the container tests, with the settings these sandboxes need: the runc runtime (crun refuses
// their cgroup layout), ulimits they allow, and the host network (the test registry and the webhook's
// port are on 127.0.0.1). Containers are named by the test and removed by name, never by pattern.
import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const runtime = existsSync("/usr/sbin/runc") ? ["--runtime", "/usr/sbin/runc"] : [];

/** The `podman run` options every test container gets. */
export const containerLimits = ["--network", "host", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];

/** What a podman command printed and how it ended. */
export interface PodmanResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Throws a message naming what to install when podman is missing (the tests never skip silently). */
export function requirePodman(): void {
  const probe = spawnSync("podman", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0)
    throw new Error(
      "podman is not installed: run scripts/setup-test-deps.sh (apt-get install podman runc debootstrap)",
    );
}

/** Runs `podman ARGS` without blocking the event loop (reviews may be in flight meanwhile). */
export function podman(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<PodmanResult> {
  return new Promise((resolve) => {
    const child = execFile(
      "podman",
      [...runtime, ...args],
      { encoding: "utf8", timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const status = error
          ? typeof (error as { code?: unknown }).code === "number"
            ? (error as { code: number }).code
            : 1
          : 0;
        resolve({ status, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? "");
  });
}

/** Like {@link podman}, but throws with podman's stderr when it fails. */
export async function podmanOk(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  const result = await podman(args, options);
  if (result.status !== 0)
    throw new Error(
      `podman ${args.slice(0, 3).join(" ")} failed (${result.status}): ${result.stderr || result.stdout}`,
    );
  return result.stdout;
}
