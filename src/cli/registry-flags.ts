import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { createKeychain } from "../credentials/index.js";
import { UsageError } from "../errors.js";
import { describeFsError } from "../internal/fs-errors.js";
import type { Logger } from "../internal/logger.js";
import { domainPattern } from "../reference/grammar.js";
import { parsePlatform, type Platform } from "../reference/index.js";
import { proxySettingsFromEnv } from "../registry/index.js";
import { RegistryResolver } from "../resolve/index.js";
import { collect, positiveInteger } from "./output.js";

/** The registry and credential flags, as commander hands them over. */
export interface RegistryFlags {
  platform?: string;
  concurrency: number;
  insecureRegistry?: string[];
  caFile?: string[];
  dockerConfig?: string;
  pullSecret?: string[];
  timeout?: number;
  /** `--credential-provider-config`: a kubelet CredentialProviderConfig file or directory. */
  credentialProviderConfig?: string;
  /** `--credential-provider-bin-dir`: where its plugins are installed. */
  credentialProviderBinDir?: string;
  /** `--debug`, wherever it was written: registry exchanges are logged on standard error. */
  debug?: boolean;
}

/**
 * Adds the registry and credential flags every command that talks to registries takes. `webhook
 * manifests` passes `credentialProviders: false`: there the provider flags name what to install on the
 * cluster (the nodes' files), not plugins to run here.
 */
export function addRegistryFlags(command: Command, options: { credentialProviders?: boolean } = {}): Command {
  command
    .option(
      "--platform <os/arch[/variant]>",
      "pin the platform's manifest from a multi-arch index (default: the index itself)",
      once("--platform"),
    )
    .option("--concurrency <n>", "registry requests in flight at once", positiveInteger("--concurrency"), 16)
    .option(
      "--insecure-registry <host[:port]>",
      "use http (or unverified TLS) for this registry; repeatable",
      (value: string, previous?: string[]) => collect(insecureRegistry(value), previous),
    )
    .option("--ca-file <file>", "trust this CA certificate (PEM) for registries; repeatable", collect)
    .option("--docker-config <path>", "docker config file or directory (default $DOCKER_CONFIG, ~/.docker)")
    .option("--pull-secret <file>", "Kubernetes pull secret (YAML or JSON), tried first; repeatable", collect)
    .addOption(
      new Option(
        "--timeout <seconds>",
        "give up on a reference after this long, retries included (default 60)",
      ).argParser(positiveInteger("--timeout")),
    );
  if (options.credentialProviders === false) return command;
  return command
    .option(
      "--credential-provider-config <path>",
      "kubelet CredentialProviderConfig file (or directory): run its credential provider plugins",
    )
    .option(
      "--credential-provider-bin-dir <dir>",
      "directory of the credential provider plugins (needed with --credential-provider-config)",
    );
}

/** A flag that may be given once: a second value would otherwise silently replace the first. */
function once(flag: string) {
  return (value: string, previous: string | undefined): string => {
    if (previous !== undefined)
      throw new UsageError(
        `${flag} was given twice (${JSON.stringify(previous)} and ${JSON.stringify(value)}); give it once`,
      );
    return value;
  };
}

/**
 * Checks an `--insecure-registry` value: `HOST[:PORT]`, as it is compared with the registry host of a
 * reference. A leading `http://` or `https://` (as Docker's daemon.json users write) is dropped, since
 * the flag already says which schemes are allowed; a path, or anything else, is a usage error rather
 * than an entry that silently never matches.
 */
