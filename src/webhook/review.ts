import { setMaxListeners } from "node:events";
import type { Keychain } from "../credentials/types.js";
import { describeError } from "../errors.js";
import type { Logger } from "../internal/logger.js";
import { silentLogger } from "../internal/logger.js";
import { tryParseReference, type ImageReference } from "../reference/index.js";
import type { Resolution, Resolver } from "../resolve/types.js";
import type { DigestStore, StoreScope } from "../store/types.js";
import { admissionResponse, BadReviewError, parseAdmissionReview, type AdmissionDecision, type AdmissionRequest } from "./admission.js";
import type { WebhookConfig } from "./config.js";
import { FallbackResolver, isTransientRegistryError, withSignal } from "./fallback.js";
import { failurePolicyFor, isIncluded, pinnedImage } from "./filters.js";
import type { ReviewOutcome, WebhookMetrics } from "./metrics.js";
import { annotationOperations, jsonPointer, type PatchOperation } from "./patch.js";
import { changedSites, findImageSites, objectName, type ImageSite, type JsonObject } from "./pod.js";

/** Credentials from a Pod's pull secrets: a keychain to ask which registries they cover, and a resolver using them. */
export interface PodCredentials {
  keychain: Keychain;
  resolver: Resolver;
}

/**
 * Looks up the pull secrets of a Pod (its `imagePullSecrets` and its ServiceAccount's) and returns
 * credentials built from them, or undefined when it has none.
 */
export type PodCredentialsLookup = (namespace: string, podSpec: JsonObject, signal: AbortSignal) => Promise<PodCredentials | undefined>;

/** A use of the last known digest, as reported to the event sink. */
export interface FallbackEvent {
  namespace: string;
  /** The Pod's name, or `generateName…` on CREATE. */
  name: string;
  kind: string;
  label: string;
  reference: string;
  digest: string;
  /** When the digest was last resolved at the registry (ms since epoch). */
  resolvedAt: number;
  reason: { code: string; message: string };
}

/** Receives fallback reports (a Kubernetes Event recorder in the cluster, an array in tests). Must not throw or block. */
export interface EventSink {
  fallbackUsed(event: FallbackEvent): void;
}

/** Options of {@link AdmissionReviewer}. */
export interface ReviewerOptions {
  config: WebhookConfig;
  /** Resolves with the webhook's own credentials (the caching, single-flight registry resolver). */
  resolver: Resolver;
  store: DigestStore;
  metrics?: WebhookMetrics;
  logger?: Logger;
  events?: EventSink;
  /** Used when `config.pullSecrets` is on. */
  podCredentials?: PodCredentialsLookup;
  /** Milliseconds clock; default `performance.now`-based wall time. */
  clock?: () => number;
}

/** An answer to an HTTP request for a review: an AdmissionReview (200) or a 400 with a message. */
export type ReviewAnswer =
  | { status: 200; body: Record<string, unknown>; outcome: ReviewOutcome }
  | { status: 400; message: string; code: string; outcome: "invalid" };

interface Candidate {
  site: ImageSite;
  reference: ImageReference;
}

/**
 * Answers AdmissionReviews for `/mutate` (pin tag-only images through a JSON Patch) and `/validate`
 * (deny unpinned images). Never throws: bad input becomes a 400 answer, unexpected failures an allowed
 * response with a warning (the `failurePolicy: Ignore` semantics), so the server always has a reply.
 */
export class AdmissionReviewer {
  private readonly logger: Logger;
  private readonly fallback: FallbackResolver;
  private readonly clock: () => number;
  private deadline: { startedAt: number; signal: AbortSignal } | undefined;

  constructor(private readonly options: ReviewerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.fallback = new FallbackResolver({ resolver: options.resolver, store: options.store, logger: this.logger });
    this.clock = options.clock ?? Date.now;
  }

