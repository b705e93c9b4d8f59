import type { FoundImage, ScalarStyle } from "./types.js";

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

// Plain scalars may not start with an indicator or contain ": " / " #"; references never do, but a
// value that could be misread is double-quoted rather than risk changing its meaning.
const safePlain = /^[A-Za-z0-9_./][A-Za-z0-9_./:@+-]*$/;

/** Writes `value` as a YAML scalar in the given style, escaping as that style needs. */
export function formatScalar(value: string, style: ScalarStyle): string {
  if (style === "raw") return value;
  if (style === "single") return `'${value.replace(/'/g, "''")}'`;
  if (style === "double" || !safePlain.test(value)) return JSON.stringify(value);
  return value;
}

/**
 * The edit that writes a new image value (or, for a Kustomize entry, its digest) into the file.
 * Without `keepTag` a Kustomize entry's `newTag: …` pair becomes the `digest: …` pair, so Kustomize
 * writes `name@sha256:…`. Returns undefined for an image that cannot be rewritten in place.
 */
export function imageEdit(image: FoundImage, newImage: string, digest: string, keepTag = true): TextEdit | undefined {
  const slot = image.slot;
  if (!slot) return undefined;
  if (slot.kind === "replace") {
    // A plain value that parsed in place (`nginx:${TAG:-1}`) stays plain when the pin only appends a
    // digest to it: the appended characters are safe in any plain scalar.
    const kept = withoutDigest(image.written ?? image.image);
    const appendsOnly = slot.style === "plain" && newImage.startsWith(kept) && /^(:latest)?@[a-z0-9]+:[a-f0-9]+$/.test(newImage.slice(kept.length));
    return { start: slot.start, end: slot.end, text: appendsOnly ? newImage : formatScalar(newImage, slot.style) };
  }
  const entry = slot.entry;
  if (entry.existing) return { start: entry.existing.start, end: entry.existing.end, text: formatScalar(digest, entry.existing.style) };
  if (!keepTag && entry.tagPair) return { start: entry.tagPair.start, end: entry.tagPair.end, text: `digest: ${digest}` };
  const text = entry.layout === "flow" ? `, digest: ${digest}` : `${entry.eol}${" ".repeat(entry.indent)}digest: ${digest}`;
  return { start: entry.insertAt, end: entry.insertAt, text };
}

function withoutDigest(image: string): string {
  const at = image.indexOf("@");
  return at === -1 ? image : image.slice(0, at);
}

/** `name:tag` as written, without the tag (`localhost:5000/app:1` → `localhost:5000/app`). */
export function withoutWrittenTag(image: string): string {
  const at = image.indexOf("@");
  const name = at === -1 ? image : image.slice(0, at);
  const colon = name.indexOf(":", name.lastIndexOf("/") + 1);
  return colon === -1 ? name : name.slice(0, colon);
}

/**
 * The image as written with `digest` in place of any digest it had. With `keepTag`, an image whose
 * reference has no tag (`untagged`) is written `name:latest@digest`: the tag that was resolved, as the
 * lock records it and the webhook writes it, so `verify` can tell when it moves.
 */
export function withWrittenDigest(image: string, digest: string, keepTag = true, untagged = false): string {
  const at = image.indexOf("@");
  const name = at === -1 ? image : image.slice(0, at);
  if (!keepTag) return `${withoutWrittenTag(name)}@${digest}`;
  return `${name}${untagged ? ":latest" : ""}@${digest}`;
}
