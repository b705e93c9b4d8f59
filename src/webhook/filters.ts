import type { ImageReference } from "../reference/index.js";
import type { FailurePolicy, WebhookConfig } from "./config.js";

/**
 * True when the webhook should resolve this reference: it matches an `include` pattern (or there are
 * none) and no `exclude` pattern. Patterns see the full normalized reference
 * (`docker.io/library/nginx:latest`).
 */
export function isIncluded(config: WebhookConfig, reference: ImageReference): boolean {
  const text = reference.normalized;
  if (config.include.length > 0 && !config.include.some((pattern) => pattern.test(text))) return false;
  return !config.exclude.some((pattern) => pattern.test(text));
}

/** The failure policy for a reference: the first rule whose registry or pattern matches, else the default. */
export function failurePolicyFor(config: WebhookConfig, reference: ImageReference): FailurePolicy {
  for (const rule of config.failurePolicies) {
    if (rule.registry !== undefined && rule.registry !== reference.domain) continue;
    if (rule.match !== undefined && !rule.match.test(reference.normalized)) continue;
    return rule.policy;
  }
  return config.defaultFailurePolicy;
}

/** The image string with the digest added, keeping what was written: `nginx:1.25` → `nginx:1.25@sha256:…`; no tag gets `:latest`. */
export function pinnedImage(written: string, reference: ImageReference, digest: string): string {
  return `${written}${reference.tag === undefined ? ":latest" : ""}@${digest}`;
}
