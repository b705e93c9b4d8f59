import { readFile } from "node:fs/promises";
import { scanText } from "./scan.js";
import type { ScanOptions, ScannedFile } from "./types.js";
import { collectFiles, describeFsError, type WalkError } from "./walk.js";

/** Options of {@link loadManifests}. */
export interface LoadOptions extends ScanOptions {
  /** Reads standard input for the path `-`. */
  readStdin: () => Promise<string>;
}

/** Scanned files, and the paths that could not be read (listed, opened or decoded). */
export interface LoadedManifests {
  files: ScannedFile[];
  unreadable: WalkError[];
  /** Helm chart directories walked, whose templates/ were skipped (see collectFiles). */
  charts?: string[];
}

/**
 * Walks the paths, reads and scans every file. A file that cannot be read is reported and the others
 * are still scanned. Standard input (`-`) is read as YAML.
 */
export async function loadManifests(paths: string[], options: LoadOptions): Promise<LoadedManifests> {
  const { files: names, errors, charts } = await collectFiles(paths);
  const unreadable = [...errors];
  const files: ScannedFile[] = [];
  for (const name of names) {
    let text: string;
    try {
      text = name === "-" ? await options.readStdin() : await readText(name);
    } catch (error) {
      unreadable.push({ path: name, message: error instanceof Error && !("code" in error) ? error.message : describeFsError(error) });
      continue;
    }
    files.push(scanText(name, text, options));
  }
  return { files, unreadable, charts };
}

/**
 * Reads a file as UTF-8, refusing bytes that are not: a rewrite of a mis-decoded file would not keep
 * its other bytes.
 */
async function readText(path: string): Promise<string> {
  const bytes = await readFile(path);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new Error("not valid UTF-8");
  }
}
