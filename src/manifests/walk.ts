import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { isDockerfileName, isYamlName } from "./scan.js";

/** Directories never walked into. */
const skipped = new Set(["node_modules", ".git"]);

/** A path that could not be listed or read. */
export interface WalkError {
  path: string;
  message: string;
}

/**
 * Expands command-line paths to files: a directory yields its YAML files and Dockerfiles (recursively,
 * sorted, skipping node_modules and .git); a file is taken as given, whatever its name; `-` stays `-`.
 */
export async function collectFiles(paths: string[]): Promise<{ files: string[]; errors: WalkError[] }> {
  const files: string[] = [];
  const errors: WalkError[] = [];
  for (const path of paths) {
    if (path === "-") {
      files.push(path);
      continue;
    }
    try {
      if ((await stat(path)).isDirectory()) await walk(path, files, errors);
      else files.push(path);
    } catch (error) {
      errors.push({ path, message: describeFsError(error) });
    }
  }
  return { files: [...new Set(files)], errors };
}

async function walk(directory: string, files: string[], errors: WalkError[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    errors.push({ path: directory, message: describeFsError(error) });
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!skipped.has(entry.name)) await walk(path, files, errors);
    } else if (entry.isFile() && (isYamlName(entry.name) || isDockerfileName(entry.name))) {
      files.push(path);
    }
  }
}

/** `ENOENT: no such file or directory` rather than a stack. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const messages: Record<string, string> = { ENOENT: "no such file or directory", EACCES: "permission denied", EISDIR: "is a directory", ENOTDIR: "a parent is not a directory" };
  return code ? (messages[code] ?? code) : String(error);
}
