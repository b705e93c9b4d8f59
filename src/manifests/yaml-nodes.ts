import {
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  visit,
  type Alias,
  type Document,
  type LineCounter,
  type Node,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import type { ImageSlot, PlainContext, ScalarStyle } from "./types.js";

/** A parsed YAML document with what position lookups need. */
export interface YamlContext {
  document: Document.Parsed;
  lines: LineCounter;
}

/** Follows an alias to the node it names, so `image: *web` is read (and rewritten) at its anchor. */
export function resolveNode(context: YamlContext, node: unknown): Node | undefined {
  if (isAlias(node)) return anchorIndex(context.document).resolve(node);
  return (node ?? undefined) as Node | undefined;
}

/**
 * The anchors and aliases of a document in document order, found in one walk. yaml's own
 * `Alias.resolve` walks the whole document for every alias, so a Pod of thousands of `image: *a`
 * took time in the square of its size (issue 18); this answers each in logarithmic time, with the same
 * rule: the last node with that anchor before the alias.
 */
class AnchorIndex {
  private readonly order = new Map<Alias, number>();
  private readonly anchored = new Map<string, { at: number; node: Node }[]>();

  constructor(document: Document.Parsed) {
    let at = 0;
    visit(document, {
      Node: (_key, node) => {
        if (isAlias(node)) this.order.set(node, at++);
        else if (node.anchor) {
          const list = this.anchored.get(node.anchor) ?? [];
          list.push({ at: at++, node });
          this.anchored.set(node.anchor, list);
        }
      },
    });
  }

  resolve(alias: Alias): Node | undefined {
    const at = this.order.get(alias);
    const candidates = this.anchored.get(alias.source);
    if (at === undefined || !candidates) return undefined;
    let low = 0;
    let high = candidates.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (candidates[middle]!.at < at) low = middle + 1;
      else high = middle;
    }
    return low > 0 ? candidates[low - 1]!.node : undefined;
  }
}

const anchorIndexes = new WeakMap<Document.Parsed, AnchorIndex>();

function anchorIndex(document: Document.Parsed): AnchorIndex {
  let index = anchorIndexes.get(document);
  if (!index) anchorIndexes.set(document, (index = new AnchorIndex(document)));
  return index;
}

/** The value under `key` in a map (or merged into it with `<<`), aliases followed. */
export function child(context: YamlContext, node: unknown, key: string): Node | undefined {
  return resolveNode(context, rawChild(context, node, key));
}

/** The value under `key` as written: an alias stays an alias (its position is where it is used). */
export function rawChild(context: YamlContext, node: unknown, key: string): unknown {
  const resolved = resolveNode(context, node);
  return isMap(resolved) ? lookup(context, resolved, key, 0) : undefined;
}

/**
 * A map's own `key`, else the first map merged in with `<<: *base` or `<<: [*a, *b]` that has it: the
 * YAML 1.1 merge key, which Compose files use to share `image:` between services (`x-base: &base`).
 * The depth bound stops a map merged into itself.
 */
function lookup(context: YamlContext, map: YAMLMap, key: string, depth: number): unknown {
  if (map.has(key) || depth > 16) return map.get(key, true);
  const merge = resolveNode(context, map.get("<<", true));
  const sources = isSeq(merge) ? (merge as YAMLSeq).items : [merge];
  for (const source of sources) {
    const base = resolveNode(context, source);
    const found = isMap(base) ? lookup(context, base, key, depth + 1) : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The map under `key`, or undefined. */
export function childMap(context: YamlContext, node: unknown, key: string): YAMLMap | undefined {
  const value = child(context, node, key);
  return isMap(value) ? value : undefined;
}

/** The items of the list under `key` (aliases followed), or none. */
export function childItems(context: YamlContext, node: unknown, key: string): Node[] {
  const value = child(context, node, key);
  return isSeq(value)
    ? (value as YAMLSeq).items
        .map((item) => resolveNode(context, item))
        .filter((item): item is Node => item !== undefined)
    : [];
}

/**
 * The value under `key` as text, or undefined when absent or not a scalar. A plain number is taken as
 * written: `newTag: 1.10` names the tag 1.10, not 1.1.
 */
export function childString(context: YamlContext, node: unknown, key: string): string | undefined {
  const value = child(context, node, key);
  if (!isScalar(value) || value.value === null || value.value === undefined) return undefined;
  if (typeof value.value === "string") return value.value;
  return typeof value.source === "string" ? value.source : String(value.value);
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

/** Where a scalar's value can be replaced (`source` is the file text its range points into), or why it cannot. */
export function replaceSlot(
  context: YamlContext,
  scalar: Scalar,
  source: string,
): { slot?: ImageSlot; notRewritable?: string } {
  const style = styleOf(scalar);
  if (style === "plain" && scalar.range)
    return {
      slot: {
        kind: "replace",
        start: scalar.range[0],
        end: scalar.range[1],
        style,
        yaml: plainContext(context, scalar.range[0]),
      },
    };
  if (style && scalar.range) return { slot: { kind: "replace", start: scalar.range[0], end: scalar.range[1], style } };
  const line = blockScalarLine(scalar, source);
  if (line) return { slot: { kind: "replace", ...line, style: "raw" } };
  return { notRewritable: "the image is a block scalar (| or >) over several lines; write it on one line to pin it" };
}

/**
 * The one content line of a block scalar (`image: >-` then `nginx:1.25`): a reference has no spaces,
 * so that line's text is the value and can be replaced as is, keeping the header and indentation.
 */
function blockScalarLine(scalar: Scalar, source: string): { start: number; end: number } | undefined {
  if (typeof scalar.value !== "string" || !scalar.range) return undefined;
  const value = scalar.value.endsWith("\n") ? scalar.value.slice(0, -1) : scalar.value;
  if (value === "" || /\s/.test(value)) return undefined;
  const bodyStart = source.indexOf("\n", scalar.range[0]) + 1;
  if (bodyStart === 0) return undefined;
  const body = source.slice(bodyStart, scalar.range[1]);
  const at = body.indexOf(value);
  if (at === -1 || body.indexOf(value, at + 1) !== -1) return undefined;
  return { start: bodyStart + at, end: bodyStart + at + value.length };
}

/** What one document tells about its scalars: the ranges of its flow collections and the quote it uses most. */
interface DocumentStyle {
  flowRanges: [number, number][];
  quote: "single" | "double";
}

const documentStyles = new WeakMap<Document, DocumentStyle>();

/**
 * Whether a plain scalar at `offset` is inside a flow collection, and the file's own quote (the one its
 * quoted scalars use most; double when tied or none): read once per document, on the first plain image.
 */
function plainContext(context: YamlContext, offset: number): PlainContext {
  let style = documentStyles.get(context.document);
  if (!style) {
    const found: DocumentStyle = { flowRanges: [], quote: "double" };
    let single = 0;
    let double = 0;
    visit(context.document, {
      Node(_key, node) {
        if (isCollection(node) && node.flow && node.range) found.flowRanges.push([node.range[0], node.range[1]]);
        if (isScalar(node) && node.type === "QUOTE_SINGLE") single++;
        if (isScalar(node) && node.type === "QUOTE_DOUBLE") double++;
      },
    });
    found.quote = single > double ? "single" : "double";
    documentStyles.set(context.document, found);
    style = found;
  }
  return { flow: style.flowRanges.some(([start, end]) => start < offset && offset < end), quote: style.quote };
}

export { isMap, isScalar, isSeq };
