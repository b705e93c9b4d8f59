// The webhook's Kubernetes API use: `get` on named Secrets and ServiceAccounts (never list or watch),
// and creating Events for fallbacks. The client is behind two small interfaces so tests inject fakes.
import type { Keychain } from "../credentials/types.js";
import { describeError } from "../errors.js";
import type { Logger } from "../internal/logger.js";
import { silentLogger } from "../internal/logger.js";
import { Memo } from "../internal/memo.js";
import { LRUCache } from "lru-cache";
import type { Resolver } from "../resolve/types.js";
import type { JsonObject } from "./pod.js";
import type { EventSink, FallbackEvent, PodCredentials, PodCredentialsLookup } from "./review.js";

/** Reads single named objects; resolves undefined for a 404. */
export interface KubeReader {
  getSecret(namespace: string, name: string): Promise<{ metadata?: { resourceVersion?: string } } | undefined>;
  getServiceAccount(namespace: string, name: string): Promise<{ imagePullSecrets?: { name?: string }[] } | undefined>;
}

/** Creates core/v1 Events. */
export interface KubeEventWriter {
  createEvent(namespace: string, event: Record<string, unknown>): Promise<void>;
}

/**
 * The in-cluster API client (`@kubernetes/client-node`, service account token and CA from the Pod),
 * loaded only when called so the CLI and tests never pay for it.
 * @throws ImagepinError-free: the client's own error when not running in a cluster.
 */
export async function inClusterKube(): Promise<{ reader: KubeReader; events: KubeEventWriter }> {
  const k8s = await import("@kubernetes/client-node");
  const config = new k8s.KubeConfig();
  config.loadFromCluster();
  const core = config.makeApiClient(k8s.CoreV1Api);
  const notFoundAsUndefined = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  };
  return {
    reader: {
      getSecret: (namespace, name) => notFoundAsUndefined(() => core.readNamespacedSecret({ namespace, name })),
      getServiceAccount: (namespace, name) =>
        notFoundAsUndefined(() => core.readNamespacedServiceAccount({ namespace, name })),
    },
    events: {
      async createEvent(namespace, event) {
        await core.createNamespacedEvent({ namespace, body: event as never });
      },
    },
  };
}

/** Options of {@link podCredentialsLookup}. */
export interface PodCredentialsLookupOptions {
  reader: KubeReader;
  /** Builds a keychain from Secret objects (credentials' `keychainFromPullSecretObjects`). */
  keychainFromSecrets: (secrets: unknown[]) => Keychain;
  /** Builds a resolver that tries `keychain` first, then the webhook's own credentials. */
  resolverFor: (keychain: Keychain) => Resolver;
  /** How long Secrets and ServiceAccounts read from the API are reused; default 30 s. */
  ttlMs?: number;
  clock?: () => number;
  logger?: Logger;
}

/** How long Secrets and ServiceAccounts read from the API are reused by default: a scale-up takes seconds. */
export const defaultApiObjectTtlMs = 30_000;
/** Secrets and ServiceAccounts kept: enough for the namespaces of a busy cluster, a few KiB each. */
export const maxCachedApiObjects = 2048;
/**
 * Resolvers kept, one per distinct set of pull secrets (by resource version): each holds its own answer
 * cache, so the least recently used go first.
 */
export const maxPodCredentialSets = 256;

/**
 * Looks up a Pod's pull secrets: the names in `spec.imagePullSecrets` and in its ServiceAccount's
 * (`spec.serviceAccountName`, default `default`), each read with `get`. Objects are cached for `ttlMs`
 * so a scale-up of many Pods costs a few API calls, and one resolver is kept per distinct set of
 * secrets so its positive cache and single-flight work across Pods. Missing secrets are skipped, as the
 * kubelet does.
 */
