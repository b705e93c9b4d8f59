/**
 * The keychain: every credential source, in order, matched against an image's registry and
 * repository. Sources, as issues 3 and 14 list them, in the kubelet's order (pull secrets, then the
 * node's credentials, then credential provider plugins): `--pull-secret` files in the order given
 * (each secret in file order), then the one docker config Docker itself would use (`--docker-config`,
 * else `$DOCKER_CONFIG`, else `~/.docker/config.json`), then the containers auth files in the order
 * podman and crane read them, then kubelet credential providers in config order. Within a secret or
 * config, more specific keys come first; in a docker config, `credHelpers` before `auths` before
 * `credsStore`.
 */

import type { DockerConfig } from "./docker-config.js";
import { parseDockerConfig } from "./docker-config.js";
import { CredentialsError } from "./errors.js";
import { runCredentialHelper, type HelperRunner } from "./helper.js";
import { locateContainersAuthFiles, locateDockerConfig, readCredentialsFile } from "./locate.js";
import type { Logger } from "../internal/logger.js";
import type { CredentialProviderPlugin } from "./provider.js";
import { loadCredentialProviders } from "./provider-load.js";
import {
  compareSpecificity,
  credentialStoreServerUrl,
  keyMatches,
  matchTarget,
  parseConfigKey,
  type ConfigKey,
  type MatchTarget,
} from "./match.js";
import { parsePullSecretFile, pullSecretFromObject, type PullSecret } from "./pull-secret.js";
import type { Credential, CredentialCandidate, Keychain } from "./types.js";

/** Options shared by every keychain constructor. */
export interface KeychainHelperOptions {
  /** The environment credential helpers run with (PATH finds them); default: an empty one. */
  env?: Record<string, string | undefined>;
  /** How long a credential helper may take; default 5000 ms. */
  helperTimeoutMs?: number;
  /** Runs helper programs; default: spawn (tests inject a fake). */
  helperRunner?: HelperRunner;
}

/** Already-parsed credential sources, in the order they are tried. */
export interface KeychainSources extends KeychainHelperOptions {
  pullSecrets?: PullSecret[];
  dockerConfig?: DockerConfig;
  /** Containers auth files (`$REGISTRY_AUTH_FILE`, podman's auth.json), after the docker config. */
  containersAuth?: DockerConfig[];
  /** Kubelet credential provider plugins, last, in config order. */
  providers?: CredentialProviderPlugin[];
}

/** One static entry or helper reference, with its key taken apart once. */
interface Entry {
  source: string;
  key: ConfigKey;
  kind: "auth" | "helper";
  credential?: Credential;
  helper?: string;
}

/** Entries of one secret or config section, matched and ordered together. */
type Group = Entry[];

/**
 * Builds a keychain from sources that are already parsed. Credential helpers run only when a
 * candidate's `get()` is called, and each helper is asked about each server at most once per
 * keychain (the answer, or the failure, is kept).
 */
