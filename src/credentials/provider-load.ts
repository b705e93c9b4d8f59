/**
 * Finding and reading kubelet credential provider configuration: the config file (or a directory of
 * them, read in name order as the kubelet does) and the plugin directory, checked at start-up the way
 * the kubelet checks them before it registers a plugin.
 */

import { constants } from "node:fs";
import { access, readdir, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { describeFsError } from "../internal/fs-errors.js";
import { CredentialsError } from "./errors.js";
import { readCredentialsFile } from "./locate.js";
import { parseCredentialProviderConfig, type CredentialProviderSpec } from "./provider-config.js";
import { CredentialProviderPlugin, type ProviderRuntimeOptions } from "./provider.js";

/** Where the providers are configured and installed. */
export interface LoadCredentialProvidersOptions extends Omit<ProviderRuntimeOptions, "binDir"> {
  /** `--credential-provider-config`: a CredentialProviderConfig file, or a directory of `*.yaml|*.yml|*.json`. */
  configPath: string;
  /** `--credential-provider-bin-dir`: where each provider's executable `NAME` lives. */
  binDir: string;
}

/**
 * Reads and validates the provider config and checks that every plugin is installed, then builds the
 * providers in config order. Nothing runs here.
 *
 * @throws CredentialsError `config-not-found` (config, plugin directory or a plugin missing),
 *   `config-unreadable`, `invalid-provider-config` (at file:line:col, or a name repeated across files).
 */
export async function loadCredentialProviders(
  options: LoadCredentialProvidersOptions,
): Promise<CredentialProviderPlugin[]> {
  await checkBinDir(options.binDir);
  const specs: CredentialProviderSpec[] = [];
  for (const file of await configFiles(options.configPath)) {
    for (const spec of parseCredentialProviderConfig(
      await readCredentialsFile(file, "credential provider config"),
      file,
    )) {
      if (specs.some((other) => other.name === spec.name)) {
        throw new CredentialsError(
          "invalid-provider-config",
          `duplicate provider name ${JSON.stringify(spec.name)} across configuration files`,
          { location: spec.location },
        );
      }
      specs.push(spec);
    }
  }
  for (const spec of specs) await checkPlugin(options.binDir, spec);
  return specs.map((spec) => new CredentialProviderPlugin(spec, options));
}

async function checkBinDir(binDir: string): Promise<void> {
  const info = await stat(binDir).catch((error: unknown) => error as NodeJS.ErrnoException);
  if (info instanceof Error) {
    throw new CredentialsError(
      "config-not-found",
      `credential provider plugin directory ${binDir}: ${describeFsError(info)}`,
      { hint: "--credential-provider-bin-dir names the directory that holds the plugin executables" },
    );
  }
  if (!info.isDirectory())
    throw new CredentialsError("config-not-found", `credential provider plugin directory ${binDir} is not a directory`);
}

/** The config file itself, or the `*.json`, `*.yaml`, `*.yml` files of a directory in name order. */
async function configFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) return [path];
  const names = (await readdir(path, { withFileTypes: true }))
    .filter((entry) => !entry.isDirectory() && [".json", ".yaml", ".yml"].includes(extname(entry.name)))
    .map((entry) => join(path, entry.name))
    .sort();
  if (names.length === 0)
    throw new CredentialsError(
      "config-not-found",
      `no configuration files (*.json, *.yaml, *.yml) in credential provider config directory ${path}`,
    );
  return names;
}

async function checkPlugin(binDir: string, spec: CredentialProviderSpec): Promise<void> {
  const program = join(binDir, spec.name);
  try {
    await access(program, constants.X_OK);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new CredentialsError(
      missing ? "config-not-found" : "config-unreadable",
      `credential provider plugin ${program} ${missing ? "does not exist" : `cannot be run: ${describeFsError(error)}`}`,
      {
        location: spec.location,
        hint: "install the plugin in --credential-provider-bin-dir under the provider's name, executable",
      },
    );
  }
}
