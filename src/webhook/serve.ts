import type { Logger } from "../internal/logger.js";
import { silentLogger } from "../internal/logger.js";
import type { Resolver } from "../resolve/types.js";
import type { DigestStore } from "../store/types.js";
import type { WebhookConfig } from "./config.js";
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
