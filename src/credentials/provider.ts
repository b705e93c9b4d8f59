/**
 * Running kubelet credential provider plugins (exec protocol `credentialprovider.kubelet.k8s.io/v1`,
 * also v1beta1 and v1alpha1) and keeping their answers by the kubelet's cache rules
 * (pkg/credentialprovider/plugin/plugin.go):
 *
 * - A `CredentialProviderRequest` `{image}` goes to the plugin's standard input; the image is the
 *   repository name without tag (`docker.io/library/nginx`), as the kubelet sends it.
 * - An answer is looked up by image, then by registry (the image's first `/` component), then global.
 * - `cacheKeyType` decides under which of those the answer is kept; `cacheDuration` how long: an
 *   explicit `0s` keeps nothing, a missing one means the provider's `defaultCacheDuration` (0: nothing).
 * - Unlike the kubelet (one run per image at a time), concurrent lookups for images of one registry
 *   wait for the run in flight and take its answer when its `cacheKeyType` is Registry or Global, so
 *   resolving fifty images of one registry at once runs the plugin once.
 *
 * The cache and the in-flight runs live here and nowhere else.
 */

import { join } from "node:path";
import type { Logger } from "../internal/logger.js";
import { silentLogger } from "../internal/logger.js";
import { CredentialsError } from "./errors.js";
import {
  describeOutput,
  maxHelperOutputBytes,
  spawnHelperRunner,
  type HelperRunner,
  type HelperRunResult,
} from "./helper.js";
import { parseConfigKey, type ConfigKey } from "./match.js";
import type { CredentialProviderSpec } from "./provider-config.js";
import { firstMatchingPattern, parseMatchPattern, type MatchPattern } from "./provider-match.js";
import { decodeProviderResponse, type CacheKeyType, type ProviderResponse } from "./provider-response.js";
import type { Credential } from "./types.js";

/** The kubelet's catch-all limit for one plugin run (plugin.go: one minute). */
export const defaultProviderTimeoutMs = 60_000;

/** One `auth` entry of an answer, its key taken apart for matching. */
export interface ProviderAuthEntry {
  key: ConfigKey;
  credential: Credential;
}

/** What a lookup produced: the entries, and whether they came from the cache. */
export interface ProviderAnswer {
  entries: ProviderAuthEntry[];
  cached: boolean;
}

/** Settings of {@link CredentialProviderPlugin} that do not come from the config file. */
export interface ProviderRuntimeOptions {
  /** `--credential-provider-bin-dir`: the plugin is `BIN_DIR/NAME`. */
  binDir: string;
  /** imagepin's environment; the config's `env` is laid over it, as the kubelet does. */
  env: Record<string, string | undefined>;
  /** How long one run may take; default {@link defaultProviderTimeoutMs}. */
  timeoutMs?: number;
  /** Runs the program; default spawn (no shell), output capped at 1 MiB. */
  runner?: HelperRunner;
  /** Plugin runs and cache hits are logged at debug level: duration, cache key type, never the answer. */
  logger?: Logger;
  now?: () => number;
}

interface CacheEntry {
  entries: ProviderAuthEntry[];
  expiresAt: number;
}

interface Flight {
  image: string;
  answer: Promise<{ response: ProviderResponse; entries: ProviderAuthEntry[] }>;
}

