// A Redis Sentinel deployment on loopback for tests, from Debian's redis-server and redis-sentinel: one
// master, one replica, three sentinels watching them (quorum 2, a master is down after 1 s). Every
// process is started with spawnTracked and stopped by PID; its files live in one temp directory.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./ports.js";
import { spawnTracked, type TrackedProcess } from "./processes.js";

/** The running deployment. */
export interface SentinelDeployment {
  masterName: string;
  /** `redis+sentinel://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3/NAME` (append `?prefix=…` as needed). */
  url: string;
  master: { port: number; process: TrackedProcess };
  replica: { port: number; process: TrackedProcess };
  sentinels: { port: number; process: TrackedProcess }[];
  /** The port of the master the sentinels name now. */
  currentMasterPort(): Promise<number>;
  stop(): Promise<void>;
}

/** Throws a clear error when a command of the deployment is missing (scripts/setup-test-deps.sh installs it). */
export function requireSentinelTools(): void {
  for (const command of ["redis-server", "redis-sentinel"]) {
    try {
      execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    } catch {
      throw new Error(`${command} is not installed: run scripts/setup-test-deps.sh`);
    }
  }
}

async function untilTrue(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}

async function ask<T>(port: number, run: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return await run(client);
  } finally {
    client.disconnect();
  }
}

function startServer(dir: string, name: string, port: number, extra: string[]): TrackedProcess {
  const data = join(dir, name);
  execFileSync("mkdir", ["-p", data]);
  return spawnTracked(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", data, ...extra],
    { stdio: "ignore" },
  );
}

/** Starts master, replica and three sentinels, and waits until the replica is in sync and every sentinel sees both. */
export async function startSentinelDeployment(masterName = "imagepin"): Promise<SentinelDeployment> {
  requireSentinelTools();
  const dir = mkdtempSync(join(tmpdir(), "imagepin-sentinel-"));
  const masterPort = await freePort();
  const replicaPort = await freePort();
  const master = startServer(dir, "master", masterPort, []);
  const replica = startServer(dir, "replica", replicaPort, ["--replicaof", "127.0.0.1", String(masterPort)]);
  await untilTrue("the replica is in sync", () =>
    ask(replicaPort, async (c) => (await c.info("replication")).includes("master_link_status:up")),
  );
  const sentinels: { port: number; process: TrackedProcess }[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    // Sentinel rewrites its config file, so each gets its own writable copy.
    const file = join(dir, `sentinel-${i}.conf`);
    writeFileSync(
      file,
      [
        `port ${port}`,
        "bind 127.0.0.1",
        `dir ${dir}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${masterName} 1000`,
        `sentinel failover-timeout ${masterName} 10000`,
        `sentinel parallel-syncs ${masterName} 1`,
        "",
      ].join("\n"),
    );
    sentinels.push({ port, process: spawnTracked("redis-sentinel", [file], { stdio: "ignore" }) });
  }
  for (const { port } of sentinels) {
    await untilTrue(`sentinel ${port} sees the replica and the other sentinels`, () =>
      ask(port, async (c) => {
        const [state] = (await c.call("SENTINEL", "MASTERS")) as string[][];
        const fields = new Map<string, string>();
        for (let i = 0; state && i < state.length; i += 2) fields.set(state[i]!, state[i + 1]!);
        return fields.get("num-slaves") === "1" && fields.get("num-other-sentinels") === "2";
      }),
    );
  }
  const currentMasterPort = () =>
    ask(sentinels[0]!.port, async (c) =>
      Number(((await c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName)) as string[])[1]),
    );
  return {
    masterName,
    url: `redis+sentinel://${sentinels.map(({ port }) => `127.0.0.1:${port}`).join(",")}/${masterName}`,
    master: { port: masterPort, process: master },
    replica: { port: replicaPort, process: replica },
    sentinels,
    currentMasterPort,
    async stop() {
      await Promise.all([master, replica, ...sentinels.map((s) => s.process)].map((p) => p.stop("SIGTERM", 3000)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the sentinels name the replica as master and it answers as one. */
export async function awaitPromotion(deployment: SentinelDeployment, timeoutMs = 30_000): Promise<void> {
  await untilTrue(
    "the replica is promoted",
    async () =>
      (await deployment.currentMasterPort()) === deployment.replica.port &&
      (await ask(deployment.replica.port, async (c) => ((await c.role()) as unknown[])[0] === "master")),
    timeoutMs,
  );
}
