import { stringify } from "yaml";
import { parseReference, type ImageReference } from "../reference/index.js";
import type { Platform } from "../reference/index.js";
import type { Resolver } from "../resolve/types.js";
import {
  belongsToVariant,
  canonicalVersion,
  defaultImageName,
  findRelease,
  isExcluded,
  isKnownComponent,
  newestRelease,
} from "./components.js";
import { ImageSetError } from "./errors.js";
import type { ComponentList, Variant } from "./releases.js";

/** Options of {@link createImageSet}. */
export interface CreateImageSetOptions {
  /** Image references, as the operator's `--print-images=list` prints them. */
  references: string[];
  /** Default `calico`. */
  variant?: Variant;
  /** `v3.32.0`; default: the tag every kept image shares. */
  version?: string;
  /** Where the images are really pulled from, like the Installation's `registry` (`registry.example.com`). */
  registry?: string;
  /** Replaces the images' owner path, like the Installation's `imagePath` (`mirror/calico`). */
  imagePath?: string;
  /** Pin each image's manifest for this platform instead of its multi-arch index. */
  platform?: Platform;
  resolver: Resolver;
  signal?: AbortSignal;
}

/** One image of the set: the name the operator expects, its digest, and where it was resolved. */
export interface ImageSetEntry {
  image: string;
  digest: string;
  resolvedFrom: string;
  mediaType: string;
}

/** What {@link createImageSet} built and everything it has to say about the input. */
export interface ImageSetResult {
  name: string;
  variant: Variant;
  version: string;
  images: ImageSetEntry[];
  /** Inputs left out of the set, with why. */
  dropped: { reference: string; reason: string }[];
  /** Known components of the release the input did not list (the operator refuses such a set). */
  missing: string[];
  /** Images that could not be resolved; a set with failures must not be applied. */
  failures: { reference: string; code: string; message: string }[];
  warnings: string[];
  /** The ImageSet as YAML, images sorted. */
  yaml: string;
}

/**
 * Builds a Calico operator ImageSet from an image list: keeps the variant's components, resolves each
 * at the registry it will be pulled from, and names the set `calico-<version>` or
 * `enterprise-<version>`.
 *
 * @throws ImageSetError `no-images`, `version-mismatch` (tags disagree with each other or with
 *   `version`), `mixed-registries` (kept images would be resolved at two registries);
 *   InvalidReferenceError for an invalid input reference.
 */
