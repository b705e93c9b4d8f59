import { LineCounter, parseDocument } from "yaml";
import { ImagepinError } from "../errors.js";
import type { SourceLocation } from "../errors.js";
import type { Platform } from "../reference/index.js";
import { webhookSettings, type SettingPath, type SettingReader } from "./config-settings.js";

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
  const first = doc.errors[0];
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    throw new ImagepinError("invalid-config", `not valid YAML: ${first.message.split("\n")[0]}`, {
      location: { file, line: pos.line, column: pos.col },
    });
  }
  const read = settingReader((path) => {
    const node =
      path.length > 0 ? (doc.getIn(path, true) as { range?: [number, number, number] } | undefined) : undefined;
    const pos = node?.range ? lineCounter.linePos(node.range[0]) : undefined;
    return pos ? { file, line: pos.line, column: pos.col } : { file };
  });
  const raw: unknown = doc.toJS();
  const config = defaultWebhookConfig();
  if (raw === null || raw === undefined) return config;
  if (typeof raw !== "object" || Array.isArray(raw)) return read.fail([], "the config must be a mapping of settings");
  const value = raw as Record<string, unknown>;
  const known = webhookSettings.map((setting) => setting.key);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) read.fail([key], `unknown setting; known settings are ${known.join(", ")}`);
  }
  for (const setting of webhookSettings) {
    if (value[setting.key] !== undefined) setting.apply(config, value[setting.key], read);
  }
  if ((config.credentialProviderConfig === undefined) !== (config.credentialProviderBinDir === undefined)) {
    read.fail(
      [config.credentialProviderConfig === undefined ? "credentialProviderBinDir" : "credentialProviderConfig"],
      "credentialProviderConfig and credentialProviderBinDir are given together",
    );
  }
  return config;
}

/** The readers of setting values, failing with `invalid-config` at the place `locate` gives for a path. */
function settingReader(locate: (path: SettingPath) => SourceLocation): SettingReader {
  const fail = (path: SettingPath, message: string): never => {
    const key = path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
    throw new ImagepinError("invalid-config", `${key ? `${key}: ` : ""}${message}`, { location: locate(path) });
  };
  const string = (path: SettingPath, v: unknown): string =>
    typeof v === "string" && v !== "" ? v : fail(path, "must be a non-empty string");
  return {
    fail,
    string,
    number: (path, v, min, max) =>
      typeof v === "number" && Number.isFinite(v) && v >= min && v <= max
        ? v
        : fail(path, `must be a number from ${min} to ${max}`),
    boolean: (path, v) => (typeof v === "boolean" ? v : fail(path, "must be true or false")),
    regex: (path, v) => {
      const source = string(path, v);
      try {
        return new RegExp(source);
      } catch (error) {
        return fail(path, `invalid regular expression: ${(error as Error).message}`);
      }
    },
    list: (path, v) => (Array.isArray(v) ? v : fail(path, "must be a list")),
    oneOf: <T extends string>(path: SettingPath, v: unknown, allowed: readonly T[]): T =>
      typeof v === "string" && allowed.includes(v as T) ? (v as T) : fail(path, `must be one of ${allowed.join(", ")}`),
  };
}
