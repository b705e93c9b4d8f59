// The real CNCF distribution registry (Debian's `docker-registry`) for tests: a throw-away instance on a
// free loopback port with its own storage directory, in anonymous, htpasswd or token-auth mode, over http
// or TLS. Its access log is parsed so tests and benchmarks can count the requests that reached it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { freePort } from "./ports.js";
import { spawnTracked, type TrackedProcess } from "./processes.js";
import type { TestUser } from "./token-server.js";

export type { TestUser } from "./token-server.js";

/** How the registry authenticates clients. */
export type RegistryAuth =
  | { kind: "htpasswd"; users: TestUser[] }
  | { kind: "token"; realm: string; service: string; issuer: string; rootCertFile: string };

/** Settings of {@link startRegistry}. */
export interface StartRegistryOptions {
  auth?: RegistryAuth;
  /** Serve https with this certificate and key. */
  tls?: { certFile: string; keyFile: string };
  /** Reuse a storage directory (seeded by another instance); it is then not deleted on stop. */
  storageDir?: string;
}

/** One request the registry logged. */
export interface RegistryRequest {
  method: string;
  path: string;
  status: number;
}

/** A running registry. */
export interface TestRegistry {
  /** `127.0.0.1:PORT`, as written in image references. */
  host: string;
  /** `http(s)://127.0.0.1:PORT`. */
  url: string;
  storageDir: string;
  /** Requests logged so far, in order (the access log is written when a response completes). */
  requests(): RegistryRequest[];
  clearRequests(): void;
  /** Stops the process by PID (SIGTERM, then SIGKILL) and removes its files unless storage is shared. */
  stop(): Promise<void>;
  /** Stops the process and starts it again on the same port and storage, as after an outage. */
  restart(): Promise<void>;
  /** Stops the process but keeps the port and files, so {@link restart} can bring it back. */
  pause(): Promise<void>;
  /** Sends a signal to the running process by PID: SIGSTOP hangs it with its connections open, SIGCONT resumes. */
  signal(signal: NodeJS.Signals): void;
}

/** True when the distribution registry binary is installed (`npm test`'s pretest installs it). */
export function registryInstalled(): boolean {
  try {
    execFileSync("docker-registry", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function configYaml(port: number, storageDir: string, dir: string, options: StartRegistryOptions): string {
  const lines = [
    "version: 0.1",
    "log:",
    "  level: error",
    "  accesslog:",
    "    disabled: false",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${storageDir}`,
    "  delete:",
    "    enabled: true",
    // without a cache every HEAD reads the file system: that is the registry cost the benchmark compares against
    "  cache:",
    "    blobdescriptor: inmemory",
    "http:",
    `  addr: 127.0.0.1:${port}`,
    "  secret: imagepin-test-secret",
  ];
  if (options.tls) lines.push("  tls:", `    certificate: ${options.tls.certFile}`, `    key: ${options.tls.keyFile}`);
  const auth = options.auth;
  if (auth?.kind === "htpasswd") {
    const file = join(dir, "htpasswd");
    writeFileSync(file, auth.users.map((u) => `${u.username}:${bcrypt.hashSync(u.password, 5)}`).join("\n") + "\n");
    lines.push("auth:", "  htpasswd:", "    realm: imagepin-test", `    path: ${file}`);
  } else if (auth?.kind === "token") {
    lines.push(
      "auth:",
      "  token:",
      `    realm: ${auth.realm}`,
      `    service: ${auth.service}`,
      `    issuer: ${auth.issuer}`,
      `    rootcertbundle: ${auth.rootCertFile}`,
    );
  }
  return lines.join("\n") + "\n";
}

// Combined log format: 127.0.0.1 - - [date] "HEAD /v2/x/manifests/y HTTP/1.1" 200 0 "" "ua"
const accessLine = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3}) /;

/**
 * Starts a registry and waits until `/v2/` answers. Rejects with the registry's own output when it
 * exits or does not answer within 15 s.
 */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "imagepin-registry-"));
  const storageDir = options.storageDir ?? join(dir, "storage");
  const port = await freePort();
  const configFile = join(dir, "config.yml");
  writeFileSync(configFile, configYaml(port, storageDir, dir, options));
  const scheme = options.tls ? "https" : "http";
  const log: RegistryRequest[] = [];
  let output = "";
  let child: TrackedProcess | undefined;

  const launch = async (): Promise<void> => {
    output = "";
    const started = spawnTracked("docker-registry", ["serve", configFile]);
    child = started;
    let partial = "";
    const take = (chunk: Buffer): void => {
      const text = partial + chunk.toString("utf8");
      const lines = text.split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        const match = accessLine.exec(line);
        if (match) log.push({ method: match[1]!, path: match[2]!, status: Number(match[3]) });
        else if (output.length < 20_000) output += line + "\n";
      }
    };
    started.child.stdout?.on("data", take);
    started.child.stderr?.on("data", take);
    await waitUntilServing(`${scheme}://127.0.0.1:${port}/v2/`, started, () => output);
  };

  const halt = async (): Promise<void> => {
    if (child?.running()) await child.stop("SIGTERM", 3000);
  };

  await launch();
  return {
    host: `127.0.0.1:${port}`,
    url: `${scheme}://127.0.0.1:${port}`,
    storageDir,
    requests: () => log.slice(),
    clearRequests: () => void log.splice(0),
    pause: halt,
    signal: (signal) => child?.signal(signal),
    async restart() {
      await halt();
      await launch();
    },
    async stop() {
      await halt();
      if (options.storageDir) rmSync(configFile, { force: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilServing(url: string, process: TrackedProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  const { Agent, request } = await import("undici");
  // the harness only checks that the port answers; TLS trust is the tests' business
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  try {
    while (Date.now() < deadline) {
      if (!process.running()) throw new Error(`docker-registry exited before serving:\n${output()}`);
      try {
        const response = await request(url, { dispatcher, headersTimeout: 1000 });
        await response.body.dump();
        // 401 counts: an auth-mode registry is serving when it challenges
        if (response.statusCode === 200 || response.statusCode === 401) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await dispatcher.close();
  }
  await process.stop("SIGKILL");
  throw new Error(`docker-registry did not answer at ${url} within 15 s:\n${output()}`);
}
