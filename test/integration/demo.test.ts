// The README's first command runs this demo; running it here keeps it from rotting. It starts its own
// registry and webhook on loopback and exits non-zero when any step does not behave as it shows.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("npm run demo", () => {
  it("walks through lint, pin, verify, the webhook with a fallback, and an ImageSet", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/demo.mjs"], {
      cwd: root,
      encoding: "utf8",
      timeout: 170_000,
    });
    const output = result.stdout + result.stderr;
    expect(output, output).toContain("demo: every step behaved as shown");
    expect(result.status).toBe(0);
    for (const step of [
      "$ imagepin lint",
      "$ imagepin pin",
      "$ imagepin verify --update",
      "$ imagepin webhook serve",
      "$ imagepin imageset create",
      "$ imagepin imageset verify",
    ]) {
      expect(output).toContain(step);
    }
    expect(output).toMatch(/warning: .*(last known|fallback)/i);
  }, 180_000);
});
