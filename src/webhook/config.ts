import { LineCounter, parseDocument } from "yaml";
import { ImagepinError } from "../errors.js";
import { parsePlatform, type Platform } from "../reference/index.js";

/** What to do with an image whose registry could not answer (issue 5, "Failure policy"). */
export type FailurePolicy = "fallback" | "allow" | "deny";

/** One failure-policy rule: the first rule whose registry or pattern matches an image decides. */
export interface FailurePolicyRule {
  /** Registry host as written in references (`registry.example.com:5000`, `docker.io`). */
  registry?: string;
  /** Regular expression on the full normalized reference. */
  match?: RegExp;
  policy: FailurePolicy;
}

/** The webhook's settings, from the `--config` YAML file; every field has a default. */
export interface WebhookConfig {
  /** Budget of one whole review, ms; default 10 000 (under the 15 s webhook timeout). */
  deadlineMs: number;
  /** Regular expressions on the full normalized reference; when any is given, only matching images are resolved. */
  include: RegExp[];
  /** Regular expressions on the full normalized reference; matching images are left alone. */
  exclude: RegExp[];
  /** Namespaces whose Pods are never touched; default `[kube-system]`. */
  excludedNamespaces: string[];
  /** A Pod with this annotation set to `"true"` is left alone; default `imagepin.io/skip`. */
  optOutAnnotation: string;
  /** Prefix of the annotations the webhook writes; default `imagepin.io`. */
  annotationPrefix: string;
  /** Policy when no rule matches; default `fallback`. */
  defaultFailurePolicy: FailurePolicy;
  /** Per registry or pattern rules, first match wins. */
  failurePolicies: FailurePolicyRule[];
  /** When a fallback has no record: `allow` admits unchanged with a warning (default), `deny` denies. */
  onFailure: "allow" | "deny";
  /** Also pin images in pod templates of Deployments, StatefulSets, … ; default false. */
  mutateWorkloads: boolean;
  /** Read the Pod's and its ServiceAccount's imagePullSecrets from the API; default false. */
  pullSecrets: boolean;
  /** Record a Kubernetes Event for each fallback; default true. */
  events: boolean;
  /** Resolve for this platform instead of the index digest; default none (multi-arch index). */
  platform?: Platform;
  /** Largest request body accepted, bytes; default 4 MiB. */
  maxBodyBytes: number;
  /**
   * How long a fresh answer is reused without asking the registry again, ms; default 30 000. Short on
   * purpose: it absorbs a scale-up's burst while a moved tag is still seen within half a minute.
   */
  cacheTtlMs: number;
  /** A kubelet CredentialProviderConfig file or directory (`--credential-provider-config`); default none. */
  credentialProviderConfig?: string;
  /** Where its plugins are installed (`--credential-provider-bin-dir`). */
  credentialProviderBinDir?: string;
}

/** The defaults of every setting. */
export function defaultWebhookConfig(): WebhookConfig {
  return {
    deadlineMs: 10_000,
    include: [],
    exclude: [],
    excludedNamespaces: ["kube-system"],
    optOutAnnotation: "imagepin.io/skip",
    annotationPrefix: "imagepin.io",
    defaultFailurePolicy: "fallback",
    failurePolicies: [],
    onFailure: "allow",
    mutateWorkloads: false,
    pullSecrets: false,
    events: true,
    maxBodyBytes: 4 * 1024 * 1024,
    cacheTtlMs: 30_000,
  };
}

const knownKeys = new Set([
  "deadlineSeconds",
  "include",
  "exclude",
  "excludedNamespaces",
  "optOutAnnotation",
  "annotationPrefix",
  "defaultFailurePolicy",
  "failurePolicies",
  "onFailure",
  "mutateWorkloads",
  "pullSecrets",
  "events",
  "platform",
  "maxBodyBytes",
  "cacheTtlSeconds",
  "credentialProviderConfig",
  "credentialProviderBinDir",
]);
const policies: FailurePolicy[] = ["fallback", "allow", "deny"];

/**
 * Parses and validates the webhook config YAML. Unknown keys are errors (a typo would otherwise be
 * silently ignored). Every message names the key and its line.
 *
 * @param file the file name, for messages.
 * @throws ImagepinError `invalid-config`.
 */
