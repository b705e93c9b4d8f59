import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { ImagepinError, UsageError } from "../../errors.js";
import { imagepinVersion } from "../../version.js";
import { isStoreScope, openStore, type StoreFilter } from "../../store/index.js";
import { out, positiveInteger } from "../output.js";
import { addRegistryFlags, createResolverFromFlags, type RegistryFlags } from "../registry-flags.js";

interface ServeFlags extends RegistryFlags {
  listen: string;
  tlsCert: string;
  tlsKey: string;
  store?: string;
  config?: string;
  logLevel: string;
}

interface StoreFlags {
  store?: string;
  reference?: string;
  scope?: string;
  olderThan?: string;
  all?: boolean;
  json?: boolean;
}

interface ManifestFlags {
  certManager?: boolean;
  selfSigned?: string;
  namespace: string;
  name: string;
  image: string;
  replicas: number;
  namespaceLabel: string;
  pullSecrets?: boolean;
  events: boolean;
  mutateWorkloads?: boolean;
  ephemeralContainers?: boolean;
  store?: string;
}

/** `imagepin webhook serve|store|manifests`: the admission webhook, its digest store, and its install manifests. */
export function register(program: Command): void {
  const webhook = program.command("webhook").description("admission webhook that pins Pod images to digests at creation");

  const serve = webhook
    .command("serve")
    .description("serve AdmissionReviews over HTTPS: /mutate, /validate, /healthz, /readyz, /metrics")
    .option("--listen <host:port>", "address to listen on", ":8443")
    .requiredOption("--tls-cert <file>", "serving certificate, PEM (reloaded when the file changes)")
    .requiredOption("--tls-key <file>", "private key of the certificate, PEM")
    .option("--store <url>", "last known digests: sqlite:///abs/path.db (default ./imagepin-digests.db), redis://host:port[/db], redis+sentinel://HOST:PORT[,HOST:PORT…]/MASTER_NAME, memory:")
    .option("--config <file>", "webhook config YAML (filters, failure policies, deadline); validated at start")
    .option("--log-level <level>", "debug, info, warn or error", "info");
  addRegistryFlags(serve);
  serve.action(async (flags: ServeFlags) => serveCommand(flags));

  const store = webhook.command("store").description("list or evict the last known digests");
  const storeOptions = (command: Command) =>
    command
      .option("--store <url>", "the store the webhook uses (default ./imagepin-digests.db)")
      .option("--reference <pattern>", "normalized reference; * matches any run of characters")
      .option("--scope <scope>", "public or namespace:NAME")
      .option("--older-than <age>", "only records resolved longer ago than this (90s, 15m, 12h, 30d)");
  storeOptions(store.command("list").description("print the records, one per line")).option("--json", "one JSON object per record").action(async (flags: StoreFlags) => storeCommand("list", flags));
  storeOptions(store.command("evict").description("delete matching records"))
    .option("--all", "evict every record (needed when no filter is given)")
    .action(async (flags: StoreFlags) => storeCommand("evict", flags));

  webhook
    .command("manifests")
    .description("print the Kubernetes objects that install the webhook")
    .option("--cert-manager", "TLS from cert-manager: Issuers, Certificates and CA injection (default)")
    .option("--self-signed <dir>", "generate a CA and serving certificate into DIR (reused when present) and fill caBundle")
    .option("--namespace <ns>", "namespace of the webhook", "imagepin-system")
    .option("--name <name>", "name of the Deployment, Service and webhook objects", "imagepin-webhook")
    // The release's own tag, not :latest, which imagepin's lint would itself reject; --image with a digest lints clean.
    .option("--image <image>", "the webhook image, built from the repository's Dockerfile (pin it: NAME:TAG@sha256:…)", `imagepin/webhook:${imagepinVersion()}`)
    .option("--replicas <n>", "replicas of the Deployment", positiveInteger("--replicas"), 2)
    .option("--namespace-label <key=value>", "label that opts a namespace in", "digest-resolution=enabled")
    .option("--pull-secrets", "resolve with Pods' imagePullSecrets (grants get on secrets and serviceaccounts)")
    .option("--no-events", "do not record Events for fallbacks (no events RBAC)")
    .option("--mutate-workloads", "also pin pod templates of Deployments, StatefulSets, DaemonSets, Jobs, CronJobs")
    .option("--ephemeral-containers", "also pin images of ephemeral containers (pods/ephemeralcontainers)")
    .option("--store <url>", "--store of the server (default SQLite on the Pod's emptyDir)")
    .action(async (flags: ManifestFlags) => manifestsCommand(flags));
}

