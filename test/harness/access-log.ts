// The registry writes its access log line after the response, and the line reaches us through a pipe a
// moment later; counts read right after a call can be short. This waits until the log is quiet.
import type { RegistryRequest, TestRegistry } from "./registry.js";

/** The registry's logged requests once no new line has arrived for `quietMs` (default 150 ms, at most 5 s). */
export async function settledRequests(registry: TestRegistry, quietMs = 150): Promise<RegistryRequest[]> {
  const deadline = Date.now() + 5000;
  let count = -1;
  while (Date.now() < deadline) {
    const now = registry.requests().length;
    if (now === count) break;
    count = now;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
  return registry.requests();
}
