// `npm pack` gives a tarball that installs and runs the way `npm install -g` lays it out: the package under
// PREFIX/lib/node_modules/imagepin with only its runtime dependencies, and PREFIX/bin/imagepin linking to
// the bin entry. A real `npm install -g` resolves dependency ranges afresh against the registry, which a
// test here must not reach, so the runtime dependencies come from the lockfile's exact versions out of
// the npm cache `npm ci` filled (`npm ci --omit=dev --offline`). Install scripts are skipped: only the
// webhook's SQLite store needs a native build, and --version and parse must not.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string; bin: Record<string, string> };
let workDir: string;
let tarball: string;
let installed: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "imagepin-pack-"));
  const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", workDir], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })) as { filename: string }[];
  tarball = join(workDir, packed[0]!.filename);
  installed = join(workDir, "prefix", "lib", "node_modules", "imagepin");
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["xzf", tarball, "--strip-components=1", "-C", installed]);
  copyFileSync(join(root, "package-lock.json"), join(installed, "package-lock.json"));
  execFileSync("npm", ["ci", "--omit=dev", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: installed, stdio: "ignore" });
  mkdirSync(join(workDir, "prefix", "bin"));
  for (const [name, target] of Object.entries(manifest.bin)) {
    chmodSync(join(installed, target), 0o755); // as npm does for bin targets
    symlinkSync(join("..", "lib", "node_modules", "imagepin", target), join(workDir, "prefix", "bin", name));
  }
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
    expect(output.trim()).toBe(manifest.version);
  });

  it("runs without development dependencies", () => {
    expect(existsSync(join(installed, "node_modules", "commander"))).toBe(true);
    expect(existsSync(join(installed, "node_modules", "vitest"))).toBe(false);
    expect(existsSync(join(installed, "node_modules", "typescript"))).toBe(false);
  });

  it("runs a command that needs its runtime dependencies", () => {
    const output = execFileSync(join(workDir, "prefix", "bin", "imagepin"), ["parse", "--json", "nginx"], { encoding: "utf8" });
    expect(JSON.parse(output)).toMatchObject({ normalized: "docker.io/library/nginx:latest" });
  });
});
