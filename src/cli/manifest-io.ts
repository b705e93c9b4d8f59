// File I/O shared by the commands that read manifests and write them back (lint, pin, verify): walking
// the inputs, reporting what could not be read, writing changed files atomically, and the lock file
// (pin, krm).
import { readFile, realpath } from "node:fs/promises";
import { ImagepinError, UsageError } from "../errors.js";
import { writeFileAtomic } from "../internal/atomic-write.js";
import { describeFsError } from "../internal/fs-errors.js";
import {
  defaultManifestLimits,
  kindPresets,
  loadManifests,
  oversizedMessage,
  Lockfile,
  parseCustomKinds,
  type CustomKind,
  type LoadedManifests,
} from "../manifests/index.js";
import { readStdinBounded } from "./input.js";

/**
 * Reads the custom kinds (each `--kinds` value a file, or `preset:NAME` for a shipped preset), walks and
 * scans the paths. @throws UsageError for an unreadable file or an unknown preset.
 */
export async function loadInputs(paths: string[], kinds: string | string[] | undefined): Promise<LoadedManifests> {
  const customKinds: CustomKind[] = [];
  for (const source of typeof kinds === "string" ? [kinds] : (kinds ?? []))
    customKinds.push(...(await readKinds(source)));
  // Standard input over the byte bound is not kept in memory either (issue 18).
  const readStdin = () => readStdinBounded(defaultManifestLimits.maxBytes, (bytes) => oversizedMessage(bytes));
  return loadManifests(paths, { customKinds, readStdin });
}

async function readKinds(source: string): Promise<CustomKind[]> {
  if (source.startsWith("preset:")) {
    const preset = kindPresets[source.slice("preset:".length)];
    if (!preset)
      throw new UsageError(
        `--kinds ${source}: no such preset; known: ${Object.keys(kindPresets)
          .map((name) => `preset:${name}`)
          .join(", ")}`,
      );
    return [...preset];
  }
  let text: string;
  try {
    text = await readFile(source, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read --kinds ${source}: ${describeFsError(error)}`, { cause: error });
  }
  return parseCustomKinds(text, source);
}

/** Prints each unreadable path to stderr; true when there was any. */
export function reportUnreadable(loaded: LoadedManifests): boolean {
  for (const { path, message } of loaded.unreadable)
    process.stderr.write(`imagepin: cannot read ${path}: ${message}\n`);
  return loaded.unreadable.length > 0;
}

/** Says on stderr which Helm charts had their templates skipped, and what to run instead. */
export function reportWalkNotes(loaded: LoadedManifests): void {
  for (const chart of loaded.charts ?? []) {
    process.stderr.write(
      `imagepin: ${chart} is a Helm chart: its templates/ are Go templates and were skipped; check what they render to: helm template ${chart} | imagepin lint -\n`,
    );
  }
}

/** A run that read files but found no image in any says so on stderr (a wrong path should not pass as clean). */
export function reportNoImages(loaded: LoadedManifests): void {
  if (loaded.files.length === 0 && loaded.unreadable.length > 0) return;
  const count = loaded.files.length;
  process.stderr.write(`imagepin: no images found in ${count} file${count === 1 ? "" : "s"}\n`);
}

/** A file to write back, and what to say once it is written. */
export interface WriteBack {
  path: string;
  output: string;
  done: string;
}

/**
 * Writes each file atomically; through a symbolic link the file it names is rewritten and the link stays
 * a link. A file that cannot be written is reported and the others are still written. With
 * `namePerFile` (default) each file written is named on standard error.
 * @returns true when any write failed.
 */
export async function writeFilesBack(files: WriteBack[], namePerFile = true): Promise<boolean> {
  let failed = false;
  for (const { path, output, done } of files) {
    try {
      await writeFileAtomic(await realpath(path), output);
      if (namePerFile) process.stderr.write(`imagepin: ${path}: ${done}\n`);
    } catch (error) {
      failed = true;
      process.stderr.write(`imagepin: cannot write ${path}: ${describeFsError(error)}\n`);
    }
  }
  return failed;
}

/**
 * The lock file's entries, or an empty lock when it does not exist yet (it is then created).
 * @throws UsageError when unreadable, or missing with `offline`: pinning from a lock that is not
 * there would report every image as unlocked, which hides a mistyped path in CI.
 */
export async function readLock(path: string, offline = false): Promise<Lockfile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      if (offline)
        throw new UsageError(`lock file ${path} does not exist`, {
          hint: "--offline pins from an existing lock; run pin without --offline to create it",
          cause: error,
        });
      return new Lockfile();
    }
    throw new UsageError(`cannot read --lock ${path}: ${describeFsError(error)}`, { cause: error });
  }
  return Lockfile.parse(text, path);
}

/**
 * Writes the lock atomically. @throws ImagepinError `lock-write` naming the file, so an unwritable
 * path is a clear error (exit 2) rather than an internal one.
 */
export async function writeLockFile(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text);
  } catch (error) {
    throw new ImagepinError("lock-write", `cannot write the lock file ${path}: ${describeFsError(error)}`, {
      cause: error,
    });
  }
}
