// `npm pack` gives a tarball that installs and runs the way `npm install -g` lays it out: the package under
// PREFIX/lib/node_modules/imagepin with only its runtime dependencies, and PREFIX/bin/imagepin linking to
// the bin entry. A real `npm install -g` resolves dependency ranges afresh against the registry, which a
// test here must not reach, so the runtime dependencies come from the lockfile's exact versions out of
// the npm cache `npm ci` filled (`npm ci --omit=dev --offline`). Install scripts are skipped: only the
// webhook's SQLite store needs a native build, and --version and parse must not.
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  version: string;
  bin: Record<string, string>;
};
let workDir: string;
let tarball: string;
let installed: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "imagepin-pack-"));
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", workDir], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }),
  ) as { filename: string }[];
  tarball = join(workDir, packed[0]!.filename);
  installed = join(workDir, "prefix", "lib", "node_modules", "imagepin");
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["xzf", tarball, "--strip-components=1", "-C", installed]);
  copyFileSync(join(root, "package-lock.json"), join(installed, "package-lock.json"));
  execFileSync("npm", ["ci", "--omit=dev", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], {
    cwd: installed,
    stdio: "ignore",
  });
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
    const output = execFileSync(join(workDir, "prefix", "bin", "imagepin"), ["parse", "--json", "nginx"], {
      encoding: "utf8",
    });
    expect(JSON.parse(output)).toMatchObject({ normalized: "docker.io/library/nginx:latest" });
  });
});

describe("an install on a machine without a compiler", () => {
  it("succeeds without python, make or g++ (better-sqlite3 is optional); lint runs, and the SQLite store names what to install", () => {
    const prefix = join(workDir, "no-compiler");
    mkdirSync(prefix, { recursive: true });
    execFileSync("tar", ["xzf", tarball, "--strip-components=1", "-C", prefix]);
    copyFileSync(join(root, "package-lock.json"), join(prefix, "package-lock.json"));
    // npm runs `prepare` (the build from sources, for git installs) only for a root project, never for a
    // package installed from the registry or a tarball; the unpacked package stands in as root here.
    const packageJson = JSON.parse(readFileSync(join(prefix, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    delete packageJson.scripts.prepare;
    writeFileSync(join(prefix, "package.json"), JSON.stringify(packageJson));
    // PATH holds node and sh only: no python3, make, cc or g++ for node-gyp to find.
    const bin = join(workDir, "bin-without-compilers");
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, "node"));
    symlinkSync("/bin/sh", join(bin, "sh"));
    const npmCli = realpathSync(execFileSync("sh", ["-c", "command -v npm"], { encoding: "utf8" }).trim());
    const env = { ...process.env, PATH: bin };
    // Install scripts run, as for a user: better-sqlite3's native build fails, and npm leaves it out.
    const install = spawnSync(process.execPath, [npmCli, "ci", "--omit=dev", "--offline", "--no-audit", "--no-fund"], {
      cwd: prefix,
      env,
      encoding: "utf8",
      timeout: 240_000,
    });
    expect(install.status, install.stderr).toBe(0);
    const cli = join(prefix, manifest.bin.imagepin!);
    const lint = spawnSync(process.execPath, [cli, "lint", "-"], {
      input: "image: nginx@sha256:" + "a".repeat(64) + "\n",
      encoding: "utf8",
      env,
    });
    expect(lint.status, lint.stderr).toBe(0);
    if (existsSync(join(prefix, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node"))) {
      throw new Error("better-sqlite3 was built without a compiler on PATH: this test no longer shows what it claims");
    }
    writeFileSync(join(workDir, "empty.db"), ""); // an empty file is an empty SQLite database
    const store = spawnSync(
      process.execPath,
      [cli, "webhook", "store", "list", "--store", `sqlite://${join(workDir, "empty.db")}`],
      { encoding: "utf8", env },
    );
    expect(store.status).toBe(2);
    expect(store.stderr).toContain("needs the better-sqlite3 module");
    expect(store.stderr).toContain("npm install better-sqlite3");
  }, 300_000);
});
