import { isMap, isScalar, type Node, type Scalar, type YAMLMap } from "yaml";
import type { ImageCollector, ObjectInfo } from "./collector.js";
import type { KustomizeEntrySlot } from "./types.js";
import { child, childItems, childString, resolveNode, styleOf, type YamlContext } from "./yaml-nodes.js";

/**
 * Kustomize `images:` entries. The image they stand for is `newName` (or `name`) with `newTag` and
 * `digest`; pinning adds (or replaces) `digest:` in the entry, which is how Kustomize pins.
 */
export function scanKustomization(
  context: YamlContext,
  root: Node,
  collector: ImageCollector,
  object: ObjectInfo,
): void {
  for (const entry of childItems(context, root, "images")) {
    if (!isMap(entry)) continue;
    const name = childString(context, entry, "newName") ?? childString(context, entry, "name");
    const at = resolveNode(context, child(context, entry, "name")) ?? entry;
    const tag = childString(context, entry, "newTag");
    const digest = childString(context, entry, "digest");
    // An entry with neither newTag nor digest only renames: the tag comes from the resources, so
    // resolving `newName` alone would pin :latest under their tag.
    if (name === undefined || (tag === undefined && digest === undefined)) continue;
    const image = name + (tag !== undefined ? `:${tag}` : "") + (digest !== undefined ? `@${digest}` : "");
    collector.addComposed(context, object, at, image, {
      container: childString(context, entry, "name"),
      slot: { kind: "kustomize-digest", entry: entrySlot(context, entry, collector.source) },
    });
  }
}

function entrySlot(context: YamlContext, entry: YAMLMap, source: string): KustomizeEntrySlot {
  const digestNode = resolveNode(context, child(context, entry, "digest"));
  const existing =
    isScalar(digestNode) && digestNode.range && styleOf(digestNode as Scalar)
      ? { start: digestNode.range[0], end: digestNode.range[1], style: styleOf(digestNode as Scalar)! }
      : undefined;
  const tagPair = entry.items.find((pair) => isScalar(pair.key) && pair.key.value === "newTag");
  const tagStart = (tagPair?.key as Node | null)?.range?.[0];
  const tagEnd = (tagPair?.value as Node | null)?.range?.[1];
  const tag = tagStart !== undefined && tagEnd !== undefined ? { tagPair: { start: tagStart, end: tagEnd } } : {};
  const entryStart = entry.range?.[0] ?? 0;
  const lineStart = source.lastIndexOf("\n", entryStart - 1) + 1;
  if (entry.flow) {
    const close = source.lastIndexOf("}", (entry.range?.[1] ?? 1) - 1);
    return { insertAt: close, layout: "flow", indent: 0, eol: "", existing, ...tag };
  }
  const lastValue = entry.items
    .map((pair) => (pair.value as Node | null)?.range?.[1] ?? (pair.key as Node | null)?.range?.[1] ?? 0)
    .reduce((a, b) => Math.max(a, b), entryStart);
  const newline = source.indexOf("\n", lastValue);
  const lineEnd = newline === -1 ? source.length : source[newline - 1] === "\r" ? newline - 1 : newline;
  const eol = newline === -1 ? (source.includes("\r\n") ? "\r\n" : "\n") : source.slice(lineEnd, newline + 1);
  return { insertAt: lineEnd, layout: "block", indent: entryStart - lineStart, eol, existing, ...tag };
}
