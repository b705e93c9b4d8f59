/** One JSON Patch operation (RFC 6902) of the kinds the webhook emits. */
export interface PatchOperation {
  op: "add" | "replace";
  path: string;
  value: unknown;
}

/** Escapes one JSON Pointer reference token (RFC 6901 §3): `~` becomes `~0`, then `/` becomes `~1`. */
export function escapePointerToken(token: string): string {
  // Most tokens (spec, containers, image) need no escaping; skip the two regular expressions for them.
  if (!token.includes("~") && !token.includes("/")) return token;
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** A JSON Pointer from reference tokens: `["metadata","annotations","imagepin.io/x"]` → `/metadata/annotations/imagepin.io~1x`. */
export function jsonPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((token) => `/${escapePointerToken(String(token))}`).join("");
}

/**
 * The operations that set annotations on an object whose current annotations are `existing`: one
 * `add` of the whole map when the object has none (a pointer into a missing member is an error,
 * RFC 6902 §4.1), otherwise one `add` per key (which replaces an existing value).
 */
export function annotationOperations(
  metadataPath: readonly (string | number)[],
  existing: Record<string, unknown> | undefined,
  values: Record<string, string>,
): PatchOperation[] {
  if (Object.keys(values).length === 0) return [];
  if (!existing) return [{ op: "add", path: jsonPointer([...metadataPath, "annotations"]), value: values }];
  return Object.entries(values).map(([key, value]) => ({
    op: "add" as const,
    path: jsonPointer([...metadataPath, "annotations", key]),
    value,
  }));
}

/**
 * The operations that set annotations on an object whose `metadata` member holds `metadata`: when it is
 * missing or not an object (`null`, a string), one `add` of the whole metadata, since a pointer into it
 * cannot apply (RFC 6902 §4.1: the target's parent must exist); otherwise {@link annotationOperations}.
 */
export function metadataAnnotationOperations(
  metadata: unknown,
  existing: Record<string, unknown> | undefined,
  values: Record<string, string>,
): PatchOperation[] {
  if (Object.keys(values).length === 0) return [];
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata))
    return [{ op: "add", path: jsonPointer(["metadata"]), value: { annotations: values } }];
  return annotationOperations(["metadata"], existing, values);
}