/** One configured provider: its patterns, its cache, and the runs in flight (one per registry). */
export class CredentialProviderPlugin {
  readonly name: string;
  private readonly patterns: MatchPattern[];
  private readonly cache = new Map<string, CacheEntry>();
  private readonly flights = new Map<string, Flight>();
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(
    private readonly spec: CredentialProviderSpec,
    private readonly options: ProviderRuntimeOptions,
  ) {
    this.name = spec.name;
    // The config was validated, so every pattern parses.
    this.patterns = spec.matchImages.flatMap((raw) => {
      const pattern = parseMatchPattern(raw);
      return typeof pattern === "string" ? [] : [pattern];
    });
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  /** The first `matchImages` pattern that selects `image` (`host/path`, no tag), or undefined: then the plugin is never run for it. */
  matchingPattern(image: string): string | undefined {
    return firstMatchingPattern(this.patterns, image)?.raw;
  }

  /**
   * The plugin's `auth` entries for `image`, from the cache or from a run.
   * @throws CredentialsError `credential-provider-failed`, naming the provider and the image.
   */
  async lookup(image: string): Promise<ProviderAnswer> {
    const registry = registryOf(image);
    for (;;) {
      const cached = this.cached(image, registry);
      if (cached !== undefined) {
        this.logger.debug({ provider: this.name, image, cache: "hit" }, "credential provider answer reused");
        return { entries: cached, cached: true };
      }
      const flight = this.flights.get(registry);
      if (flight === undefined) break;
      const shared = await flight.answer.catch(() => undefined);
      // The first run's failure is not retried by everyone waiting on it: they get it too.
      if (shared === undefined) await flight.answer;
      if (shared !== undefined && (flight.image === image || shared.response.cacheKeyType !== "Image")) {
        this.logger.debug(
          { provider: this.name, image, cache: "shared", cacheKeyType: shared.response.cacheKeyType },
          "credential provider answer shared with a concurrent lookup",
        );
        return { entries: shared.entries, cached: true };
      }
      if (this.flights.get(registry) === flight) break;
    }
    const answer = this.run(image).then((response) => ({ response, entries: toEntries(response) }));
    const flight: Flight = { image, answer };
    this.flights.set(registry, flight);
    try {
      const { response, entries } = await answer;
      this.remember(image, registry, response, entries);
      return { entries, cached: false };
    } finally {
      if (this.flights.get(registry) === flight) this.flights.delete(registry);
    }
  }

  /** Image, then registry, then global: the kubelet's lookup order. Expired entries are dropped. */
  private cached(image: string, registry: string): ProviderAuthEntry[] | undefined {
    for (const key of [`image\n${image}`, `registry\n${registry}`, "global"]) {
      const entry = this.cache.get(key);
      if (entry === undefined) continue;
      if (this.now() > entry.expiresAt) {
        this.cache.delete(key);
        continue;
      }
      return entry.entries;
    }
    return undefined;
  }

  private remember(image: string, registry: string, response: ProviderResponse, entries: ProviderAuthEntry[]): void {
    // An explicit 0 keeps nothing; no cacheDuration means the config's default, where 0 keeps nothing too.
    const durationMs = response.cacheDurationMs ?? this.spec.defaultCacheDurationMs;
    if (durationMs === 0) return;
    const key = cacheKey(response.cacheKeyType, image, registry);
    this.cache.set(key, { entries, expiresAt: this.now() + durationMs });
  }

  private async run(image: string): Promise<ProviderResponse> {
    const program = join(this.options.binDir, this.spec.name);
    const timeoutMs = this.options.timeoutMs ?? defaultProviderTimeoutMs;
    const env = { ...this.options.env, ...Object.fromEntries(this.spec.env.map((v) => [v.name, v.value])) };
    const request = JSON.stringify({ kind: "CredentialProviderRequest", apiVersion: this.spec.apiVersion, image });
    const started = this.now();
    let result: HelperRunResult;
    try {
      result = await (this.options.runner ?? spawnHelperRunner)(program, this.spec.args, request, { env, timeoutMs });
    } catch (error) {
      throw this.failure(image, `could not be run: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    const durationMs = this.now() - started;
    const problem = runProblem(result, timeoutMs);
    const decoded = problem ?? decodeProviderResponse(result.stdout, this.spec.apiVersion);
    this.logger.debug(
      {
        provider: this.name,
        image,
        durationMs,
        exitCode: result.exitCode,
        ...(typeof decoded === "string"
          ? { failed: true }
          : { cacheKeyType: decoded.cacheKeyType, entries: decoded.auth.length }),
      },
      "credential provider ran",
    );
    if (typeof decoded === "string") throw this.failure(image, decoded);
    return decoded;
  }

  private failure(image: string, reason: string, cause?: unknown): CredentialsError {
    return new CredentialsError(
      "credential-provider-failed",
      `credential provider ${this.name} for ${image}: ${reason}`,
      {
        hint: `check the plugin ${join(this.options.binDir, this.spec.name)} and its entry in the credential provider config`,
        cause,
      },
    );
  }
}

/** Why a run produced no answer to decode, or undefined when it exited 0. */
function runProblem(result: HelperRunResult, timeoutMs: number): string | undefined {
  if (result.notFound) return "is not installed (no such file in the plugin directory)";
  if (result.spawnError !== undefined) return `could not be started: ${result.spawnError}`;
  if (result.timedOut) return `did not answer within ${timeoutMs} ms`;
  if (result.outputTooLarge) return `wrote more than ${maxHelperOutputBytes} bytes`;
  if (result.exitCode !== 0) return `exited with status ${result.exitCode ?? "killed"}${describeOutput(result)}`;
  return undefined;
}

function cacheKey(type: CacheKeyType, image: string, registry: string): string {
  if (type === "Image") return `image\n${image}`;
  if (type === "Registry") return `registry\n${registry}`;
  return "global";
}

/** The kubelet's registry of an image: everything before the first `/`. */
function registryOf(image: string): string {
  return image.split("/")[0] as string;
}

function toEntries(response: ProviderResponse): ProviderAuthEntry[] {
  return response.auth.flatMap(({ key, username, password }) => {
    const parsed = parseConfigKey(key);
    return parsed === undefined ? [] : [{ key: parsed, credential: { username, password } }];
  });
}