/** Parses `--listen`: `:8443`, `host:port`, `[::1]:8443`. @throws UsageError */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new UsageError(`--listen takes HOST:PORT or :PORT, not ${JSON.stringify(text)}`);
  return { host: match[1] ?? (match[2] || "0.0.0.0"), port };
}

/** Parses an age such as `90s`, `15m`, `12h`, `30d` into milliseconds. @throws UsageError */
export function parseAge(text: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text);
  if (!match) throw new UsageError(`--older-than takes a number and s, m, h or d (such as 30d), not ${JSON.stringify(text)}`);
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as "s" | "m" | "h" | "d"];
}

async function serveCommand(flags: ServeFlags): Promise<void> {
  const { host, port } = parseListen(flags.listen);
  if (!["debug", "info", "warn", "error"].includes(flags.logLevel)) throw new UsageError(`--log-level takes debug, info, warn or error`);
  const webhook = await import("../../webhook/index.js");
  const config = flags.config ? webhook.parseWebhookConfig(readConfig(flags.config), flags.config) : webhook.defaultWebhookConfig();
  const { pino } = await import("pino");
  const logger = pino({ level: flags.logLevel, base: { component: "imagepin-webhook" } });
  const store = await openStore(flags.store, { cwd: process.cwd(), logger });
  // The registry client counts its responses into imagepin_registry_requests_total.
  const metrics = new webhook.WebhookMetrics({ processMetrics: true });
  // The positive cache sits behind the last-known-digest fallback: it answers a scale-up's burst, and an
  // outage is only noticed (and the fallback used) once the cached answer has aged out.
  const { resolver, close: closeResolver } = await createResolverFromFlags(flags, process.env, {
    cacheTtlMs: config.cacheTtlMs,
    logger,
    onRegistryRequest: (status) => metrics.registryRequest(status),
  });
  const inCluster = Boolean(process.env.KUBERNETES_SERVICE_HOST) && (config.events || config.pullSecrets);
  const kube = inCluster ? await webhook.inClusterKube() : undefined;
  const instance = process.env.POD_NAME ?? hostname();
  let podCredentials;
  if (kube && config.pullSecrets) {
    const { keychainFromPullSecretObjects } = await import("../../credentials/index.js");
    podCredentials = webhook.podCredentialsLookup({
      reader: kube.reader,
      keychainFromSecrets: (secrets) => keychainFromPullSecretObjects(secrets),
      // The Pod's own pull secrets first, then the webhook's credentials, as the kubelet would pull.
      resolverFor: (keychain) => resolver.withKeychain(keychain, { thenOwnCredentials: true }),
      logger,
    });
  }
  const starting = webhook.serveWebhook({
    config,
    resolver,
    metrics,
    store,
    tls: { certFile: flags.tlsCert, keyFile: flags.tlsKey },
    host,
    port,
    logger,
    ...(kube && config.events ? { events: webhook.kubeEventSink({ writer: kube.events, instance, logger }) } : {}),
    ...(podCredentials ? { podCredentials } : {}),
  });
  // A server that cannot bind must end the process (exit 2), not leave the store's and the resolver's
  // connections holding it open with nothing listening.
  const server = await starting.catch(async (error: unknown) => {
    await Promise.allSettled([store.close(), closeResolver()]);
    throw error;
  });
  logger.info({ host: server.host, port: server.port, store: store.description, deadlineMs: config.deadlineMs }, "ready");
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal, inFlight: server.inFlight }, "shutting down; in-flight reviews finish first");
      server
        .close(Math.max(config.deadlineMs + 2000, 5000))
        .then(() => Promise.all([store.close(), closeResolver()]))
        .finally(() => {
          logger.info({}, "stopped");
          resolve();
        });
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
}

