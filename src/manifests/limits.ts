import type { ScannedFile } from "./types.js";

/**
 * How much work one input file may cost (issue 18): a contributor's file in CI must not take the job
 * down with a one-line 10 MB flow sequence, half a million aliases or nesting deep enough to overflow
 * the stack. A file over a bound is reported as a problem naming the bound (`invalid-yaml` in lint),
 * and what was read before the bound was reached is still scanned.
 *
 * The yaml library keeps about 1 KB per node of a flow collection and parses about 1 MB of ordinary
 * manifests a second, so the counts below keep any input under 5 s and 512 MB; a real manifest
 * (a few thousand objects) is far inside them.
 */
export interface ManifestLimits {
  /** Bytes of one file; a larger file is not read at all. */
  maxBytes: number;
  /** YAML lexical tokens of one file (whitespace, comments, indicators and scalars). */
  maxTokens: number;
  /** YAML nodes of one file: scalars, aliases and collections. */
  maxNodes: number;
  /** YAML alias nodes (`*name`) of one file. */
  maxAliases: number;
  /** YAML documents of one file. */
  maxDocuments: number;
  /** Nesting of collections within one YAML document; a deeper document alone is skipped. */
  maxDepth: number;
}

/** The bounds applied unless a caller passes others: 10 MiB, 1 M tokens, 150 k nodes, 10 k aliases, 10 k documents, 100 levels. */
export const defaultManifestLimits: Readonly<ManifestLimits> = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  maxTokens: 1_000_000,
  maxNodes: 150_000,
  maxAliases: 10_000,
  maxDocuments: 10_000,
  maxDepth: 100,
});

/** The bounds of a scan: the caller's, each one left out the default. */
export function limitsOf(options: { limits?: Partial<ManifestLimits> }): ManifestLimits {
  return { ...defaultManifestLimits, ...options.limits };
}

/** The message for a file over the byte bound (it is not read). */
export function oversizedMessage(
  bytes: number,
  limits: Pick<ManifestLimits, "maxBytes"> = defaultManifestLimits,
): string {
  return `the file is ${formatBytes(bytes)}, over the input-size bound (${formatBytes(limits.maxBytes)}); it was not read`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`
    : `${bytes} bytes`;
}

/**
 * A file over the byte bound, reported at its first line and not read: nothing of it is scanned or
 * rewritten. `dockerfile` tells the format its name (or first instruction) gives it.
 */
export function oversizedFile(
  file: string,
  bytes: number,
  dockerfile: boolean,
  limits: Pick<ManifestLimits, "maxBytes"> = defaultManifestLimits,
): ScannedFile {
  return {
    file,
    text: "",
    format: dockerfile ? "dockerfile" : "kubernetes",
    images: [],
    problems: [{ file, line: 1, column: 1, message: oversizedMessage(bytes, limits) }],
  };
}
