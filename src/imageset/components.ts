import type { ImageReference } from "../reference/index.js";
import { operatorReleases, type ComponentList, type OperatorRelease, type Variant } from "./releases.js";

/** The owner each variant's images live under by default. */
export const variantOwner: Record<Variant, string> = { calico: "calico", enterprise: "tigera" };

/** `<owner>/<name>`: the last two path parts, the name an ImageSet's `image` field uses. */
export function defaultImageName(reference: ImageReference): string {
  return reference.path.split("/").slice(-2).join("/");
}

/** `vMAJOR.MINOR` of a version such as `v3.32.0` or `3.32.1-rc1`; undefined when it is no version. */
export function minorVersion(version: string): string | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(version);
  return match ? `v${match[1]}.${match[2]}` : undefined;
}

/** A version as the ImageSet name carries it: always with the leading `v`. */
export function canonicalVersion(version: string): string {
  return version.startsWith("v") ? version : `v${version}`;
}

/**
 * The release whose variant matches a version (`v3.32.0` -> operator v1.43 for calico), or undefined
 * when imagepin has no list for it.
 */
export function findRelease(variant: Variant, version: string): OperatorRelease | undefined {
  const minor = minorVersion(version);
  return operatorReleases.find((release) => (variant === "calico" ? release.calico : release.enterprise) === minor && release.variants[variant]);
}

/** The newest release that has a list for the variant: the fallback for versions imagepin does not know. */
export function newestRelease(variant: Variant): OperatorRelease {
  const release = operatorReleases.find((candidate) => candidate.variants[variant]);
  if (!release) throw new Error(`no component list for ${variant}`);
  return release;
}

/** True when the list names the image exactly or through one of its prefixes. */
export function isKnownComponent(list: ComponentList, image: string): boolean {
  return list.images.includes(image) || (list.prefixes ?? []).some((prefix) => image.startsWith(prefix));
}

/** True when the operator rejects the image in an ImageSet of this list (tigera/operator, recently). */
export function isExcluded(list: ComponentList, image: string): boolean {
  return (list.excluded ?? []).includes(image);
}

/** True when the image belongs to the variant by its owner (`calico/…` or `tigera/…`). */
export function belongsToVariant(variant: Variant, image: string, list: ComponentList): boolean {
  return isKnownComponent(list, image) || image.startsWith(`${variantOwner[variant]}/`);
}
