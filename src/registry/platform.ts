import { ImagepinError } from "../errors.js";
import { RegistryError } from "./errors.js";

/** An OS/architecture pair with optional variant, as an OCI image index lists it (`linux/arm64/v8`). */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** One manifest of an index or manifest list, as the client reads it. */
export interface PlatformEntry {
  digest: string;
  mediaType: string;
  platform?: Platform;
}

// Names that tools write for the same architecture; the OCI spec uses Go's GOARCH values.
const architectureAliases: Record<string, { architecture: string; variant?: string }> = {
  x86_64: { architecture: "amd64" },
  "x86-64": { architecture: "amd64" },
  aarch64: { architecture: "arm64" },
  armhf: { architecture: "arm", variant: "v7" },
  armel: { architecture: "arm", variant: "v6" },
  i386: { architecture: "386" },
};

/**
 * The canonical form of a platform: lower case, architecture aliases resolved, and the default
 * variants filled in as containerd does it: `arm64` means `arm64/v8`, `arm` means `arm/v7`.
 */
export function normalizePlatform(platform: Platform): Platform {
  const os = platform.os.toLowerCase();
  let architecture = platform.architecture.toLowerCase();
  let variant = platform.variant?.toLowerCase() || undefined;
  const alias = architectureAliases[architecture];
  if (alias) {
    architecture = alias.architecture;
    variant ??= alias.variant;
  }
  if (architecture === "arm64") variant ??= "v8";
  if (architecture === "arm") variant ??= "v7";
  if (architecture === "arm" && variant !== undefined && /^\d$/.test(variant)) variant = `v${variant}`;
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/**
 * Parses `os/arch[/variant]` (`linux/amd64`, `linux/arm64/v8`, `linux/arm`) into a normalized platform.
 * @throws ImagepinError `invalid-platform` for anything else.
 */
export function parsePlatform(text: string): Platform {
  const parts = text.split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => !/^[A-Za-z0-9_.-]+$/.test(part))) {
    throw new ImagepinError("invalid-platform", `invalid platform ${JSON.stringify(text)}: expected os/arch[/variant], such as linux/amd64 or linux/arm64/v8`);
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return normalizePlatform(variant === undefined ? { os, architecture } : { os, architecture, variant });
}

/** `os/arch[/variant]`. */
export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
}

/**
 * True when an index entry's platform satisfies the wanted one: same OS and architecture after
 * normalization, and the same variant when the wanted platform (after defaults) has one.
 */
export function platformMatches(wanted: Platform, offered: Platform): boolean {
  const want = normalizePlatform(wanted);
  const have = normalizePlatform(offered);
  if (want.os !== have.os || want.architecture !== have.architecture) return false;
  return want.variant === undefined || want.variant === have.variant;
}

/**
 * Picks the manifest for `wanted` from an index's entries: an exact variant match first, then (when the
 * wanted platform names no variant) the first entry of that OS and architecture.
 * @throws RegistryError `platform-not-found` naming the platforms the index has.
 */
export function selectPlatform(entries: PlatformEntry[], wanted: Platform, context: { registry: string; reference: string }): PlatformEntry {
  const want = normalizePlatform(wanted);
  const withPlatform = entries.filter((entry): entry is PlatformEntry & { platform: Platform } => entry.platform !== undefined);
  const exact = withPlatform.find((entry) => {
    const have = normalizePlatform(entry.platform);
    return have.os === want.os && have.architecture === want.architecture && have.variant === want.variant;
  });
  const chosen = exact ?? withPlatform.find((entry) => platformMatches(want, entry.platform));
  if (chosen) return chosen;
  // Attestation manifests (unknown/unknown) are not platforms anyone can ask for.
  const available = [...new Set(withPlatform.map((entry) => formatPlatform(entry.platform)).filter((name) => !name.startsWith("unknown/")))];
  throw new RegistryError(
    "platform-not-found",
    `${context.reference} has no manifest for platform ${formatPlatform(want)}; it has ${available.length > 0 ? available.join(", ") : "no platform entries"}`,
    { registry: context.registry, hint: available.length > 0 ? `pass --platform with one of: ${available.join(", ")}` : undefined },
  );
}
