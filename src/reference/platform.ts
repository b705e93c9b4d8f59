// The platform value type (OCI image index `platform`), pure like the rest of the grammar: ggcr keeps
// v1.Platform beside its reference package for the same reason.
import { ImagepinError } from "../errors.js";

/** An OS/architecture pair with optional variant, as an OCI image index lists it (`linux/arm64/v8`). */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
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

/** The variant containerd assumes when none is named: `v8` for arm64, `v7` for arm, else none. */
export function defaultVariant(architecture: string): string | undefined {
  return architecture === "arm64" ? "v8" : architecture === "arm" ? "v7" : undefined;
}

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
  variant ??= defaultVariant(architecture);
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
    throw new ImagepinError(
      "invalid-platform",
      `invalid platform ${JSON.stringify(text)}: expected os/arch[/variant], such as linux/amd64 or linux/arm64/v8`,
    );
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
