// Runs the harness's fault proxy in a process of its own with a fixed latency before every request, so
// the delay it injects is not stretched by the load generator sharing its event loop. Prints
// `proxy HOST:PORT` once listening; stops on SIGTERM.
// Usage: node --import tsx bench/support/latency-proxy.ts UPSTREAM_URL LATENCY_MS
import { startFaultProxy } from "../../test/harness/fault-proxy.js";

const [upstream, latency] = process.argv.slice(2);
if (!upstream || !latency) throw new Error("usage: latency-proxy.ts UPSTREAM_URL LATENCY_MS");
const proxy = await startFaultProxy(upstream);
proxy.setLatency(Number(latency));
process.on("SIGTERM", () => void proxy.close().then(() => process.exit(0)));
process.stdout.write(`proxy ${proxy.host}\n`);