export async function createImageSet(options: CreateImageSetOptions): Promise<ImageSetResult> {
  const variant = options.variant ?? "calico";
  const parsed = options.references.map((text) => ({ text, reference: parseReference(text) }));
  const versionHint = options.version ?? parsed.find(({ reference }) => defaultImageName(reference).startsWith(`${variant === "calico" ? "calico" : "tigera"}/`))?.reference.tag;
  const release = versionHint ? findRelease(variant, versionHint) : undefined;
  const list: ComponentList = release?.variants[variant] ?? newestRelease(variant).variants[variant]!;
  const warnings: string[] = [];
  if (!release) {
    warnings.push(`no component list for ${variant} ${versionHint ?? "(no version)"}; checking against ${variant === "calico" ? "Calico" : "Calico Enterprise"} ${variant === "calico" ? newestRelease(variant).calico : newestRelease(variant).enterprise}`);
  }

  const dropped: ImageSetResult["dropped"] = [];
  const kept: { text: string; reference: ImageReference; image: string }[] = [];
  for (const { text, reference } of parsed) {
    const image = defaultImageName(reference);
    if (isExcluded(list, image)) {
      dropped.push({ reference: text, reason: "the operator does not accept it in an ImageSet; pin the operator Deployment itself with `imagepin pin`" });
    } else if (!belongsToVariant(variant, image, list)) {
      dropped.push({ reference: text, reason: `not a ${variant} image` });
    } else if (release && !isKnownComponent(list, image)) {
      dropped.push({ reference: text, reason: `not a component of ${describeRelease(variant, release.calico, release.enterprise)}` });
    } else if (!kept.some((entry) => entry.image === image)) {
      kept.push({ text, reference, image });
    }
  }
  if (kept.length === 0) throw new ImageSetError("no-images", `none of the ${parsed.length} images is a ${variant} component`);

  const version = canonicalVersion(options.version ?? sharedTag(kept));
  const mismatched = kept.filter(({ reference }) => canonicalVersion(reference.tag ?? "latest") !== version);
  if (mismatched.length > 0) {
    throw new ImageSetError(
      "version-mismatch",
      `version ${version} does not match the tags of ${mismatched.map(({ text }) => text).join(", ")}`,
      { hint: "an ImageSet pins one release: give the images of that release, or the matching --version" },
    );
  }

  const locations = kept.map((entry) => ({ ...entry, location: pullLocation(entry.reference, options.registry, options.imagePath) }));
  const registries = [...new Set(locations.map(({ location }) => location.domain))];
  if (registries.length > 1) {
    throw new ImageSetError("mixed-registries", `the images would be resolved at ${registries.length} registries (${registries.join(", ")}); a set takes its digests from one`, {
      hint: "pass --registry (and --image-path) with the registry your Installation pulls from",
    });
  }

  const keptNames = new Set(kept.map(({ image }) => image));
  const missing = list.images.filter((image) => !keptNames.has(image) && !isExcluded(list, image));
  const failures: ImageSetResult["failures"] = [];
  const images: ImageSetEntry[] = [];
  await Promise.all(
    locations.map(async ({ image, location }) => {
      try {
        const resolution = await options.resolver.resolve(location, { platform: options.platform, signal: options.signal });
        images.push({ image, digest: resolution.digest, resolvedFrom: location.normalized, mediaType: resolution.mediaType });
      } catch (error) {
        const code = (error as { code?: string }).code ?? "unknown";
        failures.push({ reference: location.normalized, code, message: error instanceof Error ? error.message : String(error) });
      }
    }),
  );
  images.sort((a, b) => a.image.localeCompare(b.image));
  failures.sort((a, b) => a.reference.localeCompare(b.reference));
  const name = `${variant}-${version}`;
  return { name, variant, version, images, dropped, missing, failures, warnings, yaml: imageSetYaml(name, images) };
}

/** The ImageSet document, with images in the order given. */
export function imageSetYaml(name: string, images: { image: string; digest: string }[]): string {
  return stringify({
    apiVersion: "operator.tigera.io/v1",
    kind: "ImageSet",
    metadata: { name },
    spec: { images: images.map(({ image, digest }) => ({ image, digest })) },
  });
}

/**
 * Where the operator pulls an image from: the Installation's `registry` replaces the registry (and
 * may carry a path), `imagePath` replaces the owner; the image name and tag stay.
 */
export function pullLocation(reference: ImageReference, registry?: string, imagePath?: string): ImageReference {
  if (registry === undefined && imagePath === undefined) return reference;
  const parts = reference.path.split("/");
  const name = parts.at(-1)!;
  const owner = imagePath ?? parts.at(-2) ?? "";
  const base = (registry ?? reference.domain).replace(/\/+$/, "");
  const tag = reference.tag ? `:${reference.tag}` : "";
  return parseReference(`${base}/${owner.replace(/^\/+|\/+$/g, "")}/${name}${tag}`);
}

function sharedTag(kept: { text: string; reference: ImageReference }[]): string {
  const tags = [...new Set(kept.map(({ reference }) => reference.tag ?? "latest"))];
  if (tags.length !== 1) {
    throw new ImageSetError("version-mismatch", `the images carry ${tags.length} different tags (${tags.join(", ")}); an ImageSet pins one release`, {
      hint: "pass --version, or give the images of one release",
    });
  }
  return tags[0]!;
}

function describeRelease(variant: Variant, calico: string, enterprise?: string): string {
  return variant === "calico" ? `Calico ${calico}` : `Calico Enterprise ${enterprise ?? "?"}`;
}