export function podCredentialsLookup(options: PodCredentialsLookupOptions): PodCredentialsLookup {
  const now = options.clock;
  const objects = new Memo<{ object: unknown }>({
    maxEntries: maxCachedApiObjects,
    ttlMs: options.ttlMs ?? defaultApiObjectTtlMs,
    ...(now ? { now } : {}),
  });
  const resolvers = new LRUCache<string, PodCredentials>({ max: maxPodCredentialSets });
  // A missing object (undefined) is an answer too, so answers travel boxed.
  const cached = async <T>(key: string, load: () => Promise<T>): Promise<T> =>
    (await objects.get(key, async () => ({ object: await load() }))).object as T;
  return async (namespace, podSpec) => {
    const names = new Set<string>();
    for (const ref of asList(podSpec.imagePullSecrets))
      if (typeof ref.name === "string" && ref.name) names.add(ref.name);
    const accountName =
      typeof podSpec.serviceAccountName === "string" && podSpec.serviceAccountName
        ? podSpec.serviceAccountName
        : "default";
    const account = await cached(`sa/${namespace}/${accountName}`, () =>
      options.reader.getServiceAccount(namespace, accountName),
    );
    for (const ref of account?.imagePullSecrets ?? []) if (ref.name) names.add(ref.name);
    if (names.size === 0) return undefined;
    const secrets: { name: string; object: { metadata?: { resourceVersion?: string } } }[] = [];
    for (const name of names) {
      const object = await cached(`secret/${namespace}/${name}`, () => options.reader.getSecret(namespace, name));
      if (object) secrets.push({ name, object });
    }
    if (secrets.length === 0) return undefined;
    const key = `${namespace}/${secrets.map((s) => `${s.name}@${s.object.metadata?.resourceVersion ?? ""}`).join(",")}`;
    let credentials = resolvers.get(key);
    if (!credentials) {
      const keychain = options.keychainFromSecrets(secrets.map((s) => s.object));
      credentials = { keychain, resolver: options.resolverFor(keychain) };
      resolvers.set(key, credentials);
    }
    return credentials;
  };
}

function asList(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter((v): v is JsonObject => typeof v === "object" && v !== null) : [];
}

/** Options of {@link kubeEventSink}. */
export interface KubeEventSinkOptions {
  writer: KubeEventWriter;
  /** `reportingInstance` of the events: the webhook Pod's name. */
  instance: string;
  /** At most one event per namespace and reference in this window; default 60 s. */
  windowMs?: number;
  clock?: () => number;
  logger?: Logger;
}

/** Namespace + reference pairs remembered for the event window: more than an outage touches at once. */
export const maxEventKeys = 4096;

/**
 * An {@link EventSink} that records each fallback as a `Warning` Event with reason `DigestFallback` on
 * the Pod, without waiting for the API. During an outage it records one event per namespace and
 * reference per window, so a scale-up does not flood the API server.
 */
export function kubeEventSink(options: KubeEventSinkOptions): EventSink {
  const windowMs = options.windowMs ?? 60_000;
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const recent = new LRUCache<string, number>({ max: maxEventKeys });
  return {
    fallbackUsed(event: FallbackEvent) {
      const key = `${event.namespace}\u0000${event.reference}`;
      const now = clock();
      const last = recent.get(key);
      if (last !== undefined && now - last < windowMs) return;
      recent.set(key, now);
      const body = eventObject(event, options.instance, new Date(now));
      options.writer.createEvent(event.namespace, body).catch((error: unknown) => {
        logger.warn({ namespace: event.namespace, err: describeError(error) }, "cannot record the fallback event");
      });
    },
  };
}

/** The core/v1 Event recorded for a fallback. */
export function eventObject(event: FallbackEvent, instance: string, now: Date): Record<string, unknown> {
  const name = event.name.endsWith("…") ? event.name.slice(0, -1) : event.name;
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { generateName: `${name.replace(/[^a-z0-9.-]/g, "") || "pod"}.imagepin-`, namespace: event.namespace },
    involvedObject: { apiVersion: "v1", kind: event.kind, namespace: event.namespace, name },
    reason: "DigestFallback",
    type: "Warning",
    message:
      `${event.label}: registry unavailable (${event.reason.code}: ${event.reason.message}); used the last known digest ${event.digest} of ${event.reference} resolved ${new Date(event.resolvedAt).toISOString()}`.slice(
        0,
        1024,
      ),
    source: { component: "imagepin-webhook" },
    reportingComponent: "imagepin.io/webhook",
    reportingInstance: instance,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}
