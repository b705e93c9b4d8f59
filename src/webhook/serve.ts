import { hostname } from "node:os";
import { keychainFromPullSecretObjects } from "../credentials/index.js";
import type { Logger } from "../internal/logger.js";
import { silentLogger } from "../internal/logger.js";
import type { RegistryResolver } from "../resolve/registry-resolver.js";
import type { Resolver } from "../resolve/types.js";
import type { DigestStore } from "../store/types.js";
import type { WebhookConfig } from "./config.js";
import { inClusterKube, kubeEventSink, podCredentialsLookup } from "./kube.js";
import { WebhookMetrics } from "./metrics.js";
import { AdmissionReviewer, type EventSink, type PodCredentialsLookup } from "./review.js";
import { startWebhookServer, type WebhookServer } from "./server.js";
import type { TlsFiles } from "./tls.js";

/** Options of {@link serveWebhook}. */
export interface ServeWebhookOptions {
  config: WebhookConfig;
  /** The registry resolver with the webhook's own credentials (positive cache and single-flight inside). */
  resolver: Resolver;
  store: DigestStore;
  tls: TlsFiles;
  /** Default `0.0.0.0`. */
  host?: string;
  /** Default 8443. */
  port?: number;
  logger?: Logger;
  /** Default: a new {@link WebhookMetrics} with process metrics. */
  metrics?: WebhookMetrics;
  events?: EventSink;
  podCredentials?: PodCredentialsLookup;
  tlsPollMs?: number;
}

/**
 * Assembles the admission webhook (reviewer, metrics, readiness on the store) and starts its HTTPS
 * server. The caller owns the store and closes it after the server.
 * @throws ImagepinError `invalid-tls`, or `listen-failed` naming the address.
 */
export async function serveWebhook(options: ServeWebhookOptions): Promise<WebhookServer & { metrics: WebhookMetrics }> {
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? new WebhookMetrics({ processMetrics: true });
  const reviewer = new AdmissionReviewer({
    config: options.config,
    resolver: options.resolver,
    store: options.store,
    metrics,
    logger,
    ...(options.events ? { events: options.events } : {}),
    ...(options.podCredentials ? { podCredentials: options.podCredentials } : {}),
  });
  // Ready while the store answers: without it a registry outage would find no last known digests.
  let readyUntil = 0;
  const ready = async () => {
    if (Date.now() < readyUntil) return true;
    try {
      await options.store.get({ reference: "imagepin.invalid/readiness:probe", scope: "public" });
      readyUntil = Date.now() + 5000;
      return true;
    } catch {
      return false;
    }
  };
  const server = await startWebhookServer({
    reviewer,
    metrics,
    tls: options.tls,
    maxBodyBytes: options.config.maxBodyBytes,
    logger,
    ready,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.tlsPollMs !== undefined ? { tlsPollMs: options.tlsPollMs } : {}),
  });
  return Object.assign(server, { metrics });
}

/** What {@link runWebhook} asks of its caller: the parts that come from flags, files and the environment. */
export interface RunWebhookOptions {
  config: WebhookConfig;
  tls: TlsFiles;
  host: string;
  port: number;
  logger: Logger;
  /** Opens the digest store (the caller's `--store`); it is closed here when the server stops. */
  openStore: () => Promise<DigestStore>;
  /** Builds the registry resolver with the webhook's own credentials, its requests counted by `onRegistryRequest`. */
  createResolver: (options: {
    cacheTtlMs: number;
    logger: Logger;
    onRegistryRequest: (status: number | "error", host: string) => void;
  }) => Promise<{ resolver: RegistryResolver; close(): Promise<void> }>;
  /** `KUBERNETES_SERVICE_HOST` (in a cluster: Events and pull secrets) and `POD_NAME` (the Events' instance). */
  env: Record<string, string | undefined>;
  /** Readiness fails this long before the server stops accepting, so endpoints are removed first. */
  shutdownDelayMs: number;
  /** Resolves with a name when the server should stop; default the first SIGTERM or SIGINT. */
  stopRequested?: Promise<string>;
}

/**
 * Runs the webhook until asked to stop: opens the store, builds the resolver (its 30 s positive cache sits
 * behind the last-known-digest fallback, so an outage is noticed once a cached answer ages out), wires
 * Events and Pods' pull secrets when in a cluster, serves, then on stop answers through the shutdown
 * delay, lets reviews in flight finish and closes everything.
 * @throws ImagepinError `invalid-tls`, `listen-failed`, `store-unavailable` (nothing is left open).
 */
export async function runWebhook(options: RunWebhookOptions): Promise<void> {
  const { config, logger } = options;
  const store = await options.openStore();
  const metrics = new WebhookMetrics({ processMetrics: true });
  const { resolver, close: closeResolver } = await options
    .createResolver({
      cacheTtlMs: config.cacheTtlMs,
      logger,
      onRegistryRequest: (status, host) => metrics.registryRequest(status, host),
    })
    .catch(async (error: unknown) => {
      await store.close();
      throw error;
    });
  const closeAll = () => Promise.allSettled([store.close(), closeResolver()]);
  const cluster = await clusterParts(options, resolver).catch(async (error: unknown) => {
    await closeAll();
    throw error;
  });
  // A server that cannot bind must end the process (exit 2), not leave the store's and the resolver's
  // connections holding it open with nothing listening.
  const server = await serveWebhook({
    config,
    resolver,
    metrics,
    store,
    tls: options.tls,
    host: options.host,
    port: options.port,
    logger,
    ...cluster,
  }).catch(async (error: unknown) => {
    await closeAll();
    throw error;
  });
  logger.info(
    { host: server.host, port: server.port, store: store.description, deadlineMs: config.deadlineMs },
    "ready",
  );
  const signal = await (options.stopRequested ?? firstSignal("SIGTERM", "SIGINT"));
  logger.info(
    { signal, inFlight: server.inFlight, delaySeconds: options.shutdownDelayMs / 1000 },
    "shutting down; answering through the shutdown delay, then in-flight reviews finish",
  );
  try {
    await server.close(Math.max(config.deadlineMs + 2000, 5000), options.shutdownDelayMs);
    await Promise.all([store.close(), closeResolver()]);
  } finally {
    logger.info({}, "stopped");
  }
}

/** Events for fallbacks and Pods' pull secrets, from the Kubernetes API when running in a cluster. */
async function clusterParts(
  options: RunWebhookOptions,
  resolver: RegistryResolver,
): Promise<{ events?: EventSink; podCredentials?: PodCredentialsLookup }> {
  const { config, logger } = options;
  const inCluster = Boolean(options.env.KUBERNETES_SERVICE_HOST) && (config.events || config.pullSecrets);
  if (!inCluster) return {};
  const kube = await inClusterKube();
  const parts: { events?: EventSink; podCredentials?: PodCredentialsLookup } = {};
  if (config.events) {
    parts.events = kubeEventSink({ writer: kube.events, instance: options.env.POD_NAME ?? hostname(), logger });
  }
  if (config.pullSecrets) {
    parts.podCredentials = podCredentialsLookup({
      reader: kube.reader,
      keychainFromSecrets: (secrets) => keychainFromPullSecretObjects(secrets),
      // The Pod's own pull secrets first, then the webhook's credentials, as the kubelet would pull.
      resolverFor: (keychain) => resolver.withKeychain(keychain, { thenOwnCredentials: true }),
      logger,
    });
  }
  return parts;
}

function firstSignal(...signals: NodeJS.Signals[]): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of signals) process.once(signal, () => resolve(signal));
  });
}
