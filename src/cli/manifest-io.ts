// File I/O shared by the commands that read manifests and write them back (lint, pin, verify): walking
// the inputs, reporting what could not be read, and writing changed files atomically.
import { readFile, realpath } from "node:fs/promises";
import { UsageError } from "../errors.js";
import { writeFileAtomic } from "../internal/atomic-write.js";
import { describeFsError } from "../internal/fs-errors.js";
import { loadManifests, parseCustomKinds, type CustomKind, type LoadedManifests } from "../manifests/index.js";
import { readStdin } from "./input.js";

/** Reads the custom kinds file, walks and scans the paths. */
export async function loadInputs(paths: string[], kindsFile: string | undefined): Promise<LoadedManifests> {
  let customKinds: CustomKind[] = [];
  if (kindsFile !== undefined) {
    let text: string;
    try {
      text = await readFile(kindsFile, "utf8");
    } catch (error) {
      throw new UsageError(`cannot read --kinds ${kindsFile}: ${describeFsError(error)}`, { cause: error });
    }
    customKinds = parseCustomKinds(text, kindsFile);
  }
  return loadManifests(paths, { customKinds, readStdin });
}

/** Prints each unreadable path to stderr; true when there was any. */
export function reportUnreadable(loaded: LoadedManifests): boolean {
  for (const { path, message } of loaded.unreadable) process.stderr.write(`imagepin: cannot read ${path}: ${message}\n`);
  return loaded.unreadable.length > 0;
}

/** A file to write back, and what to say once it is written. */
export interface WriteBack {
  path: string;
  output: string;
  done: string;
}

/**
 * Writes each file atomically; through a symbolic link the file it names is rewritten and the link stays
 * a link. A file that cannot be written is reported and the others are still written.
 * @returns true when any write failed.
 */
export async function writeFilesBack(files: WriteBack[]): Promise<boolean> {
  let failed = false;
  for (const { path, output, done } of files) {
    try {
      await writeFileAtomic(await realpath(path), output);
      process.stderr.write(`imagepin: ${path}: ${done}\n`);
    } catch (error) {
      failed = true;
      process.stderr.write(`imagepin: cannot write ${path}: ${describeFsError(error)}\n`);
    }
  }
  return failed;
}
