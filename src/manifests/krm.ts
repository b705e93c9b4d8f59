import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  parseDocument,
  stringify,
  type Document,
  type Node,
} from "yaml";
import { ImagepinError } from "../errors.js";
import { parsePlatform, type Platform } from "../reference/index.js";
import { pinFiles, type PinnedFile, type PinOptions } from "./pin.js";
import type { FoundImage } from "./types.js";
import { scanDocuments, yamlErrorOffset } from "./yaml-scan.js";

/** What a KRM `functionConfig` can set: the `krm` flags of the same meaning. */
export interface KrmSettings {
  keepTag?: boolean;
  /** `os/arch[/variant]`, as `--platform` takes it. */
  platform?: string;
}

/** One entry of a ResourceList's `results`, as the KRM functions specification defines it. */
export interface KrmResult {
  message: string;
  severity: "error" | "warning" | "info";
  resourceRef?: { apiVersion?: string; kind: string; name?: string; namespace?: string };
  /** The image field inside the item, as a path (`spec.template.spec.containers[1].image`). */
  field?: { path: string };
  file?: { path: string; index?: number };
}

/**
 * The settings of a `functionConfig`: a ConfigMap's `data` (what `kpt fn eval -- keepTag=false` makes)
 * or any other kind's `spec` (`kind: PinConfig`), with keys `keepTag` and `platform`. None when absent.
 * @throws ImagepinError `invalid-config` for an unknown key or a value of the wrong type.
 */
export function krmSettings(functionConfig: unknown): KrmSettings {
  if (functionConfig === null || typeof functionConfig !== "object") return {};
  const config = functionConfig as Record<string, unknown>;
  const source = config.kind === "ConfigMap" ? config.data : config.spec;
  if (source === undefined || source === null) return {};
  if (typeof source !== "object" || Array.isArray(source))
    throw new ImagepinError("invalid-config", "functionConfig: data or spec must be a map");
  const settings: KrmSettings = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === "keepTag" && (typeof value === "boolean" || value === "true" || value === "false"))
      settings.keepTag = value === true || value === "true";
    else if (key === "platform" && typeof value === "string") settings.platform = value;
    else
      throw new ImagepinError(
        "invalid-config",
        `functionConfig: ${key}: ${JSON.stringify(value)} is not a setting (keepTag: true|false, platform: os/arch[/variant])`,
      );
  }
  return settings;
}

/** An item of the ResourceList: where it is in the text, and what a result says about it. */
interface ItemInfo {
  start: number;
  end: number;
  resourceRef: NonNullable<KrmResult["resourceRef"]>;
  file?: KrmResult["file"];
  /** The path inside the item of each scalar, by its offset in the text. */
  fields: Map<number, string>;
}

/**
 * The results of pinning a ResourceList: one per image pinned (info), failed (error) or left alone
 * (warning), each with the item's `resourceRef` (apiVersion, kind, name, namespace) and, where the
 * item's annotations say it, the `file` (path and index) it came from; malformed input as errors.
 */
export function krmResults(pinned: PinnedFile): KrmResult[] {
  return resultsFor(pinned, itemsOf(parseDocument(pinned.file.text, { prettyErrors: false })));
}

