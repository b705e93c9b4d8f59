// The webhook config's settings as a table: each key, how its value is read and where it goes. The
// parser walks the table, so the known keys are listed once, here; the defaults are defaultWebhookConfig's.
import { parsePlatform } from "../reference/index.js";
import type { FailurePolicy, FailurePolicyRule, WebhookConfig } from "./config.js";

/** A place in the config document: keys and list indexes. */
export type SettingPath = (string | number)[];

/** Reads values at a path, failing with `invalid-config` at the value's line and column. */
export interface SettingReader {
  fail(path: SettingPath, message: string): never;
  string(path: SettingPath, value: unknown): string;
  number(path: SettingPath, value: unknown, min: number, max: number): number;
  boolean(path: SettingPath, value: unknown): boolean;
  regex(path: SettingPath, value: unknown): RegExp;
  list(path: SettingPath, value: unknown): unknown[];
  oneOf<T extends string>(path: SettingPath, value: unknown, allowed: readonly T[]): T;
}

/** One setting: its key and how a present value is applied to the config. */
export interface Setting {
  key: string;
  apply(config: WebhookConfig, value: unknown, read: SettingReader): void;
}

const policies: FailurePolicy[] = ["fallback", "allow", "deny"];
const seconds = (key: string, min: number, max: number) => (value: unknown, read: SettingReader) =>
  read.number([key], value, min, max) * 1000;

/** Every setting of the config file, in the order the docs list them. */
export const webhookSettings: Setting[] = [
  {
    key: "deadlineSeconds",
    apply: (c, v, r) => (c.deadlineMs = Math.round(seconds("deadlineSeconds", 0.1, 14)(v, r))),
  },
  {
    key: "include",
    apply: (c, v, r) => (c.include = r.list(["include"], v).map((p, i) => r.regex(["include", i], p))),
  },
  {
    key: "exclude",
    apply: (c, v, r) => (c.exclude = r.list(["exclude"], v).map((p, i) => r.regex(["exclude", i], p))),
  },
  {
    key: "excludedNamespaces",
    apply: (c, v, r) =>
      (c.excludedNamespaces = r.list(["excludedNamespaces"], v).map((n, i) => r.string(["excludedNamespaces", i], n))),
  },
  { key: "optOutAnnotation", apply: (c, v, r) => (c.optOutAnnotation = r.string(["optOutAnnotation"], v)) },
  {
    key: "annotationPrefix",
    apply: (c, v, r) => {
      c.annotationPrefix = r.string(["annotationPrefix"], v);
      if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(c.annotationPrefix))
        r.fail(["annotationPrefix"], "must be a DNS subdomain such as imagepin.io");
    },
  },
  {
    key: "defaultFailurePolicy",
    apply: (c, v, r) => (c.defaultFailurePolicy = r.oneOf(["defaultFailurePolicy"], v, policies)),
  },
  {
    key: "failurePolicies",
    apply: (c, v, r) =>
      (c.failurePolicies = r.list(["failurePolicies"], v).map((rule, i) => failurePolicyRule(rule, i, r))),
  },
  { key: "onFailure", apply: (c, v, r) => (c.onFailure = r.oneOf(["onFailure"], v, ["allow", "deny"] as const)) },
  { key: "mutateWorkloads", apply: (c, v, r) => (c.mutateWorkloads = r.boolean(["mutateWorkloads"], v)) },
  { key: "pullSecrets", apply: (c, v, r) => (c.pullSecrets = r.boolean(["pullSecrets"], v)) },
  { key: "events", apply: (c, v, r) => (c.events = r.boolean(["events"], v)) },
  {
    key: "platform",
    apply: (c, v, r) => {
      const text = r.string(["platform"], v);
      // Normalized as everywhere else (linux/arm64 is linux/arm64/v8), so store and cache keys agree.
      try {
        c.platform = parsePlatform(text);
      } catch {
        r.fail(["platform"], "must be os/architecture[/variant], such as linux/amd64");
      }
    },
  },
  {
    key: "maxBodyBytes",
    apply: (c, v, r) => (c.maxBodyBytes = Math.floor(r.number(["maxBodyBytes"], v, 1024, 64 * 1024 * 1024))),
  },
  {
    key: "cacheTtlSeconds",
    apply: (c, v, r) => (c.cacheTtlMs = Math.round(seconds("cacheTtlSeconds", 0, 3600)(v, r))),
  },
  {
    key: "credentialProviderConfig",
    apply: (c, v, r) => (c.credentialProviderConfig = r.string(["credentialProviderConfig"], v)),
  },
  {
    key: "credentialProviderBinDir",
    apply: (c, v, r) => (c.credentialProviderBinDir = r.string(["credentialProviderBinDir"], v)),
  },
];

function failurePolicyRule(value: unknown, index: number, read: SettingReader): FailurePolicyRule {
  const path = ["failurePolicies", index];
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return read.fail(path, "must be a mapping with registry or match, and policy");
  const rule = value as Record<string, unknown>;
  for (const key of Object.keys(rule))
    if (!["registry", "match", "policy"].includes(key))
      read.fail([...path, key], "unknown key; use registry, match and policy");
  if (rule.registry === undefined && rule.match === undefined) read.fail(path, "needs registry or match");
  return {
    ...(rule.registry !== undefined ? { registry: read.string([...path, "registry"], rule.registry) } : {}),
    ...(rule.match !== undefined ? { match: read.regex([...path, "match"], rule.match) } : {}),
    policy: read.oneOf([...path, "policy"], rule.policy, policies),
  };
}