  /** Answers a `/mutate` request body. */
  mutate(body: string): Promise<ReviewAnswer> {
    return this.answer("mutate", body, (request) => this.decideMutation(request));
  }

  /** Answers a `/validate` request body. */
  validate(body: string): Promise<ReviewAnswer> {
    return this.answer("validate", body, async (request) => this.decideValidation(request));
  }

  private async answer(endpoint: string, body: string, decide: (request: AdmissionRequest) => Promise<[AdmissionDecision, ReviewOutcome]>): Promise<ReviewAnswer> {
    const started = this.clock();
    let answer: ReviewAnswer;
    let parsed;
    try {
      parsed = parseAdmissionReview(body);
    } catch (error) {
      const { code, message } = describeError(error);
      this.logger.warn({ endpoint, code, err: message }, "bad admission request");
      answer = { status: 400, message, code: error instanceof BadReviewError ? error.code : "invalid-review", outcome: "invalid" };
      this.options.metrics?.review(endpoint, "invalid", (this.clock() - started) / 1000);
      return answer;
    }
    const { apiVersion, request } = parsed;
    let decision: AdmissionDecision;
    let outcome: ReviewOutcome;
    try {
      [decision, outcome] = await decide(request);
    } catch (error) {
      // A bug must not block Pods: admit unchanged, as failurePolicy Ignore would.
      this.logger.error({ endpoint, uid: request.uid, err: describeError(error) }, "review failed");
      decision = { allowed: true, warnings: [`imagepin: internal error, image left unchanged: ${describeError(error).message}`] };
      outcome = "error";
    }
    const seconds = (this.clock() - started) / 1000;
    this.options.metrics?.review(endpoint, outcome, seconds);
    // Routine reviews log at debug: at hundreds of Pods per second an info line each costs more than the
    // review, the Pod's annotation already records what was pinned, and metrics count them. Denials and
    // errors (and fallbacks, logged where they happen) stay visible at info and above.
    const fields = { endpoint, uid: request.uid, namespace: request.namespace, kind: request.kind.kind, operation: request.operation, outcome, ms: Math.round(seconds * 1000) };
    if (outcome === "denied" || outcome === "error") this.logger.info(fields, "admission review");
    else this.logger.debug(fields, "admission review");
    return { status: 200, body: admissionResponse(apiVersion, request.uid, decision), outcome };
  }

  /** The candidates of a request: changed, well-formed, unpinned, included images; plus warnings for malformed ones. */
  private candidates(request: AdmissionRequest): { candidates: Candidate[]; invalid: ImageSite[]; podSpec?: JsonObject; annotations?: Record<string, unknown> } | undefined {
    const { config } = this.options;
    if (request.operation !== "CREATE" && request.operation !== "UPDATE") return undefined;
    if (request.namespace && config.excludedNamespaces.includes(request.namespace)) return undefined;
    const found = findImageSites(request.object, request.kind.kind, config.mutateWorkloads);
    if (!found) return undefined;
    if (found.annotations?.[config.optOutAnnotation] === "true") return undefined;
    const sites = request.operation === "UPDATE" ? changedSites(found.sites, request.oldObject, request.kind.kind, config.mutateWorkloads) : found.sites;
    const candidates: Candidate[] = [];
    const invalid: ImageSite[] = [];
    for (const site of sites) {
      const reference = tryParseReference(site.image);
      if (!("normalized" in reference)) invalid.push(site);
      else if (!reference.isPinned && isIncluded(config, reference)) candidates.push({ site, reference });
    }
    return { candidates, invalid, ...(found.podSpec ? { podSpec: found.podSpec } : {}), ...(found.annotations ? { annotations: found.annotations } : {}) };
  }

