import type { Keychain } from "../credentials/types.js";
import { describeError, ImagepinError, isImagepinError } from "../errors.js";
import { abandonOnAbort } from "../internal/abort.js";
import { JsonTooDeepError, parseBoundedJson } from "../internal/bounded-json.js";
import type { Logger } from "../internal/logger.js";
import { silentLogger } from "../internal/logger.js";
import { tryParseReference, type ImageReference } from "../reference/index.js";
import { isOutage } from "../registry/errors.js";
import { FallbackResolver, FallbackUnavailableError } from "../resolve/fallback.js";
import type { Resolution, Resolver } from "../resolve/types.js";
import type { DigestStore, StoreScope } from "../store/types.js";
import {
  admissionResponse,
  BadReviewError,
  parseAdmissionReview,
  type AdmissionDecision,
  type AdmissionRequest,
} from "./admission.js";
import { ReviewBudgets, type ReviewBudget } from "./budget.js";
import type { WebhookConfig } from "./config.js";
import { failurePolicyFor, isIncluded, pinnedImage } from "./filters.js";
import type { ReviewOutcome, WebhookMetrics } from "./metrics.js";
import { jsonPointer, metadataAnnotationOperations, type PatchOperation } from "./patch.js";
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
export type PodCredentialsLookup = (
  namespace: string,
  podSpec: JsonObject,
  signal: AbortSignal,
) => Promise<PodCredentials | undefined>;

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
  private readonly budgets: ReviewBudgets;

  constructor(private readonly options: ReviewerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.fallback = new FallbackResolver({ resolver: options.resolver, store: options.store, logger: this.logger });
    this.clock = options.clock ?? Date.now;
    this.budgets = new ReviewBudgets(options.config.deadlineMs, this.clock);
  }

  /** Answers a `/mutate` request body. */
  mutate(body: string): Promise<ReviewAnswer> {
    return this.answer("mutate", body, (request) => this.decideMutation(request, this.budgets.take()));
  }

  /** Answers a `/validate` request body. */
  validate(body: string): Promise<ReviewAnswer> {
    return this.answer("validate", body, async (request) => this.decideValidation(request));
  }

  private async answer(
    endpoint: string,
    body: string,
    decide: (request: AdmissionRequest) => Promise<[AdmissionDecision, ReviewOutcome]>,
  ): Promise<ReviewAnswer> {
    const started = this.clock();
    let answer: ReviewAnswer;
    let parsed;
    try {
      parsed = parseAdmissionReview(body);
    } catch (error) {
      const { code, message } = describeError(error);
      this.logger.warn({ endpoint, code, err: message }, "bad admission request");
      answer = {
        status: 400,
        message,
        code: error instanceof BadReviewError ? error.code : "invalid-review",
        outcome: "invalid",
      };
      this.options.metrics?.review(endpoint, "invalid", (this.clock() - started) / 1000);
      return answer;
    }
    const { apiVersion, request } = parsed;
    let decision: AdmissionDecision;
    let outcome: ReviewOutcome;
    try {
      [decision, outcome] = await decide(request);
    } catch (error) {
      // A bug or a hung callee must not block Pods: admit unchanged, as failurePolicy Ignore would.
      const late = isImagepinError(error, "deadline-exceeded");
      this.logger.error(
        { endpoint, uid: request.uid, err: describeError(error) },
        late ? "review ran out of time" : "review failed",
      );
      decision = {
        allowed: true,
        warnings: [
          late
            ? `imagepin: ${describeError(error).message}; images left unchanged`
            : `imagepin: internal error, image left unchanged: ${describeError(error).message}`,
        ],
      };
      outcome = "error";
    }
    const seconds = (this.clock() - started) / 1000;
    this.options.metrics?.review(endpoint, outcome, seconds);
    // This summary line logs at debug for routine reviews: a patched object already has its own info line
    // ("pinned", with every image), unchanged and skipped ones are counted by metrics. Denials and errors
    // (and fallbacks, logged where they happen) stay visible at info and above.
    const fields = {
      endpoint,
      uid: request.uid,
      namespace: request.namespace,
      kind: request.kind.kind,
      operation: request.operation,
      outcome,
      ms: Math.round(seconds * 1000),
    };
    if (outcome === "denied" || outcome === "error") this.logger.info(fields, "admission review");
    else this.logger.debug(fields, "admission review");
    return { status: 200, body: admissionResponse(apiVersion, request.uid, decision), outcome };
  }

  /** The candidates of a request: changed, well-formed, unpinned, included images; plus warnings for malformed ones. */
  private candidates(request: AdmissionRequest):
    | {
        candidates: Candidate[];
        invalid: ImageSite[];
        metadata: unknown;
        podSpec?: JsonObject;
        annotations?: Record<string, unknown>;
      }
    | undefined {
    const { config } = this.options;
    if (request.operation !== "CREATE" && request.operation !== "UPDATE") return undefined;
    if (request.namespace && config.excludedNamespaces.includes(request.namespace)) return undefined;
    const found = findImageSites(request.object, request.kind.kind, config.mutateWorkloads);
    if (!found) return undefined;
    if (found.annotations?.[config.optOutAnnotation] === "true") return undefined;
    const sites =
      request.operation === "UPDATE"
        ? changedSites(found.sites, request.oldObject, request.kind.kind, config.mutateWorkloads)
        : found.sites;
    const candidates: Candidate[] = [];
    const invalid: ImageSite[] = [];
    for (const site of sites) {
      const reference = tryParseReference(site.image);
      if (!("normalized" in reference)) invalid.push(site);
      else if (!reference.isPinned && isIncluded(config, reference)) candidates.push({ site, reference });
    }
    return {
      candidates,
      invalid,
      metadata: found.metadata,
      ...(found.podSpec ? { podSpec: found.podSpec } : {}),
      ...(found.annotations ? { annotations: found.annotations } : {}),
    };
  }

  private decideValidation(request: AdmissionRequest): [AdmissionDecision, ReviewOutcome] {
    const found = this.candidates(request);
    if (!found) return [{ allowed: true }, "skipped"];
    const unpinned = [...found.invalid, ...found.candidates.map((c) => c.site)];
    if (unpinned.length === 0) return [{ allowed: true }, "unchanged"];
    const list = unpinned.map((site) => `${site.label} (${site.image})`).join(", ");
    return [
      {
        allowed: false,
        message: `${request.kind.kind} ${objectName(request.object)} has images not pinned to a digest: ${list}`,
      },
      "denied",
    ];
  }

  private async decideMutation(
    request: AdmissionRequest,
    budget: ReviewBudget,
  ): Promise<[AdmissionDecision, ReviewOutcome]> {
    const found = this.candidates(request);
    if (!found) return [{ allowed: true }, "skipped"];
    const warnings = found.invalid.map(
      (site) => `imagepin: ${site.label}: image ${JSON.stringify(site.image)} is not a valid reference; left unchanged`,
    );
    if (found.candidates.length === 0) return [{ allowed: true, warnings }, "unchanged"];
    // Every step below keeps to its slice of the budget; this race is the guarantee for one that does not.
    const deadlineSeconds = this.options.config.deadlineMs / 1000;
    return abandonOnAbort(
      this.mutationWithin(request, found, warnings, budget),
      budget.review,
      () =>
        new ImagepinError(
          "deadline-exceeded",
          `the review did not finish within deadlineSeconds (${deadlineSeconds} s)`,
        ),
    );
  }

  private async mutationWithin(
    request: AdmissionRequest,
    found: NonNullable<ReturnType<AdmissionReviewer["candidates"]>>,
    warnings: string[],
    budget: ReviewBudget,
  ): Promise<[AdmissionDecision, ReviewOutcome]> {
    const signal = budget.registry;
    const { config } = this.options;
    const namespace = request.namespace ?? "";
    let credentials: PodCredentials | undefined;
    if (config.pullSecrets && this.options.podCredentials && found.podSpec && namespace) {
      try {
        credentials = await abandonOnAbort(
          this.options.podCredentials(namespace, found.podSpec, signal),
          signal,
          () => new ImagepinError("timeout", "the pull secrets were not read within the review deadline"),
        );
      } catch (error) {
        warnings.push(
          `imagepin: cannot read the Pod's pull secrets (${describeError(error).message}); resolving with the webhook's own credentials`,
        );
        this.logger.warn({ uid: request.uid, namespace, err: describeError(error) }, "cannot read pull secrets");
      }
    }

    // One resolution per distinct reference, all at once.
    const distinct = new Map<string, ImageReference>();
    for (const { reference } of found.candidates) distinct.set(reference.normalized, reference);
    const results = new Map<string, Resolution | { error: unknown }>();
    await Promise.all(
      [...distinct.entries()].map(async ([key, reference]) => {
        results.set(
          key,
          await this.resolveOne(reference, namespace, credentials, budget).catch((error: unknown) => ({ error })),
        );
      }),
    );

    const patch: PatchOperation[] = [];
    const originals: Record<string, string> = {};
    const fallbacks: Record<string, { reference: string; digest: string; resolvedAt: string; reason: string }> = {};
    const denials: string[] = [];
    const pinned: { label: string; image: string; digest: string; source: string }[] = [];
    for (const { site, reference } of found.candidates) {
      const result = results.get(reference.normalized);
      if (!result) continue;
      if ("error" in result) {
        const failure = this.failure(site, reference, result.error);
        if (failure.deny) denials.push(failure.message);
        else warnings.push(failure.message);
        continue;
      }
      patch.push({
        op: "replace",
        path: jsonPointer(site.path),
        value: pinnedImage(site.image, reference, result.digest),
      });
      originals[site.label] = site.image;
      pinned.push({ label: site.label, image: site.image, digest: result.digest, source: result.source });
      if (result.source === "fallback") {
        const reason = result.fallbackReason ?? { code: "unknown", message: "unknown" };
        const at = new Date(result.resolvedAt).toISOString();
        fallbacks[site.label] = {
          reference: reference.normalized,
          digest: result.digest,
          resolvedAt: at,
          reason: `${reason.code}: ${reason.message}`,
        };
        warnings.push(
          `imagepin: ${site.label}: registry unavailable (${reason.code}); using the last known digest of ${reference.familiar} from ${at}`,
        );
        this.logger.warn(
          {
            uid: request.uid,
            namespace,
            label: site.label,
            reference: reference.normalized,
            digest: result.digest,
            resolvedAt: at,
            reason,
          },
          "fallback to last known digest",
        );
        if (config.events && !request.dryRun) {
          this.options.events?.fallbackUsed({
            namespace,
            name: objectName(request.object),
            kind: request.kind.kind,
            label: site.label,
            reference: reference.normalized,
            digest: result.digest,
            resolvedAt: result.resolvedAt,
            reason,
          });
        }
      }
    }
    if (denials.length > 0) return [{ allowed: false, message: denials.join("; "), warnings }, "denied"];
    // The subresource update keeps only ephemeralContainers, so annotations there would be dropped anyway.
    if (patch.length > 0 && request.subResource !== "ephemeralcontainers")
      patch.push(...this.annotationPatch(found, originals, fallbacks, warnings));
    // The audit trail of what was pinned (issue 11): one info line per patched object, every image in it.
    if (pinned.length > 0)
      this.logger.info(
        {
          uid: request.uid,
          namespace,
          name: objectName(request.object),
          kind: request.kind.kind,
          operation: request.operation,
          dryRun: request.dryRun ?? false,
          images: pinned,
        },
        "pinned",
      );
    return [{ allowed: true, patch, warnings }, patch.length > 0 ? "patched" : "unchanged"];
  }

  /** The operations recording what was pinned (and what fell back), merged into the Pod's earlier records. */
  private annotationPatch(
    found: { metadata: unknown; annotations?: Record<string, unknown> },
    originals: Record<string, unknown>,
    fallbacks: Record<string, unknown>,
    warnings: string[],
  ): PatchOperation[] {
    const annotations: Record<string, string> = {};
    const merged = (key: string, entries: Record<string, unknown>) => {
      const read = readAnnotationMap(found.annotations?.[key]);
      if ("unreadable" in read)
        warnings.push(
          `imagepin: annotation ${key} could not be read (${read.unreadable}); rewritten with this review's entries only`,
        );
      annotations[key] = JSON.stringify({ ...("map" in read ? read.map : {}), ...entries });
    };
    const prefix = this.options.config.annotationPrefix;
    merged(`${prefix}/original-images`, originals);
    if (Object.keys(fallbacks).length > 0) merged(`${prefix}/fallback`, fallbacks);
    return metadataAnnotationOperations(found.metadata, found.annotations, annotations);
  }

  private async resolveOne(
    reference: ImageReference,
    namespace: string,
    credentials: PodCredentials | undefined,
    budget: ReviewBudget,
  ): Promise<Resolution> {
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
        signal: budget.registry,
        storeSignal: budget.store,
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
    const storeUnreadable = error instanceof FallbackUnavailableError;
    const registryError = storeUnreadable ? error.outage : error;
    const { code, message } = describeError(registryError);
    const outage = isOutage(registryError);
    this.logger.warn(
      { label: site.label, reference: reference.normalized, code, err: message, policy, outage },
      "cannot resolve image",
    );
    const what = `${site.label}: cannot resolve ${reference.familiar} (${code}: ${message})`;
    if (policy === "deny") return { deny: true, message: `imagepin: ${what}; failure policy deny` };
    if (policy === "fallback" && outage) {
      const missing = storeUnreadable
        ? `the digest store could not be read (${describeError(error.storeError).message})`
        : "no last known digest";
      if (config.onFailure === "deny")
        return { deny: true, message: `imagepin: ${what}; ${missing} and onFailure is deny` };
      return { deny: false, message: `imagepin: ${what}; ${missing}, image left unchanged` };
    }
    return { deny: false, message: `imagepin: ${what}; image left unchanged` };
  }
}

/**
 * The map one of our annotations holds (empty when absent), or why it cannot be read: it comes from the
 * Pod's author, so it is read with a nesting bound (a value nested 10,000 deep overflowed the stack
 * when written back, issue 18) and anything but a JSON object is set aside, never an internal error.
 */
function readAnnotationMap(value: unknown): { map: Record<string, unknown> } | { unreadable: string } {
  if (value === undefined) return { map: {} };
  if (typeof value !== "string") return { unreadable: "not a string" };
  let parsed: unknown;
  try {
    parsed = parseBoundedJson(value);
  } catch (error) {
    return { unreadable: error instanceof JsonTooDeepError ? error.message : "not JSON" };
  }
  return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
    ? { map: parsed as Record<string, unknown> }
    : { unreadable: "not a JSON object" };
}
