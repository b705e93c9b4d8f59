/**
 * Finding and reading credential files. Kept apart from the pure parsers so that the webhook and
 * tests can parse text they already hold.
 */

import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { CredentialsError } from "./errors.js";

/** Where to look for the docker config. */
export interface LocateDockerConfigOptions {
  /** `--docker-config PATH`: a config file, or a directory holding `config.json`. */
  explicitPath?: string;
  /** The environment to read `DOCKER_CONFIG` and `HOME` (or `USERPROFILE`) from. */
  env: Record<string, string | undefined>;
}

/**
 * Finds the one docker config file to use, the way Docker does: the explicit path, else
 * `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`. Only the first that applies is
 * used; Docker never merges them.
 *
 * Resolves to the path of an existing file, or undefined when the default location (from
 * `DOCKER_CONFIG` or `HOME`) has no file, which is normal on a machine that never logged in.
 *
 * @throws CredentialsError `config-not-found` when an explicit path (or `config.json` inside an
 *   explicit directory) does not exist.
 */
export async function locateDockerConfig(options: LocateDockerConfigOptions): Promise<string | undefined> {
  if (options.explicitPath !== undefined && options.explicitPath !== "") {
    const explicit = options.explicitPath;
    const info = await stat(explicit).catch(() => undefined);
    const file = info?.isDirectory() ? join(explicit, "config.json") : explicit;
    if (!(await isFile(file))) {
      throw new CredentialsError("config-not-found", "docker config file does not exist", {
        location: { file },
        hint: "--docker-config takes a config.json file or a directory that holds one",
      });
    }
    return file;
  }
  const dockerConfig = options.env.DOCKER_CONFIG;
  const home = options.env.HOME ?? options.env.USERPROFILE;
  let file: string | undefined;
  if (dockerConfig !== undefined && dockerConfig !== "") file = join(dockerConfig, "config.json");
  else if (home !== undefined && home !== "") file = join(home, ".docker", "config.json");
  return file !== undefined && (await isFile(file)) ? file : undefined;
}

async function isFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ?? false;
}

/**
 * Reads a credentials file as UTF-8.
 *
 * @throws CredentialsError `config-not-found` when it does not exist, `config-unreadable` when it
 *   cannot be read (permissions, a directory).
 */
export async function readCredentialsFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new CredentialsError("config-not-found", `${what} does not exist`, {
        location: { file: path },
        cause: error,
      });
    throw new CredentialsError("config-unreadable", `cannot read ${what}: ${code ?? "error"}`, {
      location: { file: path },
      cause: error,
    });
  }
}

/**
 * The containers (podman, skopeo, buildah) auth files that exist, in the order podman and crane read
 * them: `$REGISTRY_AUTH_FILE` alone when it is set (podman's `--authfile` default; crane's second
 * choice), else `$XDG_RUNTIME_DIR/containers/auth.json` (where `podman login` writes) and then
 * `${XDG_CONFIG_HOME:-~/.config}/containers/auth.json`. They share the docker config's format.
 */
export async function locateContainersAuthFiles(env: Record<string, string | undefined>): Promise<string[]> {
  const explicit = env.REGISTRY_AUTH_FILE;
  if (explicit !== undefined && explicit !== "") return (await isFile(explicit)) ? [explicit] : [];
  const candidates: string[] = [];
  if (env.XDG_RUNTIME_DIR) candidates.push(join(env.XDG_RUNTIME_DIR, "containers", "auth.json"));
  const configHome = env.XDG_CONFIG_HOME || (env.HOME ? join(env.HOME, ".config") : undefined);
  if (configHome) candidates.push(join(configHome, "containers", "auth.json"));
  const found: string[] = [];
  for (const file of candidates) if (await isFile(file)) found.push(file);
  return found;
}
