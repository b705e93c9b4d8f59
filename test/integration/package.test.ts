// `npm pack` gives a tarball that installs with `npm install -g` and runs. The install is offline, from
// the npm cache `npm ci` filled, so the test needs no network; install scripts are skipped because
// only the webhook's SQLite store needs a native build, and --version and parse must not.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
let workDir: string;
let tarball: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "imagepin-pack-"));
  const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", workDir], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })) as { filename: string; files: { path: string }[] }[];
  tarball = join(workDir, packed[0]!.filename);
  execFileSync("npm", ["install", "-g", "--prefix", join(workDir, "prefix"), "--offline", "--ignore-scripts", "--no-audit", "--no-fund", tarball], { stdio: "ignore" });
}, 300_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("ships the compiled CLI and no sources, tests or dev files", () => {
    const listing = execFileSync("tar", ["tzf", tarball], { encoding: "utf8" }).split("\n").filter(Boolean);
    expect(listing).toContain("package/dist/cli/bin.js");
    expect(listing).toContain("package/package.json");
    expect(listing.filter((path) => /\.test\.|^package\/(src|test|bench)\//.test(path))).toEqual([]);
  });

  it("installs globally and runs imagepin --version from the prefix", () => {
    const output = execFileSync(join(workDir, "prefix", "bin", "imagepin"), ["--version"], { encoding: "utf8" });
    expect(output.trim()).toBe(version);
  });

  it("runs a command that needs its runtime dependencies", () => {
    const output = execFileSync(join(workDir, "prefix", "bin", "imagepin"), ["parse", "--json", "nginx"], { encoding: "utf8" });
    expect(JSON.parse(output)).toMatchObject({ normalized: "docker.io/library/nginx:latest" });
  });
});
