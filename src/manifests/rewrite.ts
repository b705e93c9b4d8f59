import type { Expansion } from "./interpolation.js";
import type { FoundImage, PlainContext, ScalarStyle } from "./types.js";
import { literalExpansion, pinWritten, replaceWrittenDigest, type WrittenPin } from "./written-image.js";

/** Replace the characters `start..end` of a text with `text` (an insertion when start equals end). */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * Applies non-overlapping edits to a text; everything outside them is kept character for character.
 * Edits of the same range (one anchored scalar reached through several aliases) are applied once.
 * @throws Error when two different edits overlap
 */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const unique = new Map<string, TextEdit>();
  for (const edit of edits) unique.set(`${edit.start}:${edit.end}:${edit.text}`, edit);
  const sorted = [...unique.values()].sort((a, b) => a.start - b.start || a.end - b.end);
  let result = "";
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at) throw new Error(`overlapping edits at offset ${edit.start}`);
    result += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return result + text.slice(at);
}

/**
 * Writes `value` as a YAML scalar in the given style, escaping as that style needs. A plain value stays
 * plain when YAML 1.2 reads the new text back as the same string in its place (block or flow, per
 * `context`; flow when unknown); otherwise it is quoted with the file's quote (`context.quote`, else double).
 */
export function formatScalar(value: string, style: ScalarStyle, context?: PlainContext): string {
  if (style === "raw") return value;
  if (style === "plain" && isPlainSafe(value, context?.flow ?? true)) return value;
  const quote = style === "plain" ? (context?.quote ?? "double") : style;
  if (quote === "single" && !/[\x00-\x1f\x7f]/.test(value)) return `'${value.replace(/'/g, "''")}'`;
  return JSON.stringify(value);
}

const indicators = new Set("-?:,[]{}#&*!|>'\"%@`");
const flowIndicators = /[,[\]{}]/;

/**
 * True when `value` can be written as a plain scalar (YAML 1.2, ns-plain) in block or flow context and
 * still reads as that string under the core schema: no leading indicator (except `-`, `?`, `:` before a
 * safe character), no `: ` or ` #`, no trailing `:`, no flow indicators inside flow collections, no
 * control characters or surrounding spaces, and not a null, boolean or number.
 */
export function isPlainSafe(value: string, flow: boolean): boolean {
  if (value === "" || /^\s|\s$|[\x00-\x1f\x7f\u0085\u2028\u2029]/.test(value)) return false;
  const first = value[0]!;
  const second = value[1];
  if (indicators.has(first)) {
    const safeNext = second !== undefined && second !== " " && !(flow && flowIndicators.test(second));
    if (!("-?:".includes(first) && safeNext)) return false;
  }
  if (value.includes(": ") || value.includes(" #") || value.endsWith(":")) return false;
  if (flow && (flowIndicators.test(value) || /:[,[\]{}]/.test(value))) return false;
  return !coreSchemaScalar.test(value);
}

// What the YAML 1.2 core schema resolves to null, a boolean, an integer or a float.
const coreSchemaScalar =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/**
 * The edit that writes a new image value (or, for a Kustomize entry, its digest) into the file.
 * Without `keepTag` a Kustomize entry's `newTag: …` pair becomes the `digest: …` pair, so Kustomize
 * writes `name@sha256:…`. Returns undefined for an image that cannot be rewritten in place.
 */
export function imageEdit(image: FoundImage, newImage: string, digest: string, keepTag = true): TextEdit | undefined {
  const slot = image.slot;
  if (!slot) return undefined;
  if (slot.kind === "replace")
    return { start: slot.start, end: slot.end, text: formatScalar(newImage, slot.style, slot.yaml) };
  const entry = slot.entry;
  if (entry.existing)
    return { start: entry.existing.start, end: entry.existing.end, text: formatScalar(digest, entry.existing.style) };
  if (!keepTag && entry.tagPair)
    return { start: entry.tagPair.start, end: entry.tagPair.end, text: `digest: ${digest}` };
  const text =
    entry.layout === "flow" ? `, digest: ${digest}` : `${entry.eol}${" ".repeat(entry.indent)}digest: ${digest}`;
  return { start: entry.insertAt, end: entry.insertAt, text };
}

/** The image value as written, parsed into parts (one literal part when it has no variables). */
export function writtenExpansion(image: FoundImage): Expansion {
  return image.expansion ?? literalExpansion(image.written ?? image.image);
}

/**
 * The image as written, pinned to `digest` (see {@link pinWritten}): `name:tag@digest` with `keepTag`
 * (`name:latest@digest` for an `untagged` image: the tag that was resolved, as the lock records it and
 * the webhook writes it, so `verify` can tell when it moves), else `name@digest` where the tag can go.
 */
export function withWrittenDigest(image: FoundImage, digest: string, keepTag = true, untagged = false): WrittenPin {
  return pinWritten(writtenExpansion(image), digest, keepTag, untagged);
}

/** The image as written with its digest replaced (verify --update); undefined when the digest is not written in it. */
export function withReplacedDigest(image: FoundImage, digest: string): string | undefined {
  return replaceWrittenDigest(writtenExpansion(image), digest);
}
