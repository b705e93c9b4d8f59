import type { Node } from "yaml";
import type { ImageCollector } from "./collector.js";
import { composeLookup, expand, isUnknown, parseInterpolation } from "./interpolation.js";
import type { FoundImage } from "./types.js";
import { child, childMap, childString, isScalar, rawChild, resolveNode, type YamlContext } from "./yaml-nodes.js";

// Compose's pull_policy in the words of imagePullPolicy, so one pull-policy rule covers both;
// `missing` (the default when absent) and `if_not_present` behave as IfNotPresent.
const pullPolicies: Record<string, string> = {
  always: "Always",
  missing: "IfNotPresent",
  if_not_present: "IfNotPresent",
  never: "Never",
};

/**
 * Docker Compose: every `services.NAME.image`. A service with `build:` is left out: its `image:` names
 * what the build produces (often a tag that exists nowhere yet), not something to pull and pin.
 */
export function scanCompose(context: YamlContext, root: Node, collector: ImageCollector): void {
  const services = childMap(context, root, "services");
  for (const pair of services?.items ?? []) {
    const key = resolveNode(context, pair.key);
    const name = isScalar(key) ? String(key.value) : undefined;
    if (child(context, pair.value, "build") !== undefined) continue;
    const policy = childString(context, pair.value, "pull_policy");
    const pullPolicy = policy === undefined ? undefined : pullPolicies[policy];
    const added = collector.images.length;
    collector.addScalar(
      context,
      { format: "compose", kind: "ComposeService", name, ignored: [] },
      rawChild(context, pair.value, "image"),
      pullPolicy ? { pullPolicy } : {},
    );
    const image = collector.images[added];
    if (image && image.invalid === undefined && image.image.includes("$")) Object.assign(image, interpolated(image));
  }
}

/**
 * Compose interpolation in an image (`nginx:${TAG:-1.25}`): defaults are substituted, `$$` is a `$`.
 * The environment and `.env` are not read, so the image is the one the file itself names; it is
 * pinned on the structure of the value as written (see written-image.ts). A variable without a
 * default leaves the image unknown until Compose runs (`fromVariable`), and it is not rewritten.
 */
function interpolated(image: FoundImage): Partial<FoundImage> {
  const parts = parseInterpolation(image.image, "compose");
  const expansion = expand(image.image, parts, composeLookup);
  if (isUnknown(expansion)) {
    const named = expansion.variables.join(", ");
    return {
      slot: undefined,
      fromVariable: `the image comes from ${named} with no default, so it is known only when Compose runs; give it one (\${VAR:-image}) to lint and pin it`,
    };
  }
  return { image: expansion.text, written: image.image, expansion };
}

/** True when a document without `kind` looks like a Compose file (a `services` map). */
export function looksLikeCompose(context: YamlContext, root: Node): boolean {
  return childMap(context, root, "services") !== undefined;
}