  private decideValidation(request: AdmissionRequest): [AdmissionDecision, ReviewOutcome] {
    const found = this.candidates(request);
    if (!found) return [{ allowed: true }, "skipped"];
    const unpinned = [...found.invalid, ...found.candidates.map((c) => c.site)];
    if (unpinned.length === 0) return [{ allowed: true }, "unchanged"];
    const list = unpinned.map((site) => `${site.label} (${site.image})`).join(", ");
    return [{ allowed: false, message: `${request.kind.kind} ${objectName(request.object)} has images not pinned to a digest: ${list}` }, "denied"];
  }

  private async decideMutation(request: AdmissionRequest): Promise<[AdmissionDecision, ReviewOutcome]> {
    const found = this.candidates(request);
    if (!found) return [{ allowed: true }, "skipped"];
    const warnings = found.invalid.map((site) => `imagepin: ${site.label}: image ${JSON.stringify(site.image)} is not a valid reference; left unchanged`);
    if (found.candidates.length === 0) return [{ allowed: true, warnings }, "unchanged"];

    return this.mutationWithin(request, found, warnings, this.deadlineSignal());
  }

  /**
   * The abort signal of a review's registry budget. Reviews that start within the same 50 ms share one
   * signal (armed for the budget from the first of them), so each review's budget is at most 50 ms short
   * while a busy webhook creates 20 timers and controllers a second instead of one per review, which
   * showed in the benchmark. A slice of the deadline is kept for the fallback lookups and the response.
   */
  private deadlineSignal(): AbortSignal {
    const now = this.clock();
    if (!this.deadline || now - this.deadline.startedAt > 50 || now < this.deadline.startedAt) {
      const budget = this.options.config.deadlineMs;
      const controller = new AbortController();
      // Every review in the window listens on this one signal; past Node's default of 10 it printed a
      // MaxListenersExceededWarning per signal, up to 20 a second under load (issue 16).
      setMaxListeners(0, controller.signal);
      setTimeout(() => controller.abort(), Math.max(1, budget - Math.min(1000, budget / 5))).unref();
      this.deadline = { startedAt: now, signal: controller.signal };
    }
    return this.deadline.signal;
  }

  private async mutationWithin(request: AdmissionRequest, found: NonNullable<ReturnType<AdmissionReviewer["candidates"]>>, warnings: string[], signal: AbortSignal): Promise<[AdmissionDecision, ReviewOutcome]> {
    const { config } = this.options;
    const namespace = request.namespace ?? "";
    let credentials: PodCredentials | undefined;
    if (config.pullSecrets && this.options.podCredentials && found.podSpec && namespace) {
      try {
        credentials = await withSignal(this.options.podCredentials(namespace, found.podSpec, signal), signal);
      } catch (error) {
        warnings.push(`imagepin: cannot read the Pod's pull secrets (${describeError(error).message}); resolving with the webhook's own credentials`);
        this.logger.warn({ uid: request.uid, namespace, err: describeError(error) }, "cannot read pull secrets");
      }
    }

    // One resolution per distinct reference, all at once.
    const distinct = new Map<string, ImageReference>();
    for (const { reference } of found.candidates) distinct.set(reference.normalized, reference);
    const results = new Map<string, Resolution | { error: unknown }>();
    await Promise.all(
      [...distinct.entries()].map(async ([key, reference]) => {
        results.set(key, await this.resolveOne(reference, namespace, credentials, signal).catch((error: unknown) => ({ error })));
      }),
    );

    const patch: PatchOperation[] = [];
    const originals: Record<string, string> = {};
    const fallbacks: Record<string, { reference: string; digest: string; resolvedAt: string; reason: string }> = {};
    const denials: string[] = [];
    for (const { site, reference } of found.candidates) {
      const result = results.get(reference.normalized);
      if (!result) continue;
      if ("error" in result) {
        const failure = this.failure(site, reference, result.error);
        if (failure.deny) denials.push(failure.message);
        else warnings.push(failure.message);
        continue;
      }
      patch.push({ op: "replace", path: jsonPointer(site.path), value: pinnedImage(site.image, reference, result.digest) });
      originals[site.label] = site.image;
      if (result.source === "fallback") {
        const reason = result.fallbackReason ?? { code: "unknown", message: "unknown" };
        const at = new Date(result.resolvedAt).toISOString();
        fallbacks[site.label] = { reference: reference.normalized, digest: result.digest, resolvedAt: at, reason: `${reason.code}: ${reason.message}` };
        warnings.push(`imagepin: ${site.label}: registry unavailable (${reason.code}); using the last known digest of ${reference.familiar} from ${at}`);
        this.logger.warn({ uid: request.uid, namespace, label: site.label, reference: reference.normalized, digest: result.digest, resolvedAt: at, reason }, "fallback to last known digest");
        if (config.events && !request.dryRun) {
          this.options.events?.fallbackUsed({ namespace, name: objectName(request.object), kind: request.kind.kind, label: site.label, reference: reference.normalized, digest: result.digest, resolvedAt: result.resolvedAt, reason });
        }
      }
    }
    if (denials.length > 0) return [{ allowed: false, message: denials.join("; "), warnings }, "denied"];
    // The subresource update keeps only ephemeralContainers, so annotations there would be dropped anyway.
    if (patch.length > 0 && request.subResource !== "ephemeralcontainers") {
      const annotations: Record<string, string> = {};
      const prefix = config.annotationPrefix;
      annotations[`${prefix}/original-images`] = JSON.stringify({ ...parseJsonMap(found.annotations?.[`${prefix}/original-images`]), ...originals });
      if (Object.keys(fallbacks).length > 0) {
        annotations[`${prefix}/fallback`] = JSON.stringify({ ...parseJsonMap(found.annotations?.[`${prefix}/fallback`]), ...fallbacks });
      }
      patch.push(...annotationOperations(["metadata"], found.annotations, annotations));
    }
    return [{ allowed: true, patch, warnings }, patch.length > 0 ? "patched" : "unchanged"];
  }

