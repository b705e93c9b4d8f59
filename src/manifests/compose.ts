import type { Node } from "yaml";
import type { ImageCollector } from "./collector.js";
import { childMap, isScalar, rawChild, resolveNode, type YamlContext } from "./yaml-nodes.js";

/** Docker Compose: every `services.NAME.image`. Services with only `build:` have nothing to pin. */
export function scanCompose(context: YamlContext, root: Node, collector: ImageCollector): void {
  const services = childMap(context, root, "services");
  for (const pair of services?.items ?? []) {
    const key = resolveNode(context, pair.key);
    const name = isScalar(key) ? String(key.value) : undefined;
    collector.addScalar(context, { format: "compose", kind: "ComposeService", name, ignored: [] }, rawChild(context, pair.value, "image"));
  }
}

/** True when a document without `kind` looks like a Compose file (a `services` map). */
export function looksLikeCompose(context: YamlContext, root: Node): boolean {
  return childMap(context, root, "services") !== undefined;
}
