import { readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { describeFsError } from "../internal/fs-errors.js";
import { isDockerfileName, isYamlName } from "./scan.js";

export { describeFsError };

/** Directories never walked into. */
const skipped = new Set(["node_modules", ".git"]);

/** A path that could not be listed or read. */
export interface WalkError {
  path: string;
  message: string;
}

/**
 * Expands command-line paths to files: a directory yields its YAML files and Dockerfiles (recursively,
 * sorted, skipping node_modules, .git and the templates/ of a Helm chart); a file is taken as given, whatever its name; `-` stays `-`.
 */
export async function collectFiles(
  paths: string[],
): Promise<{ files: string[]; errors: WalkError[]; charts: string[] }> {
  const walk: Walk = { files: [], errors: [], seen: new Set(), charts: [] };
  for (const path of paths) {
    if (path === "-") {
      walk.files.push(path);
      continue;
    }
    try {
      if ((await stat(path)).isDirectory()) await walkDirectory(path, walk);
      else walk.files.push(path);
    } catch (error) {
      walk.errors.push({ path, message: describeFsError(error) });
    }
  }
  return { files: [...new Set(walk.files)], errors: walk.errors, charts: walk.charts };
}

/** What a walk has found so far; `seen` holds the real paths of directories and files already taken. */
interface Walk {
  files: string[];
  errors: WalkError[];
  seen: Set<string>;
  /** Helm chart directories whose templates/ were skipped, so the caller can say so. */
  charts: string[];
}

/**
 * Symbolic links are followed (a chart's values symlinked in is still linted), but every directory and
 * file is taken once by its real path, so a link back up the tree ends instead of looping.
 */
async function walkDirectory(directory: string, walk: Walk): Promise<void> {
  let entries;
  try {
    const real = await realpath(directory);
    if (walk.seen.has(real)) return;
    walk.seen.add(real);
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    walk.errors.push({ path: directory, message: describeFsError(error) });
    return;
  }
  // A Helm chart's templates are Go templates, not YAML: lint the output of `helm template` instead.
  const isChart = entries.some((entry) => entry.name === "Chart.yaml");
  if (isChart && entries.some((entry) => entry.name === "templates")) walk.charts.push(directory);
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (skipped.has(entry.name) || (isChart && entry.name === "templates")) continue;
    const path = join(directory, entry.name);
    const target = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : entry;
    // A dangling link is not a file; it is left out like any other non-file.
    if (target?.isDirectory()) await walkDirectory(path, walk);
    else if (target?.isFile() && (isYamlName(entry.name) || isDockerfileName(entry.name))) {
      const real = await realpath(path).catch(() => path);
      if (walk.seen.has(real)) continue;
      walk.seen.add(real);
      walk.files.push(path);
    }
  }
}