function readConfig(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ImagepinError("invalid-config", `cannot read the config file ${path}: ${(error as Error).message}`, { cause: error });
  }
}

async function storeCommand(action: "list" | "evict", flags: StoreFlags): Promise<void> {
  const filter: StoreFilter = {};
  if (flags.reference) filter.reference = flags.reference;
  if (flags.scope) {
    if (!isStoreScope(flags.scope)) throw new UsageError(`--scope takes public or namespace:NAME, not ${JSON.stringify(flags.scope)}`);
    filter.scope = flags.scope;
  }
  if (flags.olderThan) filter.resolvedBefore = Date.now() - parseAge(flags.olderThan);
  if (action === "evict" && Object.keys(filter).length === 0 && !flags.all) throw new UsageError("evict needs --reference, --scope, --older-than or --all");
  const store = await openStore(flags.store, { cwd: process.cwd(), mustExist: true });
  try {
    if (action === "evict") {
      out(`evicted ${await store.evict(filter)} record(s)`);
      return;
    }
    for (const record of await store.list(filter)) {
      const platform = record.platform ? `${record.platform.os}/${record.platform.architecture}${record.platform.variant ? `/${record.platform.variant}` : ""}` : "";
      if (flags.json) out(JSON.stringify(record));
      else out([record.reference, record.digest, record.scope, new Date(record.resolvedAt).toISOString(), platform].filter(Boolean).join("  "));
    }
  } finally {
    await store.close();
  }
}

async function manifestsCommand(flags: ManifestFlags): Promise<void> {
  if (flags.certManager && flags.selfSigned) throw new UsageError("--cert-manager and --self-signed exclude each other");
  const [key, value, extra] = flags.namespaceLabel.split("=");
  if (!key || value === undefined || extra !== undefined) throw new UsageError(`--namespace-label takes KEY=VALUE, not ${JSON.stringify(flags.namespaceLabel)}`);
  const { installManifests, generateServingCertificates } = await import("../../webhook/index.js");
  let tls: Parameters<typeof installManifests>[0]["tls"] = { mode: "cert-manager" };
  if (flags.selfSigned) {
    const dir = flags.selfSigned;
    const files = { caCert: "ca.crt", caKey: "ca.key", cert: "tls.crt", key: "tls.key" } as const;
    const paths = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, join(dir, f)])) as Record<keyof typeof files, string>;
    let certificates;
    if (Object.values(paths).every((p) => existsSync(p))) {
      // Reuse: running the command again must not change the caBundle of an installed webhook.
      certificates = { caCert: readFileSync(paths.caCert, "utf8"), caKey: readFileSync(paths.caKey, "utf8"), cert: readFileSync(paths.cert, "utf8"), key: readFileSync(paths.key, "utf8") };
    } else {
      const svc = flags.name;
      certificates = generateServingCertificates({ dnsNames: [svc, `${svc}.${flags.namespace}`, `${svc}.${flags.namespace}.svc`, `${svc}.${flags.namespace}.svc.cluster.local`] });
      mkdirSync(dir, { recursive: true });
      for (const [k, path] of Object.entries(paths)) writeFileSync(path, certificates[k as keyof typeof files], { mode: k.endsWith("Key") || k === "key" ? 0o600 : 0o644 });
    }
    tls = { mode: "self-signed", certificates };
  }
  process.stdout.write(
    installManifests({
      tls,
      image: flags.image,
      namespace: flags.namespace,
      name: flags.name,
      replicas: flags.replicas,
      namespaceLabel: { key, value },
      pullSecrets: Boolean(flags.pullSecrets),
      events: flags.events,
      mutateWorkloads: Boolean(flags.mutateWorkloads),
      ephemeralContainers: Boolean(flags.ephemeralContainers),
      ...(flags.store ? { store: flags.store } : {}),
    }),
  );
}