export function keychainFromSources(sources: KeychainSources): Keychain {
  const groups: Group[] = [];
  for (const secret of sources.pullSecrets ?? []) {
    groups.push(
      entries(
        secret.auths.map((auth) => ({
          source: secret.source,
          raw: auth.key,
          kind: "auth",
          credential: auth.credential,
        })),
      ),
    );
  }
  const config = sources.dockerConfig;
  for (const file of [...(config ? [config] : []), ...(sources.containersAuth ?? [])]) {
    groups.push(
      entries(
        file.credHelpers.map((entry) => ({
          source: `cred-helper:${entry.helper} (${file.source})`,
          raw: entry.key,
          kind: "helper",
          helper: entry.helper,
        })),
      ),
    );
    groups.push(
      entries(
        file.auths.map((auth) => ({
          source: `docker-config:${file.source}`,
          raw: auth.key,
          kind: "auth",
          credential: auth.credential,
        })),
      ),
    );
  }
  const helperAnswers = new Map<string, Promise<Credential>>();
  const askHelper = (helper: string, serverUrl: string): Promise<Credential> => {
    const cacheKey = `${helper}\n${serverUrl}`;
    let answer = helperAnswers.get(cacheKey);
    if (answer === undefined) {
      answer = runCredentialHelper(helper, serverUrl, {
        env: sources.env ?? {},
        timeoutMs: sources.helperTimeoutMs,
        runner: sources.helperRunner,
      });
      helperAnswers.set(cacheKey, answer);
    }
    return answer;
  };

  return {
    async candidates(registry: string, repository: string): Promise<CredentialCandidate[]> {
      const target = matchTarget(registry, repository);
      if (target === undefined) return [];
      const serverUrl = credentialStoreServerUrl(registry);
      const found = groups
        .flatMap((group) => matching(group, target))
        .map((entry) => toCandidate(entry, serverUrl, askHelper));
      if (config?.credsStore !== undefined) {
        const store = config.credsStore;
        // Docker asks its store about every registry; the store answers "not found" for strangers.
        found.push({
          source: `creds-store:${store} (${config.source})`,
          key: serverUrl,
          get: () => askHelper(store, serverUrl),
        });
      }
      found.push(...providerCandidates(sources.providers ?? [], `${registry}/${repository}`, target));
      return found;
    },
  };
}

/**
 * One deferred candidate per provider whose `matchImages` select the image: running it yields the
 * plugin's `auth` map, of which the most specific key that matches the image (config.json rules) is
 * used; none matching means nothing for this image.
 */
function providerCandidates(
  providers: CredentialProviderPlugin[],
  image: string,
  target: MatchTarget,
): CredentialCandidate[] {
  return providers.flatMap((provider) => {
    const pattern = provider.matchingPattern(image);
    if (pattern === undefined) return [];
    const get = async (): Promise<Credential> => {
      const { entries: answer } = await provider.lookup(image);
      const best = answer
        .filter((entry) => keyMatches(entry.key, target))
        .sort((a, b) => compareSpecificity(a.key, b.key))[0];
      return best === undefined ? {} : { ...best.credential };
    };
    return [{ source: `credential-provider:${provider.name}`, key: pattern, deferred: true, get }];
  });
}

function entries(
  list: { source: string; raw: string; kind: "auth" | "helper"; credential?: Credential; helper?: string }[],
): Group {
  return list.flatMap(({ raw, ...rest }) => {
    const key = parseConfigKey(raw);
    return key === undefined ? [] : [{ ...rest, key }];
  });
}

function matching(group: Group, target: MatchTarget): Entry[] {
  // Array.prototype.sort is stable, so equally specific keys keep their file order.
  return group.filter((entry) => keyMatches(entry.key, target)).sort((a, b) => compareSpecificity(a.key, b.key));
}

function toCandidate(
  entry: Entry,
  serverUrl: string,
  askHelper: (helper: string, serverUrl: string) => Promise<Credential>,
): CredentialCandidate {
  if (entry.kind === "helper") {
    const helper = entry.helper as string;
    return { source: entry.source, key: entry.key.raw, get: () => askHelper(helper, serverUrl) };
  }
  const credential = entry.credential as Credential;
  const candidate: CredentialCandidate = {
    source: entry.source,
    key: entry.key.raw,
    get: async () => ({ ...credential }),
  };
  if (credential.username !== undefined && credential.username !== "") candidate.username = credential.username;
  return candidate;
}

/** Options of {@link createKeychain}. */
export interface CreateKeychainOptions extends KeychainHelperOptions {
  /** `--pull-secret` files, tried in this order. */
  pullSecretFiles?: string[];
  /** `--docker-config PATH`: a config file or a directory holding `config.json`. */
  dockerConfigPath?: string;
  /**
   * The environment: `DOCKER_CONFIG`, `HOME` find the docker config; `REGISTRY_AUTH_FILE`,
   * `XDG_RUNTIME_DIR`, `XDG_CONFIG_HOME` the containers auth files; PATH finds credential helpers.
   */
  env: Record<string, string | undefined>;
  /** `--credential-provider-config`: a kubelet CredentialProviderConfig file or directory. */
  credentialProviderConfig?: string;
  /** `--credential-provider-bin-dir`: where the provider plugins are installed. */
  credentialProviderBinDir?: string;
  /** How long one provider run may take; default 60 s, the kubelet's. */
  providerTimeoutMs?: number;
  /** Where provider runs are logged (debug: duration, cache hits; never an answer). */
  logger?: Logger;
}

