import { isValidDigest } from "../reference/index.js";
import { RegistryError } from "./errors.js";
import { digestOf } from "./manifest.js";
import type { Platform } from "../reference/index.js";
import { parseBoundedJson } from "../internal/bounded-json.js";

/** The largest image config read; real ones are a few KiB, history-heavy ones some hundred. */
export const maxConfigBytes = 4 << 20;

/** The config descriptor of an image manifest, or undefined when the manifest names none (an artifact). */
export function configDescriptor(manifest: Buffer): { digest: string; size: number } | undefined {
  try {
    const parsed = parseBoundedJson(manifest.toString("utf8")) as {
      config?: { digest?: unknown; size?: unknown };
    } | null;
    const { digest, size } = parsed?.config ?? {};
    if (typeof digest !== "string" || !isValidDigest(digest) || typeof size !== "number") return undefined;
    return { digest, size };
  } catch {
    return undefined;
  }
}

/**
 * The platform an image config declares (`os`, `architecture`, `variant`), after checking the bytes
 * against the digest the manifest names; undefined when the config declares none.
 * @throws RegistryError `digest-mismatch` when the bytes are not the ones the manifest names.
 */
export function configPlatform(
  bytes: Buffer,
  digest: string,
  context: { registry: string; reference: string },
): Platform | undefined {
  const actual = digestOf(bytes, digest);
  if (actual !== digest) {
    throw new RegistryError(
      "digest-mismatch",
      `registry ${context.registry} sent an image config for ${context.reference} whose bytes hash to ${actual}, not ${digest}`,
      {
        registry: context.registry,
        temporary: false,
      },
    );
  }
  try {
    const parsed = parseBoundedJson(bytes.toString("utf8")) as {
      os?: unknown;
      architecture?: unknown;
      variant?: unknown;
    } | null;
    if (!parsed || typeof parsed.os !== "string" || typeof parsed.architecture !== "string") return undefined;
    return {
      os: parsed.os,
      architecture: parsed.architecture,
      ...(typeof parsed.variant === "string" && parsed.variant !== "" ? { variant: parsed.variant } : {}),
    };
  } catch {
    return undefined;
  }
}
