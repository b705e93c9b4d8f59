import type { Node } from "yaml";
import type { ImageCollector } from "./collector.js";
import { childMap, childString, isScalar, rawChild, resolveNode, type YamlContext } from "./yaml-nodes.js";

// Compose's pull_policy in the words of imagePullPolicy, so one pull-policy rule covers both;
// `missing` (the default when absent) and `if_not_present` behave as IfNotPresent.
const pullPolicies: Record<string, string> = { always: "Always", missing: "IfNotPresent", if_not_present: "IfNotPresent", never: "Never" };

/** Docker Compose: every `services.NAME.image`. Services with only `build:` have nothing to pin. */
export function scanCompose(context: YamlContext, root: Node, collector: ImageCollector): void {
  const services = childMap(context, root, "services");
  for (const pair of services?.items ?? []) {
    const key = resolveNode(context, pair.key);
    const name = isScalar(key) ? String(key.value) : undefined;
    const policy = childString(context, pair.value, "pull_policy");
    const pullPolicy = policy === undefined ? undefined : pullPolicies[policy];
    collector.addScalar(context, { format: "compose", kind: "ComposeService", name, ignored: [] }, rawChild(context, pair.value, "image"), pullPolicy ? { pullPolicy } : {});
  }
}

/** True when a document without `kind` looks like a Compose file (a `services` map). */
export function looksLikeCompose(context: YamlContext, root: Node): boolean {
  return childMap(context, root, "services") !== undefined;
}
