import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { ImagepinError } from "../errors.js";
import type { PinnedFile } from "./pin.js";
import type { FoundImage } from "./types.js";

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
  if (typeof source !== "object" || Array.isArray(source)) throw new ImagepinError("invalid-config", "functionConfig: data or spec must be a map");
  const settings: KrmSettings = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === "keepTag" && (typeof value === "boolean" || value === "true" || value === "false")) settings.keepTag = value === true || value === "true";
    else if (key === "platform" && typeof value === "string") settings.platform = value;
    else throw new ImagepinError("invalid-config", `functionConfig: ${key}: ${JSON.stringify(value)} is not a setting (keepTag: true|false, platform: os/arch[/variant])`);
  }
  return settings;
}

/** An item of the ResourceList: where it is in the text, and what a result says about it. */
interface ItemInfo {
  start: number;
  end: number;
  resourceRef: NonNullable<KrmResult["resourceRef"]>;
  file?: KrmResult["file"];
}

/**
 * The results of pinning a ResourceList: one per image pinned (info), failed (error) or left alone
 * (warning), each with the item's `resourceRef` (apiVersion, kind, name, namespace) and, where the
 * item's annotations say it, the `file` (path and index) it came from; malformed input as errors.
 */
export function krmResults(pinned: PinnedFile): KrmResult[] {
  const items = itemsOf(pinned.file.text);
  const lineStarts = [0];
  for (let at = pinned.file.text.indexOf("\n"); at !== -1; at = pinned.file.text.indexOf("\n", at + 1)) lineStarts.push(at + 1);
  const about = (image: FoundImage) => {
    const offset = (lineStarts[image.line - 1] ?? 0) + image.column - 1;
    const item = items.find((candidate) => candidate.start <= offset && offset < candidate.end);
    if (!item) return { resourceRef: { kind: image.kind, ...(image.name ? { name: image.name } : {}), ...(image.namespace ? { namespace: image.namespace } : {}) } };
    return { resourceRef: item.resourceRef, ...(item.file ? { file: item.file } : {}) };
  };
  const container = (image: FoundImage) => (image.container ? ` (container ${image.container})` : "");
  const results: KrmResult[] = [];
  for (const { image, from, to } of pinned.changes) results.push({ message: `pinned ${from} to ${to}${container(image)}`, severity: "info", ...about(image) });
  for (const { image, message } of pinned.failures) results.push({ message: `cannot pin ${image.image}${container(image)}: ${message}`, severity: "error", ...about(image) });
  for (const { image, reason } of pinned.skipped) results.push({ message: `${image.image} not pinned${container(image)}: ${reason}`, severity: "warning", ...about(image) });
  for (const problem of pinned.file.problems) results.push({ message: `${problem.line}:${problem.column}: ${problem.message}`, severity: "error" });
  return results;
}

function itemsOf(text: string): ItemInfo[] {
  const document = parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: false });
  const items = isMap(document.contents) ? document.contents.get("items", true) : undefined;
  if (!isSeq(items)) return [];
  return items.items.flatMap((node) => {
    const item = node as Node;
    if (!isMap(item) || !item.range) return [];
    const value = item.toJSON() as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown; annotations?: Record<string, unknown> } };
    const text = (field: unknown) => (typeof field === "string" ? field : undefined);
    const annotations = value.metadata?.annotations ?? {};
    // kustomize and kpt set the internal.* names; older versions set the plain ones.
    const path = text(annotations["internal.config.kubernetes.io/path"]) ?? text(annotations["config.kubernetes.io/path"]);
    const index = text(annotations["internal.config.kubernetes.io/index"]) ?? text(annotations["config.kubernetes.io/index"]);
    const resourceRef = { ...(text(value.apiVersion) ? { apiVersion: text(value.apiVersion) } : {}), kind: text(value.kind) ?? "", ...(text(value.metadata?.name) ? { name: text(value.metadata?.name) } : {}), ...(text(value.metadata?.namespace) ? { namespace: text(value.metadata?.namespace) } : {}) };
    const file = path ? { path, ...(index !== undefined && /^\d+$/.test(index) ? { index: Number(index) } : {}) } : undefined;
    return [{ start: item.range[0], end: item.range[2], resourceRef, file }];
  });
}
