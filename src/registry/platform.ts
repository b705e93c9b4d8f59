import { formatPlatform, normalizePlatform, platformMatches, type Platform } from "../reference/platform.js";
import { RegistryError } from "./errors.js";

/** One manifest of an index or manifest list, as the client reads it. */
export interface PlatformEntry {
  digest: string;
  mediaType: string;
  platform?: Platform;
}

/**
 * Picks the manifest for `wanted` from an index's entries: an exact variant match first, then (when the
 * wanted platform names no variant) the first entry of that OS and architecture.
 * @throws RegistryError `platform-not-found` naming the platforms the index has.
 */
export function selectPlatform(
  entries: PlatformEntry[],
  wanted: Platform,
  context: { registry: string; reference: string },
): PlatformEntry {
  const want = normalizePlatform(wanted);
  const withPlatform = entries.filter(
    (entry): entry is PlatformEntry & { platform: Platform } => entry.platform !== undefined,
  );
  const exact = withPlatform.find((entry) => {
    const have = normalizePlatform(entry.platform);
    return have.os === want.os && have.architecture === want.architecture && have.variant === want.variant;
  });
  const chosen = exact ?? withPlatform.find((entry) => platformMatches(want, entry.platform));
  if (chosen) return chosen;
  // Attestation manifests (unknown/unknown) are not platforms anyone can ask for.
  const available = [
    ...new Set(
      withPlatform.map((entry) => formatPlatform(entry.platform)).filter((name) => !name.startsWith("unknown/")),
    ),
  ];
  throw new RegistryError(
    "platform-not-found",
    `${context.reference} has no manifest for platform ${formatPlatform(want)}; it has ${available.length > 0 ? available.join(", ") : "no platform entries"}`,
    {
      registry: context.registry,
      hint: available.length > 0 ? `pass --platform with one of: ${available.join(", ")}` : undefined,
    },
  );
}
