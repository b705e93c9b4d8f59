import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ResolutionSource } from "../resolve/types.js";

/** Distinct registry hosts labelled in `imagepin_registry_requests_total` before the rest count as `other`. */
export const maxRegistryLabels = 50;

/** How a review ended, the `outcome` label of `imagepin_webhook_reviews_total`. */
export type ReviewOutcome = "patched" | "unchanged" | "skipped" | "denied" | "invalid" | "error";

/** How one image's resolution ended, the `outcome` label of `imagepin_webhook_resolutions_total`. */
export type ResolutionOutcome = ResolutionSource | "failed";

/**
 * The webhook's Prometheus metrics, in their own registry (never prom-client's global one, so two
 * servers in one process, as in tests, do not collide):
 * - `imagepin_webhook_reviews_total{endpoint,outcome}`
 * - `imagepin_webhook_review_duration_seconds{endpoint}` (histogram)
 * - `imagepin_webhook_resolutions_total{outcome}`: fresh, cached, fallback, failed
 * - `imagepin_registry_requests_total{registry,status}`: fed by the registry client's request hook; the
 *   registry is the host[:port] (never a path), and after {@link maxRegistryLabels} distinct hosts the rest
 *   count as `other`, so a stream of Pods naming new registries cannot grow the series without bound
 * - the process metrics of prom-client (`process_*`, `nodejs_*`) when `processMetrics` is on.
 */
export class WebhookMetrics {
  readonly registry = new Registry();
  private readonly reviews: Counter<"endpoint" | "outcome">;
  private readonly duration: Histogram<"endpoint">;
  private readonly resolutions: Counter<"outcome">;
  private readonly registryRequests: Counter<"registry" | "status">;
  private readonly registryHosts = new Set<string>();

  constructor(options: { processMetrics?: boolean } = {}) {
    this.reviews = new Counter({
      name: "imagepin_webhook_reviews_total",
      help: "Admission reviews answered, by endpoint and outcome.",
      labelNames: ["endpoint", "outcome"],
      registers: [this.registry],
      collect: () => this.flushCounts(),
    });
    this.duration = new Histogram({
      name: "imagepin_webhook_review_duration_seconds",
      help: "Time from request to response of an admission review.",
      labelNames: ["endpoint"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
      registers: [this.registry],
    });
    this.resolutions = new Counter({
      name: "imagepin_webhook_resolutions_total",
      help: "Image resolutions by outcome: fresh (registry), cached, fallback (last known digest), failed.",
      labelNames: ["outcome"],
      registers: [this.registry],
      collect: () => this.flushCounts(),
    });
    this.registryRequests = new Counter({
      name: "imagepin_registry_requests_total",
      help: "Requests to registries by registry host and HTTP status (error when there was no response).",
      labelNames: ["registry", "status"],
      registers: [this.registry],
      collect: () => this.flushCounts(),
    });
    for (const outcome of ["fresh", "cached", "fallback", "failed"]) this.resolutions.inc({ outcome }, 0);
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  // Reviews and resolutions are counted in plain numbers and handed to prom-client when the registry is
  // read (its collect hook): prom-client hashes the label set on every inc, a measurable share of a
  // warm-cache review (issue 16). The histogram keeps its own buckets, so durations go in directly.
  private readonly pendingCounts = new Map<string, { counter: Counter<string>; labels: string[]; count: number }>();
  private readonly durations = new Map<string, { observe(value: number): void }>();

  private count(counter: Counter<string>, key: string, labels: string[]): void {
    const entry = this.pendingCounts.get(key);
    if (entry) entry.count++;
    else this.pendingCounts.set(key, { counter, labels, count: 1 });
  }

  /** Moves the counts made since the last scrape into prom-client; runs before every exposition. */
  private flushCounts(): void {
    for (const entry of this.pendingCounts.values()) {
      if (entry.count === 0) continue;
      entry.counter.labels(...entry.labels).inc(entry.count);
      entry.count = 0;
    }
  }

  /** Counts one answered review and its duration. */
  review(endpoint: string, outcome: ReviewOutcome, seconds: number): void {
    this.count(this.reviews, `r|${endpoint}|${outcome}`, [endpoint, outcome]);
    let duration = this.durations.get(endpoint);
    if (!duration) this.durations.set(endpoint, (duration = this.duration.labels(endpoint)));
    duration.observe(seconds);
  }

  /** Counts one image resolution. */
  resolution(outcome: ResolutionOutcome): void {
    this.count(this.resolutions, `s|${outcome}`, [outcome]);
  }

  /** Counts one registry request to `host` (host[:port]); pass it to the registry client as its request hook. */
  registryRequest(status: number | string, host = "unknown"): void {
    if (!this.registryHosts.has(host)) {
      if (this.registryHosts.size >= maxRegistryLabels) host = "other";
      else this.registryHosts.add(host);
    }
    this.count(this.registryRequests, `q|${host}|${status}`, [host, String(status)]);
  }

  /** The exposition text for `/metrics`. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The exposition content type. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
