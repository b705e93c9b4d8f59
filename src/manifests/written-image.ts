import type { Expansion } from "./interpolation.js";

/**
 * Pinning and updating an image value as written, on its structure: literal parts and `${…}` parts
 * (see interpolation.ts). A plain value (`nginx:1.25`) is one literal part.
 */

/** The new written value, and why the tag stayed when it was asked to go. */
export interface WrittenPin {
  text: string;
  /** Set when `keepTag` was false but the tag could not be removed without changing a variable. */
  tagKept?: string;
}

/** An expansion of a value with no variables: one literal part, every character from itself. */
export function literalExpansion(value: string): Expansion {
  return {
    written: value,
    text: value,
    parts:
      value === ""
        ? []
        : [{ part: { kind: "literal", start: 0, end: value.length, text: value }, from: 0, to: value.length }],
    origins: Array.from(value, (_, index) => index),
  };
}

/** Where the name ends and the tag's `:` is in an image text (the reference grammar: a tag follows the last `/`). */
function tagSpan(text: string): { colon: number; end: number } | undefined {
  const at = text.indexOf("@");
  const name = at === -1 ? text : text.slice(0, at);
  const colon = name.indexOf(":", name.lastIndexOf("/") + 1);
  return colon === -1 ? undefined : { colon, end: name.length };
}

/**
 * The written value of an unpinned image with `@digest` added. With `keepTag` the tag stays (an untagged
 * image gets `:latest`, the tag that was resolved). Without it the tag is removed part by part: literal
 * text after the `:` is cut and a variable wholly inside the tag (`:${TAG:-1.25}`) goes with it; a
 * variable that holds both name and tag (`${IMAGE:-apache/airflow:2.9.2}`) is kept whole, with the tag,
 * and `tagKept` says why.
 */
export function pinWritten(expansion: Expansion, digest: string, keepTag: boolean, untagged: boolean): WrittenPin {
  if (keepTag) return { text: `${expansion.written}${untagged ? ":latest" : ""}@${digest}` };
  const cut = tagCuts(expansion);
  if ("reason" in cut) return { text: `${expansion.written}@${digest}`, tagKept: cut.reason };
  return { text: `${cutRanges(expansion.written, cut.ranges)}@${digest}` };
}

/** The written ranges that hold the tag, or why the tag cannot be taken out. */
function tagCuts(expansion: Expansion): { ranges: [number, number][] } | { reason: string } {
  const span = tagSpan(expansion.text);
  if (!span) return { ranges: [] };
  const ranges: [number, number][] = [];
  for (const { part, from, to } of expansion.parts) {
    const empty = from === to;
    if (empty ? from <= span.colon || from > span.end : to <= span.colon || from >= span.end) continue;
    if (part.kind === "variable") {
      if (from < span.colon) {
        const variable = expansion.written.slice(part.start, part.end);
        return { reason: `the tag is part of ${variable}; removing it would change what the variable holds` };
      }
      ranges.push([part.start, part.end]);
      continue;
    }
    // Literal text maps one to one, except an escaped `$` (never part of a valid tag).
    const first = Math.max(from, span.colon) - from;
    ranges.push(
      part.text === "$" ? [part.start, part.end] : [part.start + first, part.start + Math.min(to, span.end) - from],
    );
  }
  return { ranges };
}

function cutRanges(text: string, ranges: [number, number][]): string {
  let result = "";
  let at = 0;
  for (const [start, end] of ranges) {
    result += text.slice(at, start);
    at = end;
  }
  return result + text.slice(at);
}

/**
 * The written value of a pinned image with its digest replaced by `digest` (verify --update). The old
 * digest must be written in one piece (top-level or in a default); undefined when it comes from an
 * ARG's value elsewhere in the file.
 */
export function replaceWrittenDigest(expansion: Expansion, digest: string): string | undefined {
  const at = expansion.text.indexOf("@");
  if (at === -1) return undefined;
  const origins = expansion.origins.slice(at + 1);
  const start = origins[0];
  if (start === undefined || origins.some((origin, index) => origin !== start + index)) return undefined;
  return expansion.written.slice(0, start) + digest + expansion.written.slice(start + origins.length);
}
