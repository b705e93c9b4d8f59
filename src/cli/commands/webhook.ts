import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Option, type Command } from "commander";
import { describeError, ImagepinError, isImagepinError, UsageError } from "../../errors.js";
import { formatPlatform, tryParseReference } from "../../reference/index.js";
import { pinnedImage } from "../../webhook/filters.js";
import { isStoreScope, openStore, type StoreFilter } from "../../store/index.js";
import { nonNegativeInteger, note, out, positiveInteger } from "../output.js";
import { addRegistryFlags, createResolverFromFlags, type RegistryFlags } from "../registry-flags.js";

interface ServeFlags extends RegistryFlags {
  listen: string;
  tlsCert: string;
  tlsKey: string;
  store?: string;
  config?: string;
  logLevel: string;
  shutdownDelay: number;
}

interface StoreFlags {
  store?: string;
  reference?: string;
  scope?: string;
  olderThan?: string;
  all?: boolean;
  json?: boolean;
}

interface ManifestFlags extends RegistryFlags {
  certManager?: boolean;
  selfSigned?: string;
  namespace: string;
  name: string;
  image?: string;
  resolve: boolean;
  validate?: boolean;
  enforceLabel: string;
  storePasswordSecret?: string;
  replicas: number;
  namespaceLabel: string;
  pullSecrets?: boolean;
  events: boolean;
  mutateWorkloads?: boolean;
  ephemeralContainers?: boolean;
  store?: string;
  credentialProviderConfig?: string;
  credentialProviderBinDir?: string;
}

/** `imagepin webhook serve|store|manifests`: the admission webhook, its digest store, and its install manifests. */
export function register(program: Command): void {
  const webhook = program
    .command("webhook")
    .description("admission webhook that pins Pod images to digests at creation");

  const serve = webhook
    .command("serve")
    .description("serve AdmissionReviews over HTTPS: /mutate, /validate, /healthz, /readyz, /metrics")
    .option("--listen <host:port>", "address to listen on", ":8443")
    .requiredOption("--tls-cert <file>", "serving certificate, PEM (reloaded when the file changes)")
    .requiredOption("--tls-key <file>", "private key of the certificate, PEM")
    .option(
      "--store <url>",
      "last known digests: sqlite:///abs/path.db (default ./imagepin-digests.db), redis://host:port[/db], redis+sentinel://HOST:PORT[,HOST:PORT…]/MASTER_NAME, memory:",
    )
    .option("--config <file>", "webhook config YAML (filters, failure policies, deadline); validated at start")
    .option("--log-level <level>", "debug, info, warn or error", "info")
    .addOption(
      new Option("--shutdown-delay <seconds>", "on SIGTERM, keep serving this long with /readyz 503 before closing")
        .argParser(nonNegativeInteger("--shutdown-delay"))
        .default(0),
    );
  addRegistryFlags(serve);
  serve.action(async (flags: ServeFlags) => serveCommand(flags));

  const store = webhook.command("store").description("list or evict the last known digests");
  const storeOptions = (command: Command) =>
    command
      .option("--store <url>", "the store the webhook uses (default ./imagepin-digests.db)")
      .option("--reference <pattern>", "normalized reference; * matches any run of characters")
      .option("--scope <scope>", "public or namespace:NAME")
      .option("--older-than <age>", "only records resolved longer ago than this (90s, 15m, 12h, 30d)");
  storeOptions(store.command("list").description("print the records, one per line"))
    .option("--json", "one JSON object per record")
    .action(async (flags: StoreFlags) => storeCommand("list", flags));
  storeOptions(store.command("evict").description("delete matching records"))
    .option("--all", "evict every record (needed when no filter is given)")
    .action(async (flags: StoreFlags) => storeCommand("evict", flags));

  const manifests = webhook
    .command("manifests")
    .description("print the Kubernetes objects that install the webhook")
    .option("--cert-manager", "TLS from cert-manager: Issuers, Certificates and CA injection (default)")
    .option(
      "--self-signed <dir>",
      "generate a CA and serving certificate into DIR (reused when present, re-issued when the Service's names or expiry no longer fit) and fill caBundle",
    )
    .option("--namespace <ns>", "namespace of the webhook", "imagepin-system")
    .option("--name <name>", "name of the Deployment, Service and webhook objects", "imagepin-webhook")
    .option(
      "--image <image>",
      "the webhook image you built from the repository's Dockerfile and pushed (npm run image); a tag is resolved and written pinned",
    )
    .option("--no-resolve", "write --image as given, without asking its registry for the digest")
    .option("--replicas <n>", "replicas of the Deployment", positiveInteger("--replicas"), 2)
    .option("--namespace-label <key=value>", "label that opts a namespace in", "digest-resolution=enabled")
    .option("--pull-secrets", "resolve with Pods' imagePullSecrets (grants get on secrets and serviceaccounts)")
    .option("--no-events", "do not record Events for fallbacks (no events RBAC)")
    .option("--mutate-workloads", "also pin pod templates of Deployments, StatefulSets, DaemonSets, Jobs, CronJobs")
    .option("--ephemeral-containers", "also pin images of ephemeral containers (pods/ephemeralcontainers)")
    .option(
      "--credential-provider-config <file>",
      "kubelet CredentialProviderConfig to put in the webhook's ConfigMap (the one on your nodes)",
    )
    .option(
      "--credential-provider-bin-dir <dir>",
      "the nodes' plugin directory, mounted read-only from the host (with --credential-provider-config)",
    )
    .option("--store <url>", "--store of the server (default SQLite on the Pod's emptyDir); no password in it")
    .option(
      "--store-password-secret <name[:key]>",
      "Secret key holding the Redis password (key default: password), given to the server as IMAGEPIN_STORE_PASSWORD",
    )
    .option(
      "--validate",
      "also install a ValidatingWebhookConfiguration (failurePolicy Fail) that denies unpinned Pods in namespaces with --enforce-label",
    )
    .option(
      "--enforce-label <key=value>",
      "with --validate: label that, with --namespace-label, makes a namespace enforced",
      "imagepin.io/enforce=true",
    );
  addRegistryFlags(manifests, { credentialProviders: false }).action(async (flags: ManifestFlags) =>
    manifestsCommand(flags),
  );
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
  if (!match)
    throw new UsageError(`--older-than takes a number and s, m, h or d (such as 30d), not ${JSON.stringify(text)}`);
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as "s" | "m" | "h" | "d"];
}