export function parseWebhookConfig(text: string, file = "config"): WebhookConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const fail = (path: (string | number)[], message: string): never => {
    const node =
      path.length > 0 ? (doc.getIn(path, true) as { range?: [number, number, number] } | undefined) : undefined;
    const pos = node?.range ? lineCounter.linePos(node.range[0]) : undefined;
    const key = path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
    throw new ImagepinError("invalid-config", `${key ? `${key}: ` : ""}${message}`, {
      location: pos ? { file, line: pos.line, column: pos.col } : { file },
    });
  };
  const first = doc.errors[0];
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    throw new ImagepinError("invalid-config", `not valid YAML: ${first.message.split("\n")[0]}`, {
      location: { file, line: pos.line, column: pos.col },
    });
  }
  const raw: unknown = doc.toJS();
  const config = defaultWebhookConfig();
  if (raw === null || raw === undefined) return config;
  if (typeof raw !== "object" || Array.isArray(raw)) return fail([], "the config must be a mapping of settings");
  const value = raw as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    if (!knownKeys.has(key)) fail([key], `unknown setting; known settings are ${[...knownKeys].join(", ")}`);
  }

  const number = (key: string, min: number, max: number): number | undefined => {
    const v = value[key];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max)
      return fail([key], `must be a number from ${min} to ${max}`);
    return v;
  };
  const bool = (key: string): boolean | undefined => {
    const v = value[key];
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") return fail([key], "must be true or false");
    return v;
  };
  const string = (path: (string | number)[], v: unknown): string => {
    if (typeof v !== "string" || v === "") return fail(path, "must be a non-empty string");
    return v;
  };
  const regex = (path: (string | number)[], v: unknown): RegExp => {
    const source = string(path, v);
    try {
      return new RegExp(source);
    } catch (error) {
      return fail(path, `invalid regular expression: ${(error as Error).message}`);
    }
  };
  const list = (key: string): unknown[] | undefined => {
    const v = value[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) return fail([key], "must be a list");
    return v;
  };

  const deadline = number("deadlineSeconds", 0.1, 14);
  if (deadline !== undefined) config.deadlineMs = Math.round(deadline * 1000);
  const maxBody = number("maxBodyBytes", 1024, 64 * 1024 * 1024);
  if (maxBody !== undefined) config.maxBodyBytes = Math.floor(maxBody);
  const cacheTtl = number("cacheTtlSeconds", 0, 3600);
  if (cacheTtl !== undefined) config.cacheTtlMs = Math.round(cacheTtl * 1000);
  config.include = list("include")?.map((v, i) => regex(["include", i], v)) ?? config.include;
  config.exclude = list("exclude")?.map((v, i) => regex(["exclude", i], v)) ?? config.exclude;
  config.excludedNamespaces =
    list("excludedNamespaces")?.map((v, i) => string(["excludedNamespaces", i], v)) ?? config.excludedNamespaces;
  if (value.optOutAnnotation !== undefined)
    config.optOutAnnotation = string(["optOutAnnotation"], value.optOutAnnotation);
  if (value.annotationPrefix !== undefined) {
    config.annotationPrefix = string(["annotationPrefix"], value.annotationPrefix);
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(config.annotationPrefix))
      fail(["annotationPrefix"], "must be a DNS subdomain such as imagepin.io");
  }
  const oneOf = <T extends string>(path: (string | number)[], v: unknown, allowed: readonly T[]): T => {
    if (typeof v !== "string" || !allowed.includes(v as T)) return fail(path, `must be one of ${allowed.join(", ")}`);
    return v as T;
  };
  if (value.defaultFailurePolicy !== undefined)
    config.defaultFailurePolicy = oneOf(["defaultFailurePolicy"], value.defaultFailurePolicy, policies);
  if (value.onFailure !== undefined)
    config.onFailure = oneOf(["onFailure"], value.onFailure, ["allow", "deny"] as const);
  config.failurePolicies =
    list("failurePolicies")?.map((v, i): FailurePolicyRule => {
      const path = ["failurePolicies", i];
      if (typeof v !== "object" || v === null || Array.isArray(v))
        return fail(path, "must be a mapping with registry or match, and policy");
      const rule = v as Record<string, unknown>;
      for (const key of Object.keys(rule))
        if (!["registry", "match", "policy"].includes(key))
          fail([...path, key], "unknown key; use registry, match and policy");
      if (rule.registry === undefined && rule.match === undefined) fail(path, "needs registry or match");
      return {
        ...(rule.registry !== undefined ? { registry: string([...path, "registry"], rule.registry) } : {}),
        ...(rule.match !== undefined ? { match: regex([...path, "match"], rule.match) } : {}),
        policy: oneOf([...path, "policy"], rule.policy, policies),
      };
    }) ?? [];
  config.mutateWorkloads = bool("mutateWorkloads") ?? config.mutateWorkloads;
  config.pullSecrets = bool("pullSecrets") ?? config.pullSecrets;
  config.events = bool("events") ?? config.events;
  if (value.platform !== undefined) {
    const text = string(["platform"], value.platform);
    // Normalized as everywhere else (linux/arm64 is linux/arm64/v8), so store and cache keys agree.
    try {
      config.platform = parsePlatform(text);
    } catch {
      fail(["platform"], "must be os/architecture[/variant], such as linux/amd64");
    }
  }
  if (value.credentialProviderConfig !== undefined)
    config.credentialProviderConfig = string(["credentialProviderConfig"], value.credentialProviderConfig);
  if (value.credentialProviderBinDir !== undefined)
    config.credentialProviderBinDir = string(["credentialProviderBinDir"], value.credentialProviderBinDir);
  if ((config.credentialProviderConfig === undefined) !== (config.credentialProviderBinDir === undefined)) {
    fail(
      [config.credentialProviderConfig === undefined ? "credentialProviderBinDir" : "credentialProviderConfig"],
      "credentialProviderConfig and credentialProviderBinDir are given together",
    );
  }
  return config;
}
