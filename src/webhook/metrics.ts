import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ResolutionSource } from "../resolve/types.js";

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
 * - `imagepin_registry_requests_total{status}`: fed by the registry client's request hook
 * - the process metrics of prom-client (`process_*`, `nodejs_*`) when `processMetrics` is on.
 */
export class WebhookMetrics {
  readonly registry = new Registry();
  private readonly reviews: Counter<"endpoint" | "outcome">;
  private readonly duration: Histogram<"endpoint">;
  private readonly resolutions: Counter<"outcome">;
  private readonly registryRequests: Counter<"status">;

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
      help: "Requests to registries by HTTP status (or error code when there was no response).",
      labelNames: ["status"],
      registers: [this.registry],
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

  /** Counts one registry request; pass it to the registry client as its request hook. */
  registryRequest(status: number | string): void {
    this.registryRequests.inc({ status: String(status) });
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
