// `imagepin resolve` end to end through the built executable against a real registry: text and JSON,
// input order, stdin, exit 1 with the other references still resolved, skopeo agreeing on digests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imagepinBin, runImagepin } from "../harness/cli.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage, pushIndex, skopeoDigest, type PushedManifest } from "../harness/seed.js";

const run = (args: string[], input = "") => runImagepin(args, { input });

let registry: TestRegistry;
let app: PushedManifest;
let tools: PushedManifest;

beforeAll(async () => {
  registry = await startRegistry();
  app = await pushImage({ url: registry.url }, "cli/app", "1.0");
  tools = await pushImage({ url: registry.url }, "cli/tools", "latest", { format: "docker" });
  await pushIndex({ url: registry.url }, "cli/multi", "3", [
    { os: "linux", architecture: "amd64" },
    { os: "linux", architecture: "arm64" },
  ]);
});
afterAll(async () => {
  await registry?.stop();
});

describe("imagepin resolve", () => {
  it("prints pinned references in input order as text", async () => {
    const host = registry.host;
    const result = await run(["resolve", `${host}/cli/tools`, `${host}/cli/app:1.0`]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${host}/cli/tools:latest@${tools.digest}\n${host}/cli/app:1.0@${app.digest}\n`);
    expect(await skopeoDigest(`${host}/cli/app:1.0`)).toBe(app.digest);
  });

  it("prints JSON, exits 1 when any input failed and still resolves the others", async () => {
    const host = registry.host;
    const result = await run([
      "resolve",
      "--json",
      `${host}/cli/missing:1`,
      `${host}/cli/app:1.0`,
      "Bad/Ref",
      `${host}/cli/multi:3`,
      "--platform",
      "linux/arm64",
    ]);
    expect(result.status).toBe(1);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.input)).toEqual([
      `${host}/cli/missing:1`,
      `${host}/cli/app:1.0`,
      "Bad/Ref",
      `${host}/cli/multi:3`,
    ]);
    expect(lines[0]).toEqual({
      input: `${host}/cli/missing:1`,
      error: { code: "not-found", message: expect.stringContaining("not found") },
    });
    expect(lines[1]).toEqual({
      input: `${host}/cli/app:1.0`,
      reference: `${host}/cli/app:1.0@${app.digest}`,
      digest: app.digest,
      mediaType: app.mediaType,
      platform: null,
    });
    expect((lines[2]!.error as { code: string }).code).toBe("name-contains-uppercase");
    expect(lines[3]).toMatchObject({
      platform: "linux/arm64/v8",
      mediaType: "application/vnd.oci.image.manifest.v1+json",
    });
  });

  it("reads - from standard input in place and reports failures on stderr in text mode", async () => {
    const host = registry.host;
    const result = await run(
      ["resolve", "-", `${host}/cli/app:1.0`],
      `# list\n${host}/cli/tools\n\n${host}/cli/gone:2\n`,
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(`${host}/cli/tools:latest@${tools.digest}\n${host}/cli/app:1.0@${app.digest}\n`);
    expect(result.stderr).toMatch(new RegExp(`^imagepin: ${host.replace(/\./g, "\\.")}/cli/gone:2: .*not found`));
  });

  it("rejects a bad --platform as a usage error", async () => {
    const result = await run(["resolve", "--platform", "linux", `${registry.host}/cli/app:1.0`]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--platform");
  });

  it("reports an unreachable registry as unreachable", async () => {
    const result = await run(["resolve", "--json", "--timeout", "5", "127.0.0.1:1/x/y:1"]);
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: "unreachable" } });
  });
});

describe("imagepin resolve on a terminal", () => {
  it("shows progress on stderr and clears it, leaving the results as they are", async () => {
    const host = registry.host;
    const refs = Array.from({ length: 12 }, () => `${host}/cli/app:1.0`);
    // `script` gives the command a terminal; its output is what the terminal showed
    const { spawnSync } = await import("node:child_process");
    const command = [process.execPath, imagepinBin, "resolve", ...refs].map((arg) => `'${arg}'`).join(" ");
    const shown = spawnSync("script", ["-qec", command, "/dev/null"], {
      encoding: "utf8",
      env: { ...process.env, DOCKER_CONFIG: "/nonexistent-imagepin-test" },
    });
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(/\rresolving \d+\/12/);
    const lines = shown.stdout
      .replace(/\r?resolving \d+\/12\x1b\[K/g, "")
      .replace(/\r\x1b\[K/g, "")
      .split(/\r?\n/)
      .filter(Boolean);
    expect(lines).toEqual(refs.map(() => `${host}/cli/app:1.0@${app.digest}`));
    // not on a terminal (the other tests): no progress at all
    const piped = await run(["resolve", ...refs]);
    expect(piped.stderr).toBe("");
  });
});