export function insecureRegistry(value: string): string {
  const host = value
    .replace(/^https?:\/\//i, "")
    .replace(/\/$/, "")
    .toLowerCase();
  // The reference grammar's own host[:port] (hosts compare case-insensitively, so lowercased first).
  const port = /:(\d+)$/.exec(host)?.[1];
  if (!domainPattern.test(host) || (port !== undefined && (Number(port) < 1 || Number(port) > 65535))) {
    throw new UsageError(
      `--insecure-registry takes HOST[:PORT] (such as registry.local:5000 or [::1]:5000), not ${JSON.stringify(value)}`,
    );
  }
  return host;
}

/** The PEM text of a `--ca-file`. @throws UsageError when it cannot be read or holds no valid certificate. */
async function readCaFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`--ca-file: cannot read ${file}: ${describeFsError(error)}`, { cause: error });
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  // Without this check a wrong file (a key, /etc/passwd) is accepted and every TLS registry then fails
  // with a certificate error far from its cause. The file's text is not quoted: it might be a key.
  if (blocks.length === 0)
    throw new UsageError(`--ca-file: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block);
    } catch {
      throw new UsageError(`--ca-file: certificate ${index + 1} in ${file} cannot be parsed`);
    }
  });
  return text;
}

/**
 * The logger behind `--debug`: every line on standard error as `imagepin: debug: message {fields}`.
 * It prints only the fields it is given, and the registry client gives URLs (without query), methods,
 * statuses and credential source names, never headers, so no secret reaches it.
 */
export function stderrDebugLogger(): Logger {
  const write = (level: string) => (fields: Record<string, unknown>, message: string) => {
    process.stderr.write(`imagepin: ${level}: ${message} ${JSON.stringify(fields)}\n`);
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

/**
 * The platform a `--platform` value names (normalized), or undefined without one: for commands that
 * need the platform without a resolver (pin and krm with --offline).
 * @throws UsageError for a malformed value.
 */
export function platformFromFlag(value: string | undefined): Platform | undefined {
  if (value === undefined) return undefined;
  try {
    return parsePlatform(value);
  } catch (error) {
    throw new UsageError(`--platform: ${(error as Error).message}`, { cause: error });
  }
}

/** Options of {@link createResolverFromFlags} that commands (not users) choose. */
export interface ResolverFromFlagsOptions {
  /** Reuse answers this long (the webhook: 30 s). */
  cacheTtlMs?: number;
  /** Where registry exchanges are logged; default standard error with `--debug`, else nowhere. */
  logger?: Logger;
  /** Counts registry responses by status ("error": no response) and registry host, for metrics. */
  onRegistryRequest?: (status: number | "error", host: string) => void;
}

/**
 * Builds the registry resolver the flags describe: the keychain (pull secrets, then the docker config),
 * trusted CAs, insecure registries, limits. Reads the credential and CA files once, here.
 * @throws UsageError for a bad --platform or a --ca-file that is unreadable or holds no certificate; CredentialsError for credential files.
 */
export async function createResolverFromFlags(
  flags: Partial<RegistryFlags>,
  env: Record<string, string | undefined>,
  options: ResolverFromFlagsOptions = {},
): Promise<{ resolver: RegistryResolver; platform?: Platform; close(): Promise<void> }> {
  const platform = platformFromFlag(flags.platform);
  // HTTPS_PROXY, HTTP_PROXY, NO_PROXY (lower case first); a malformed proxy URL is a usage error naming its variable.
  const proxy = proxySettingsFromEnv(env);
  const logger = options.logger ?? (flags.debug ? stderrDebugLogger() : undefined);
  const caCertificates = await Promise.all((flags.caFile ?? []).map(readCaFile));
  const keychain = await createKeychain({
    pullSecretFiles: flags.pullSecret ?? [],
    dockerConfigPath: flags.dockerConfig,
    env,
    credentialProviderConfig: flags.credentialProviderConfig,
    credentialProviderBinDir: flags.credentialProviderBinDir,
    ...(logger ? { logger } : {}),
  });
  const resolver = new RegistryResolver({
    keychain,
    concurrency: flags.concurrency ?? 16,
    insecureRegistries: flags.insecureRegistry ?? [],
    caCertificates,
    proxy,
    ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout * 1000 } : {}),
    ...(options.cacheTtlMs !== undefined ? { cacheTtlMs: options.cacheTtlMs } : {}),
    ...(logger ? { logger } : {}),
    ...(options.onRegistryRequest ? { onResponse: options.onRegistryRequest } : {}),
  });
  return { resolver, ...(platform ? { platform } : {}), close: () => resolver.close() };
}
