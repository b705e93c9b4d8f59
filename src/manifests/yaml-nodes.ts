import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Scalar, type YAMLMap, type YAMLSeq } from "yaml";
import type { ImageSlot, ScalarStyle } from "./types.js";

/** A parsed YAML document with what position lookups need. */
export interface YamlContext {
  document: Document.Parsed;
  lines: LineCounter;
}

/** Follows an alias to the node it names, so `image: *web` is read (and rewritten) at its anchor. */
export function resolveNode(context: YamlContext, node: unknown): Node | undefined {
  if (isAlias(node)) return (node.resolve(context.document) as Node | undefined) ?? undefined;
  return (node ?? undefined) as Node | undefined;
}

/** The value under `key` in a map, aliases followed. */
export function child(context: YamlContext, node: unknown, key: string): Node | undefined {
  const resolved = resolveNode(context, node);
  return isMap(resolved) ? resolveNode(context, resolved.get(key, true)) : undefined;
}

/** The value under `key` as written: an alias stays an alias (its position is where it is used). */
export function rawChild(context: YamlContext, node: unknown, key: string): unknown {
  const resolved = resolveNode(context, node);
  return isMap(resolved) ? resolved.get(key, true) : undefined;
}

/** The map under `key`, or undefined. */
export function childMap(context: YamlContext, node: unknown, key: string): YAMLMap | undefined {
  const value = child(context, node, key);
  return isMap(value) ? value : undefined;
}

/** The items of the list under `key` (aliases followed), or none. */
export function childItems(context: YamlContext, node: unknown, key: string): Node[] {
  const value = child(context, node, key);
  return isSeq(value) ? (value as YAMLSeq).items.map((item) => resolveNode(context, item)).filter((item): item is Node => item !== undefined) : [];
}

/** The string value under `key`, or undefined when absent or not a string. */
export function childString(context: YamlContext, node: unknown, key: string): string | undefined {
  const value = child(context, node, key);
  if (!isScalar(value) || value.value === null || value.value === undefined) return undefined;
  return typeof value.value === "string" ? value.value : String(value.value);
}

/** 1-based line and column of a node's first character. */
export function positionOf(context: YamlContext, node: Node): { line: number; column: number } {
  const { line, col } = context.lines.linePos(node.range?.[0] ?? 0);
  return { line, column: col };
}

const styles: Record<string, ScalarStyle> = { PLAIN: "plain", QUOTE_SINGLE: "single", QUOTE_DOUBLE: "double" };

/** The style of a scalar that can be rewritten in place, or undefined for block scalars. */
export function styleOf(scalar: Scalar): ScalarStyle | undefined {
  return styles[scalar.type ?? "PLAIN"];
}

/** Where a scalar's value can be replaced, or why it cannot. */
export function replaceSlot(scalar: Scalar): { slot?: ImageSlot; notRewritable?: string } {
  const style = styleOf(scalar);
  if (!style || !scalar.range) return { notRewritable: "the image is a block scalar (| or >); write it on one line to pin it" };
  return { slot: { kind: "replace", start: scalar.range[0], end: scalar.range[1], style } };
}

export { isMap, isScalar, isSeq };
