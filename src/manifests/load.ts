import { open } from "node:fs/promises";
import { limitsOf, oversizedFile } from "./limits.js";
import { isDockerfileName, scanText } from "./scan.js";
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
 * Walks the paths, reads and scans every file. A file that cannot be read (or is binary) is reported
 * and the others are still scanned. A file over the byte bound is not read: it is scanned as one
 * problem naming the bound. Standard input (`-`) is a Dockerfile when it starts like one, else YAML.
 */
export async function loadManifests(paths: string[], options: LoadOptions): Promise<LoadedManifests> {
  const { files: names, errors, charts } = await collectFiles(paths);
  const unreadable = [...errors];
  const files: ScannedFile[] = [];
  const { maxBytes } = limitsOf(options);
  for (const name of names) {
    let read: string | { oversized: number };
    try {
      read = name === "-" ? refuseBinary(await options.readStdin()) : await readText(name, maxBytes);
    } catch (error) {
      unreadable.push({
        path: name,
        message: error instanceof Error && !("code" in error) ? error.message : describeFsError(error),
      });
      continue;
    }
    files.push(
      typeof read === "string"
        ? scanText(name, read, options)
        : oversizedFile(name, read.oversized, isDockerfileName(name), { maxBytes }),
    );
  }
  return { files, unreadable, charts };
}

/**
 * Reads a file as UTF-8, refusing bytes that are not (a rewrite of a mis-decoded file would not keep
 * its other bytes) and binary files; a file over `maxBytes` is not read, only its size returned.
 */
async function readText(path: string, maxBytes: number): Promise<string | { oversized: number }> {
  const handle = await open(path, "r");
  let bytes: Buffer;
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) return { oversized: size };
    bytes = await handle.readFile();
  } finally {
    await handle.close();
  }
  // Grown since the size was taken: still never more than the bound is scanned.
  if (bytes.length > maxBytes) return { oversized: bytes.length };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new Error("not valid UTF-8");
  }
  return refuseBinary(text);
}

/**
 * Refuses text with a NUL character: no YAML file or Dockerfile has one (YAML forbids it), and a binary
 * file read as YAML would be one plain scalar that lints clean (issue 18: 1 MB of NUL bytes did).
 */
function refuseBinary(text: string): string {
  const at = text.indexOf("\0");
  if (at !== -1)
    throw new Error(
      `binary file (a NUL byte at byte ${Buffer.byteLength(text.slice(0, at))}), not YAML or a Dockerfile; skipped`,
    );
  return text;
}
