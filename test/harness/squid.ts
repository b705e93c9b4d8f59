// A real HTTP proxy for tests: Debian's squid on a free loopback port, with a hosts_file so that names
// only the proxy knows (registry.example.test) lead to 127.0.0.1. The client cannot resolve those names
// itself, so a request that works proves it went through the proxy; the access log says how (CONNECT or
// an absolute-form GET) and with which proxy user.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.js";
import { spawnTracked, type TrackedProcess } from "./processes.js";

/** One line of the proxy's access log. */
export interface ProxyLogEntry {
  /** `CONNECT`, `GET`, `HEAD`, … */
  method: string;
  /** `host:port` for CONNECT, the absolute URL otherwise. */
  url: string;
  status: number;
  /** The proxy user that authenticated, or `-`. */
  user: string;
}

/** Settings of {@link startSquid}. */
export interface SquidOptions {
  /** Names the proxy resolves, to addresses (`registry.example.test` → `127.0.0.1`). */
  hosts: Record<string, string>;
  /** Ports CONNECT may reach (many proxies allow 443 only); CONNECT elsewhere is refused with 403. */
  connectPorts: number[];
  /** Require proxy authentication (407 without it) from this user. */
  user?: { username: string; password: string };
}

/** A running squid. */
export interface TestSquid {
  /** `http://127.0.0.1:PORT` (without credentials). */
  url: string;
  /** The access log so far. */
  requests(): ProxyLogEntry[];
  stop(): Promise<void>;
}

/** The squid executable (in /usr/sbin, often not on a user's PATH). @throws naming the package when missing. */
function squidBinary(): string {
  for (const candidate of ["/usr/sbin/squid", "/usr/local/sbin/squid"]) if (existsSync(candidate)) return candidate;
  try {
    return execFileSync("sh", ["-c", "command -v squid"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(
      "squid is not installed: the proxy tests run the real squid (apt-get install squid; npm test's scripts/setup-test-deps.sh does)",
    );
  }
}

function config(dir: string, port: number, options: SquidOptions): string {
  const lines = [
    `http_port 127.0.0.1:${port}`,
    `pid_filename ${join(dir, "squid.pid")}`,
    "logformat imagepin %rm %ru %>Hs %un",
    `access_log stdio:${join(dir, "access.log")} imagepin`,
    `cache_log ${join(dir, "cache.log")}`,
    `coredump_dir ${dir}`,
    "cache deny all",
    `hosts_file ${join(dir, "hosts")}`,
    // No resolver answers here: only hosts_file names resolve, so nothing leaves the machine.
    "dns_nameservers 127.0.0.1",
    "dns_timeout 2 seconds",
    "shutdown_lifetime 0 seconds",
    "acl CONNECT method CONNECT",
    `acl tls_ports port ${options.connectPorts.join(" ")}`,
    "http_access deny CONNECT !tls_ports",
  ];
  if (options.user) {
    lines.push(
      `auth_param basic program /usr/lib/squid/basic_ncsa_auth ${join(dir, "passwd")}`,
      "auth_param basic realm imagepin-test-proxy",
      "acl authenticated proxy_auth REQUIRED",
      "http_access allow authenticated",
      "http_access deny all",
    );
  } else {
    lines.push("http_access allow all");
  }
  return lines.join("\n") + "\n";
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/** Starts squid and waits until it listens. Rejects with its cache log when it exits or does not start in 20 s. */
export async function startSquid(options: SquidOptions): Promise<TestSquid> {
  const binary = squidBinary();
  const dir = mkdtempSync(join(tmpdir(), "imagepin-squid-"));
  // Run as root, squid drops to its own user, which must write the logs here.
  chmodSync(dir, 0o777);
  writeFileSync(
    join(dir, "hosts"),
    Object.entries(options.hosts)
      .map(([name, address]) => `${address} ${name}`)
      .join("\n") + "\n",
  );
  if (options.user) {
    const hash = execFileSync("openssl", ["passwd", "-apr1", options.user.password], { encoding: "utf8" }).trim();
    writeFileSync(join(dir, "passwd"), `${options.user.username}:${hash}\n`, { mode: 0o644 });
  }
  const port = await freePort();
  writeFileSync(join(dir, "squid.conf"), config(dir, port, options));
  const child: TrackedProcess = spawnTracked(binary, ["-N", "-f", join(dir, "squid.conf")], { stdio: "ignore" });
  const deadline = Date.now() + 20_000;
  while (!(await listening(port))) {
    const log = () =>
      existsSync(join(dir, "cache.log")) ? readFileSync(join(dir, "cache.log"), "utf8").slice(-3000) : "";
    if (!child.running() || Date.now() > deadline) {
      await child.stop("SIGKILL");
      throw new Error(`squid did not start on port ${port}:\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    requests() {
      const file = join(dir, "access.log");
      if (!existsSync(file)) return [];
      return readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const [method = "", url = "", status = "0", user = "-"] = line.split(" ");
          return { method, url, status: Number(status), user };
        });
    },
    async stop() {
      await child.stop("SIGTERM", 5000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