function resultsFor(pinned: PinnedFile, items: ItemInfo[]): KrmResult[] {
  const lineStarts = [0];
  for (let at = pinned.file.text.indexOf("\n"); at !== -1; at = pinned.file.text.indexOf("\n", at + 1))
    lineStarts.push(at + 1);
  const about = (image: FoundImage) => {
    const offset = (lineStarts[image.line - 1] ?? 0) + image.column - 1;
    const item = items.find((candidate) => candidate.start <= offset && offset < candidate.end);
    if (!item)
      return {
        resourceRef: {
          kind: image.kind,
          ...(image.name ? { name: image.name } : {}),
          ...(image.namespace ? { namespace: image.namespace } : {}),
        },
      };
    const field = image.slot?.kind === "replace" ? item.fields.get(image.slot.start) : undefined;
    // Copies, not shared objects: two results about one item must not come out as a YAML anchor and alias.
    return {
      resourceRef: { ...item.resourceRef },
      ...(field ? { field: { path: field } } : {}),
      ...(item.file ? { file: { ...item.file } } : {}),
    };
  };
  const container = (image: FoundImage) => (image.container ? ` (container ${image.container})` : "");
  const results: KrmResult[] = [];
  // A failed image leaves every item as it came: the others resolved, but saying "pinned" would be untrue.
  const pinnedMessage = (from: string, to: string) =>
    pinned.failed ? `resolved ${from} to ${to}, left unpinned because another image failed` : `pinned ${from} to ${to}`;
  for (const { image, from, to } of pinned.changes)
    results.push({ message: `${pinnedMessage(from, to)}${container(image)}`, severity: "info", ...about(image) });
  for (const { image, message } of pinned.failures)
    results.push({
      message: `cannot pin ${image.image}${container(image)}: ${message}`,
      severity: "error",
      ...about(image),
    });
  for (const { image, reason } of pinned.skipped)
    results.push({
      message: `${image.image} not pinned${container(image)}: ${reason}`,
      severity: "warning",
      ...about(image),
    });
  for (const problem of pinned.file.problems)
    results.push({ message: `${problem.line}:${problem.column}: ${problem.message}`, severity: "error" });
  return results;
}

function itemsOf(document: Document): ItemInfo[] {
  const items = isMap(document.contents) ? document.contents.get("items", true) : undefined;
  if (!isSeq(items)) return [];
  return items.items.flatMap((node) => {
    const item = node as Node;
    if (!isMap(item) || !item.range) return [];
    const value = item.toJSON() as {
      apiVersion?: unknown;
      kind?: unknown;
      metadata?: { name?: unknown; namespace?: unknown; annotations?: Record<string, unknown> };
    };
    const text = (field: unknown) => (typeof field === "string" ? field : undefined);
    const annotations = value.metadata?.annotations ?? {};
    // kustomize and kpt set the internal.* names; older versions set the plain ones.
    const path =
      text(annotations["internal.config.kubernetes.io/path"]) ?? text(annotations["config.kubernetes.io/path"]);
    const index =
      text(annotations["internal.config.kubernetes.io/index"]) ?? text(annotations["config.kubernetes.io/index"]);
    const resourceRef = {
      ...(text(value.apiVersion) ? { apiVersion: text(value.apiVersion) } : {}),
      kind: text(value.kind) ?? "",
      ...(text(value.metadata?.name) ? { name: text(value.metadata?.name) } : {}),
      ...(text(value.metadata?.namespace) ? { namespace: text(value.metadata?.namespace) } : {}),
    };
    const file = path
      ? { path, ...(index !== undefined && /^\d+$/.test(index) ? { index: Number(index) } : {}) }
      : undefined;
    return [{ start: item.range[0], end: item.range[2], resourceRef, file, fields: scalarPaths(item) }];
  });
}

/** The dotted path (`spec.containers[0].image`) of every scalar value under `node`, by its offset. */
function scalarPaths(node: unknown, prefix = "", paths = new Map<number, string>()): Map<number, string> {
  if (isScalar(node) && node.range) paths.set(node.range[0], prefix);
  else if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key !== undefined) scalarPaths(pair.value, prefix === "" ? key : `${prefix}.${key}`, paths);
    }
  } else if (isSeq(node)) node.items.forEach((child, index) => scalarPaths(child, `${prefix}[${index}]`, paths));
  return paths;
}

/** Options of {@link pinResourceList}: those of `pinFiles`, where keepTag and platform win over the functionConfig's. */
export interface ResourceListOptions extends Omit<PinOptions, "keepTag" | "platform"> {
  /** Keep `name:tag` before the digest; when undefined the functionConfig's `keepTag`, else true. */
  keepTag?: boolean;
  /** The platform's manifest; when undefined the functionConfig's `platform`, else the index itself. */
  platform?: Platform;
  /** Names the input in error messages (default `standard input`). */
  source?: string;
}

/** A ResourceList pinned: its text to write out, the results it carries, and what pinning did. */
export interface PinnedResourceList {
  /** The ResourceList with the items' images pinned (all items as they came when any image failed) and the results appended. */
  output: string;
  /** The results this run appended (input results are kept before them in `output`). */
  results: KrmResult[];
  pinned: PinnedFile;
  /** The functionConfig's settings, as read. */
  settings: KrmSettings;
}