  private async resolveOne(reference: ImageReference, namespace: string, credentials: PodCredentials | undefined, signal: AbortSignal): Promise<Resolution> {
    const { config, metrics } = this.options;
    let scope: StoreScope = "public";
    let resolver: Resolver | undefined;
    if (credentials && (await credentials.keychain.candidates(reference.domain, reference.path)).length > 0) {
      // Answers obtained with the namespace's own secrets serve only that namespace.
      scope = `namespace:${namespace}`;
      resolver = credentials.resolver;
    }
    try {
      const resolution = await this.fallback.resolve(reference, {
        scope,
        signal,
        fallback: failurePolicyFor(config, reference) === "fallback",
        ...(resolver ? { resolver } : {}),
        ...(config.platform ? { platform: config.platform } : {}),
      });
      metrics?.resolution(resolution.source);
      return resolution;
    } catch (error) {
      metrics?.resolution("failed");
      throw error;
    }
  }

  /** What a failed resolution means for the Pod, by failure policy. */
  private failure(site: ImageSite, reference: ImageReference, error: unknown): { deny: boolean; message: string } {
    const { config } = this.options;
    const policy = failurePolicyFor(config, reference);
    const { code, message } = describeError(error);
    const transient = isTransientRegistryError(error);
    this.logger.warn({ label: site.label, reference: reference.normalized, code, err: message, policy, transient }, "cannot resolve image");
    const what = `${site.label}: cannot resolve ${reference.familiar} (${code}: ${message})`;
    if (policy === "deny") return { deny: true, message: `imagepin: ${what}; failure policy deny` };
    if (policy === "fallback" && transient) {
      if (config.onFailure === "deny") return { deny: true, message: `imagepin: ${what}; no last known digest and onFailure is deny` };
      return { deny: false, message: `imagepin: ${what}; no last known digest, image left unchanged` };
    }
    return { deny: false, message: `imagepin: ${what}; image left unchanged` };
  }
}

function parseJsonMap(value: unknown): Record<string, unknown> {
  if (typeof value !== "string") return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