/**
 * Loads every credential file once and builds the keychain: pull secret files in order, then the
 * one docker config Docker would use (`dockerConfigPath`, else `$DOCKER_CONFIG/config.json`, else
 * `$HOME/.docker/config.json`; a missing default file means no docker config), then the containers
 * auth files that exist, then the credential providers (config and plugins checked, nothing run).
 *
 * @throws CredentialsError `config-not-found` (a pull secret file, an explicit docker config, the
 *   provider config, plugin directory or a plugin is missing, or only one of the two provider paths
 *   is given), `config-unreadable`, `invalid-config`, `invalid-pull-secret`, `invalid-provider-config`.
 */
export async function createKeychain(options: CreateKeychainOptions): Promise<Keychain> {
  const pullSecrets: PullSecret[] = [];
  for (const file of options.pullSecretFiles ?? []) {
    pullSecrets.push(...parsePullSecretFile(await readCredentialsFile(file, "pull secret file"), file));
  }
  const configPath = await locateDockerConfig({ explicitPath: options.dockerConfigPath, env: options.env });
  const dockerConfig =
    configPath === undefined
      ? undefined
      : parseDockerConfig(await readCredentialsFile(configPath, "docker config"), configPath);
  const containersAuth: DockerConfig[] = [];
  for (const file of await locateContainersAuthFiles(options.env)) {
    if (file !== configPath)
      containersAuth.push(parseDockerConfig(await readCredentialsFile(file, "containers auth file"), file));
  }
  const providers = await providersFromOptions(options);
  return keychainFromSources({ ...options, pullSecrets, dockerConfig, containersAuth, providers });
}

/** The configured credential providers; both paths are needed, as for the kubelet. */
async function providersFromOptions(options: CreateKeychainOptions): Promise<CredentialProviderPlugin[]> {
  const { credentialProviderConfig: configPath, credentialProviderBinDir: binDir } = options;
  if (!configPath && !binDir) return [];
  if (!configPath || !binDir) {
    throw new CredentialsError(
      "config-not-found",
      `${configPath ? "--credential-provider-bin-dir" : "--credential-provider-config"} is needed with ${configPath ? "--credential-provider-config" : "--credential-provider-bin-dir"}`,
      {
        hint: "give both, as the kubelet's --image-credential-provider-config and --image-credential-provider-bin-dir",
      },
    );
  }
  return loadCredentialProviders({
    configPath,
    binDir,
    env: options.env,
    ...(options.providerTimeoutMs !== undefined ? { timeoutMs: options.providerTimeoutMs } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/** Options of {@link keychainFromPullSecretObjects}. */
export interface PullSecretObjectsOptions extends KeychainHelperOptions {
  /**
   * Called for a Secret that is not a usable pull secret, which is then skipped, the way the kubelet
   * skips it. Without it, such a Secret throws.
   */
  onInvalid?: (error: CredentialsError) => void;
}

/**
 * Builds a keychain from Secret objects read from the Kubernetes API (a Pod's `imagePullSecrets`),
 * tried in the order given. Values under `data` are base64, as the API returns them.
 *
 * @throws CredentialsError `invalid-pull-secret` for a Secret of the wrong type, without its key,
 *   or with a bad config inside, unless `onInvalid` is given.
 */
export function keychainFromPullSecretObjects(secrets: unknown[], options: PullSecretObjectsOptions = {}): Keychain {
  const { onInvalid, ...helperOptions } = options;
  const pullSecrets = secrets.flatMap((secret) => {
    try {
      return [pullSecretFromObject(secret)];
    } catch (error) {
      if (onInvalid === undefined || !(error instanceof CredentialsError)) throw error;
      onInvalid(error);
      return [];
    }
  });
  return keychainFromSources({ ...helperOptions, pullSecrets });
}