/**
 * Pins the images of a KRM ResourceList's items, as a KRM function does: the text is parsed once, for
 * the functionConfig, the images, where each item is, and the output. Results are appended to any the
 * input carries; a failed image leaves every item as it came, so the output is never half pinned.
 * @throws ImagepinError `invalid-resource-list` for malformed YAML (at its line) or a text that is not a
 * ResourceList, `invalid-config` for a functionConfig that sets something unknown or a malformed platform.
 */
export async function pinResourceList(text: string, options: ResourceListOptions): Promise<PinnedResourceList> {
  const source = options.source ?? "standard input";
  const lines = new LineCounter();
  // Duplicate keys are refused here, as a KRM orchestrator's own parser refuses them.
  const parsed = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  const documents = Array.isArray(parsed) ? parsed : [];
  for (const document of documents) {
    // Say where the YAML breaks: "not a ResourceList" alone sends people looking at the wrong thing.
    const syntax = document.errors[0];
    if (syntax)
      throw new ImagepinError(
        "invalid-resource-list",
        `${source}: malformed YAML at line ${lines.linePos(yamlErrorOffset(document, syntax)).line}: ${syntax.message.split("\n")[0]}`,
      );
  }
  const document = documents[0];
  if (documents.length !== 1 || !document || !isMap(document.contents) || document.get("kind") !== "ResourceList") {
    throw new ImagepinError(
      "invalid-resource-list",
      `${source} is not a KRM ResourceList (kind: ResourceList with items)`,
    );
  }
  const settings = krmSettings((document.get("functionConfig", true) as { toJSON(): unknown } | undefined)?.toJSON());
  let platform = options.platform;
  if (platform === undefined && settings.platform !== undefined) {
    try {
      platform = parsePlatform(settings.platform);
    } catch (error) {
      throw new ImagepinError("invalid-config", `functionConfig: platform: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const items = itemsOf(document);
  const file = scanDocuments("stdin", text, [document], lines);
  const [pinned] = (await pinFiles([file], {
    ...options,
    keepTag: options.keepTag ?? settings.keepTag ?? true,
    platform,
  })) as [PinnedFile];
  const results = resultsFor(pinned, items);
  return { output: withResults(document, text, pinned.output, results), results, pinned, settings };
}

/**
 * The pinned text with `results` written in: the items stay byte for byte as the orchestrator sent them
 * (only image values changed, comments where they were), since re-emitting the whole ResourceList moves
 * an item's leading comment and kpt then writes it twice on the next run (issue 12). The results the
 * input carried are kept before this run's; they are emitted without anchors or aliases, which kpt refuses.
 */
function withResults(document: Document.Parsed, text: string, pinnedText: string, results: KrmResult[]): string {
  const root = document.contents as unknown as { items: unknown[] };
  const pair = root.items.find(
    (candidate) => isPair(candidate) && isScalar(candidate.key) && candidate.key.value === "results",
  );
  const previous = isPair(pair) ? (pair.value as { toJSON?(): unknown } | null)?.toJSON?.() : undefined;
  const emitted = stringify(
    { results: [...(Array.isArray(previous) ? previous : []), ...results] },
    { aliasDuplicateObjects: false, lineWidth: 0, indentSeq: false },
  );
  const keyRange = isPair(pair) && isScalar(pair.key) ? pair.key.range : undefined;
  if (!keyRange) return `${pinnedText}${pinnedText === "" || pinnedText.endsWith("\n") ? "" : "\n"}${emitted}`;
  const valueEnd = (pair as { value?: { range?: [number, number, number] } | null }).value?.range?.[1] ?? keyRange[1];
  // Only items change, so the results key moved by the whole change in length when it comes after them.
  const itemsStart = (document.get("items", true) as Node | undefined)?.range?.[0] ?? 0;
  const shift = keyRange[0] > itemsStart ? pinnedText.length - text.length : 0;
  const replaced = text.slice(keyRange[0], valueEnd);
  const block = replaced.endsWith("\n") ? emitted : emitted.replace(/\n$/, "");
  return pinnedText.slice(0, keyRange[0] + shift) + block + pinnedText.slice(valueEnd + shift);
}