async function serveCommand(flags: ServeFlags): Promise<void> {
  const { host, port } = parseListen(flags.listen);
  if (!["debug", "info", "warn", "error"].includes(flags.logLevel))
    throw new UsageError(`--log-level takes debug, info, warn or error`);
  const webhook = await import("../../webhook/index.js");
  const config = flags.config
    ? webhook.parseWebhookConfig(readConfig(flags.config), flags.config)
    : webhook.defaultWebhookConfig();
  const { pino } = await import("pino");
  const logger = pino({ level: flags.logLevel, base: { component: "imagepin-webhook" } });
  const { storePasswordEnv } = await import("../../webhook/install/manifests.js");
  // Flags win over the config file, key by key; the pair is taken from one place so they stay together.
  const providerFlags =
    flags.credentialProviderConfig || flags.credentialProviderBinDir
      ? {}
      : {
          credentialProviderConfig: config.credentialProviderConfig,
          credentialProviderBinDir: config.credentialProviderBinDir,
        };
  await webhook.runWebhook({
    config,
    tls: { certFile: flags.tlsCert, keyFile: flags.tlsKey },
    host,
    port,
    logger,
    openStore: () =>
      openStore(storeWithPassword(flags.store, process.env[storePasswordEnv]), { cwd: process.cwd(), logger }),
    createResolver: (options) => createResolverFromFlags({ ...flags, ...providerFlags }, process.env, options),
    env: process.env,
    shutdownDelayMs: flags.shutdownDelay * 1000,
  });
}

