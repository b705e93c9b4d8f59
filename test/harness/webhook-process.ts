// Runs the compiled webhook server (dist/) in a child process for crash and sharing tests. Its resolver
// reads a JSON table {normalizedReference: digest} from a file on every call: the file missing means the
// registry is down (RegistryError `unreachable`, an outage). Needs `npm run build`. Started with spawnTracked, so
// a failing test never leaves one running.
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { spawnTracked } from "./processes.js";

const root = resolve(import.meta.dirname, "../..");

/** A webhook server child process. */
export interface ServerProcess {
  port: number;
  pid: number;
  child: ChildProcess;
  /** Sends a signal and waits for the exit; resolves with the signal or code. */
  kill(signal: NodeJS.Signals): Promise<string | number | null>;
}

/** Starts the server on 127.0.0.1 and a free port with the given store URL and table file. */
export async function startServerProcess(options: {
  store: string;
  certFile: string;
  keyFile: string;
  tableFile: string;
}): Promise<ServerProcess> {
  const dist = join(root, "dist");
  if (!existsSync(join(dist, "webhook/index.js"))) throw new Error("run `npm run build` first");
  const script = `
    const { serveWebhook, defaultWebhookConfig, WebhookMetrics } = await import(${JSON.stringify(join(dist, "webhook/index.js"))});
    const { openStore } = await import(${JSON.stringify(join(dist, "store/index.js"))});
    const { ImagepinError } = await import(${JSON.stringify(join(dist, "errors.js"))});
    const { RegistryError } = await import(${JSON.stringify(join(dist, "registry/index.js"))});
    const { readFileSync } = await import("node:fs");
    const resolver = { async resolve(reference) {
      let table;
      try { table = JSON.parse(readFileSync(${JSON.stringify(options.tableFile)}, "utf8")); }
      catch { throw new RegistryError("unreachable", "registry is down (test table missing)", { registry: reference.domain }); }
      const digest = table[reference.normalized];
      if (!digest) throw new ImagepinError("not-found", "no such tag");
      return { reference, pinned: reference.withDigest(digest), digest, mediaType: "application/vnd.oci.image.manifest.v1+json", source: "fresh", resolvedAt: Date.now() };
    } };
    const store = await openStore(${JSON.stringify(options.store)});
    const server = await serveWebhook({ config: defaultWebhookConfig(), resolver, store, tls: { certFile: ${JSON.stringify(options.certFile)}, keyFile: ${JSON.stringify(options.keyFile)} }, host: "127.0.0.1", port: 0, metrics: new WebhookMetrics() });
    process.on("SIGTERM", () => server.close(5000).then(() => store.close()).then(() => process.exit(0)));
    process.stdout.write("port " + server.port + "\\n");`;
  const started = spawnTracked(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const { child } = started;
  const port = await new Promise<number>((done, fail) => {
    let text = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = /port (\d+)/.exec(text);
      if (match) done(Number(match[1]));
    });
    child.once("exit", (code) => fail(new Error(`server exited early with ${code}`)));
  });
  return {
    port,
    pid: started.pid,
    child,
    // Past the server's own 5 s drain on SIGTERM before stop falls back to SIGKILL.
    kill: (signal) => (started.running() ? started.stop(signal, 10_000) : started.exited()),
  };
}
