/**
 * JSON from parties imagepin does not trust (registries, token servers, Pod annotations) read with a
 * bound on nesting. `JSON.parse` builds every level before anyone looks at the value: an index nested a
 * million levels deep inside the manifest size cap doubled the resolver's memory, and a Pod annotation
 * nested 10,000 deep overflowed the stack of the code that re-serialized it (issue 18). The depth is
 * counted by one pass over the text that allocates nothing, and text over the bound is never parsed.
 */
import { ImagepinError } from "../errors.js";

/**
 * The deepest nesting accepted in registry documents and annotations: OCI manifests, indexes, image
 * configs and token answers nest at most five or six levels; 32 leaves room for any real extension.
 */
export const maxJsonDepth = 32;

/** JSON nested deeper than the bound; code `json-too-deep`. */
export class JsonTooDeepError extends ImagepinError {
  constructor(readonly maxDepth: number) {
    super("json-too-deep", `JSON nested deeper than ${maxDepth} levels`);
  }
}

/**
 * True when no array or object in `text` is nested deeper than `maxDepth` (brackets inside strings do
 * not count). Malformed text is not judged here: `JSON.parse` rejects it afterwards.
 */
export function jsonDepthWithin(text: string, maxDepth: number = maxJsonDepth): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return false;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return true;
}

/**
 * `JSON.parse` of text checked first with {@link jsonDepthWithin}.
 * @throws JsonTooDeepError over the bound; SyntaxError for malformed JSON.
 */
export function parseBoundedJson(text: string, maxDepth: number = maxJsonDepth): unknown {
  if (!jsonDepthWithin(text, maxDepth)) throw new JsonTooDeepError(maxDepth);
  return JSON.parse(text) as unknown;
}