function readConfig(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ImagepinError("invalid-config", `cannot read the config file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function storeCommand(action: "list" | "evict", flags: StoreFlags): Promise<void> {
  const filter: StoreFilter = {};
  if (flags.reference) filter.reference = flags.reference;
  if (flags.scope) {
    if (!isStoreScope(flags.scope))
      throw new UsageError(`--scope takes public or namespace:NAME, not ${JSON.stringify(flags.scope)}`);
    filter.scope = flags.scope;
  }
  if (flags.olderThan) filter.resolvedBefore = Date.now() - parseAge(flags.olderThan);
  if (action === "evict" && Object.keys(filter).length === 0 && !flags.all)
    throw new UsageError("evict needs --reference, --scope, --older-than or --all");
  const { storePasswordEnv } = await import("../../webhook/install/manifests.js");
  const store = await openStore(storeWithPassword(flags.store, process.env[storePasswordEnv]), {
    cwd: process.cwd(),
    mustExist: true,
  });
  try {
    if (action === "evict") {
      out(`evicted ${await store.evict(filter)} record(s)`);
      return;
    }
    for (const record of await store.list(filter)) {
      const platform = record.platform ? formatPlatform(record.platform) : "";
      if (flags.json) out(JSON.stringify(record));
      else
        out(
          [record.reference, record.digest, record.scope, new Date(record.resolvedAt).toISOString(), platform]
            .filter(Boolean)
            .join("  "),
        );
    }
  } finally {
    await store.close();
  }
}

/** Parses `KEY=VALUE` of a label flag. @throws UsageError */
function labelFlag(flag: string, text: string): { key: string; value: string } {
  const [key, value, extra] = text.split("=");
  if (!key || value === undefined || extra !== undefined)
    throw new UsageError(`${flag} takes KEY=VALUE, not ${JSON.stringify(text)}`);
  return { key, value };
}

/** Parses `NAME[:KEY]` of `--store-password-secret`. @throws UsageError */
function secretKeyFlag(text: string): { name: string; key: string } {
  const match = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)(?::([-._a-zA-Z0-9]+))?$/.exec(text);
  if (!match?.[1])
    throw new UsageError(`--store-password-secret takes a Secret NAME or NAME:KEY, not ${JSON.stringify(text)}`);
  return { name: match[1], key: match[3] ?? "password" };
}

/**
 * `--store` with the Redis password of `IMAGEPIN_STORE_PASSWORD` put in, so the password reaches the
 * server from a Secret and never shows in the Pod's args. A URL that has its own password keeps it.
 */
export function storeWithPassword(store: string | undefined, password: string | undefined): string | undefined {
  if (!store || !password || !/^rediss?:\/\//.test(store)) return store;
  const url = new URL(store);
  if (url.password) return store;
  url.password = password;
  return url.toString();
}

async function manifestsCommand(flags: ManifestFlags): Promise<void> {
  if (flags.certManager && flags.selfSigned)
    throw new UsageError("--cert-manager and --self-signed exclude each other");
  if (!flags.image) {
    throw new UsageError("webhook manifests needs --image: the webhook image you built and pushed", {
      hint: "build it from the repository's Dockerfile (npm run image, or docker build .), push it, and pass --image REGISTRY/imagepin-webhook:TAG (see docs/webhook.md)",
    });
  }
  const namespaceLabel = labelFlag("--namespace-label", flags.namespaceLabel);
  const enforceLabel = flags.validate ? labelFlag("--enforce-label", flags.enforceLabel) : undefined;
  const storePasswordSecret = flags.storePasswordSecret ? secretKeyFlag(flags.storePasswordSecret) : undefined;
  const { installManifests, selfSignedCertificates, serviceDnsNames } = await import("../../webhook/index.js");
  const image = flags.resolve ? await pinnedWebhookImage(flags.image, flags) : flags.image;
  let tls: Parameters<typeof installManifests>[0]["tls"] = { mode: "cert-manager" };
  if (flags.selfSigned) {
    const directory = await selfSignedCertificates(flags.selfSigned, serviceDnsNames(flags.name, flags.namespace));
    if (directory.action === "reissued")
      note(
        `re-issued ${join(flags.selfSigned, "tls.crt")} for ${serviceDnsNames(flags.name, flags.namespace)[2]} with the CA in ca.crt (caBundle unchanged): ${directory.reason}`,
      );
    tls = { mode: "self-signed", certificates: directory.certificates };
  }
  process.stdout.write(
    installManifests({
      tls,
      image,
      namespace: flags.namespace,
      name: flags.name,
      replicas: flags.replicas,
      namespaceLabel,
      pullSecrets: Boolean(flags.pullSecrets),
      events: flags.events,
      mutateWorkloads: Boolean(flags.mutateWorkloads),
      ephemeralContainers: Boolean(flags.ephemeralContainers),
      ...(flags.store ? { store: flags.store } : {}),
      ...(await credentialProviderInstall(flags)),
      ...(storePasswordSecret ? { storePasswordSecret } : {}),
      ...(enforceLabel ? { enforceLabel } : {}),
    }),
  );
}

/** The provider config to ship, validated here so a bad file fails now rather than in the cluster. */
async function credentialProviderInstall(
  flags: ManifestFlags,
): Promise<{ credentialProvider?: { config: string; binDir: string } }> {
  const { credentialProviderConfig: file, credentialProviderBinDir: binDir } = flags;
  if (!file && !binDir) return {};
  if (!file || !binDir)
    throw new UsageError("--credential-provider-config and --credential-provider-bin-dir are given together");
  if (!binDir.startsWith("/"))
    throw new UsageError(
      `--credential-provider-bin-dir is the absolute path of the plugin directory on the nodes, not ${JSON.stringify(binDir)}`,
    );
  const { parseCredentialProviderConfig } = await import("../../credentials/index.js");
  const config = readConfig(file);
  parseCredentialProviderConfig(config, file);
  return { credentialProvider: { config, binDir } };
}

/** `--image` pinned: kept when it has a digest, else resolved at its registry (the flags' credentials) and said so on stderr. */
async function pinnedWebhookImage(image: string, flags: ManifestFlags): Promise<string> {
  const reference = tryParseReference(image);
  if (!("normalized" in reference))
    throw new UsageError(`--image ${JSON.stringify(image)} is not an image reference: ${reference.message}`);
  if (reference.isPinned) return image;
  // The provider flags of `manifests` name the nodes' files to install, not plugins to run here.
  const { credentialProviderConfig: _config, credentialProviderBinDir: _binDir, ...registryFlags } = flags;
  const { resolver, platform, close } = await createResolverFromFlags(registryFlags, process.env);
  try {
    const resolution = await resolver.resolve(reference, platform ? { platform } : {}).catch((error: unknown) => {
      throw new ImagepinError(
        isImagepinError(error) ? error.code : "unreachable",
        `cannot pin --image ${image}: ${describeError(error).message}`,
        {
          cause: error,
          hint: "push the image first, pass the registry flags it needs (--insecure-registry, --ca-file, --docker-config), or keep the tag with --no-resolve",
        },
      );
    });
    const pinned = pinnedImage(image, reference, resolution.digest);
    note(`--image ${image} resolved to ${resolution.digest}; writing ${pinned} (--no-resolve keeps the tag)`);
    return pinned;
  } finally {
    await close();
  }
}
