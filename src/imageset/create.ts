import { stringify } from "yaml";
import { parseReference, type ImageReference } from "../reference/index.js";
import type { Platform } from "../reference/index.js";
import type { Resolver } from "../resolve/types.js";
import { ImageSetError } from "./errors.js";
import { describeMissing } from "./needs.js";
import { hasPullSettings, operatorRepository, type PullSettings } from "./pull-reference.js";
import {
  canonicalVersion,
  defaultRegistryOf,
  describeRelease,
  newestRelease,
  releaseForOperator,
  releaseForVersion,
  variantImages,
  variantTitle,
  type Release,
  type Variant,
} from "./releases.js";

/** Options of {@link createImageSet}. */
export interface CreateImageSetOptions {
  /**
   * Image references, as the operator's `--print-images=list` prints them. May be empty when the
   * operator release is known (`operator`): the release's components are then listed from the table.
   */
  references: string[];
  /** Default `calico`. */
  variant?: Variant;
  /** The release (`v3.32.1`) for the set's name; default: the operator's, or the tag the images share. */
  version?: string;
  /** The operator release (`v1.42.4`), as its Deployment's image tag says. */
  operator?: string;
  /** The Installation's registry, imagePath and imagePrefix: where the images are really pulled from. */
  pull?: PullSettings;
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

/** A component of the release the set leaves out, and what that means for the rollout. */
export interface MissingComponent {
  image: string;
  message: string;
}

/** An input reference left out of the set: `kind` says why for programs, `reason` for people. */
export interface DroppedReference {
  reference: string;
  kind: "other-variant" | "operator" | "not-a-component" | "duplicate";
  reason: string;
}

/** What {@link createImageSet} built and everything it has to say about the input. */
export interface ImageSetResult {
  name: string;
  variant: Variant;
  version: string;
  /** The release the set was built for, as messages name it. */
  release: string;
  images: ImageSetEntry[];
  /** Inputs left out of the set, with why. */
  dropped: DroppedReference[];
  /** Components of the release the input did not list: warnings, as `imageset verify` gives them. */
  missing: MissingComponent[];
  /** Images that could not be resolved; a set with failures must not be applied. */
  failures: { reference: string; code: string; message: string }[];
  warnings: string[];
  /** The ImageSet as YAML, images sorted. */
  yaml: string;
}

interface Kept {
  text: string;
  reference: ImageReference;
  image: string;
}

/**
 * Builds a Calico operator ImageSet: keeps the variant's components of the release, resolves each
 * where the operator will pull it (the Installation's registry, imagePath and imagePrefix, by the
 * operator's own rules), and names the set `calico-<release>` or `enterprise-<release>`. With a known
 * operator release and no references, the release's components are listed from imagepin's table.
 *
 * @throws ImageSetError `no-images`, `version-unknown` (no references and no release to list them
 *   from), `version-mismatch` (tags disagree with each other, with `version` or with the operator's
 *   release), `mixed-registries` (kept images would be resolved at two registries without pull
 *   settings); InvalidReferenceError for an invalid input reference.
 */
export async function createImageSet(options: CreateImageSetOptions): Promise<ImageSetResult> {
  const variant = options.variant ?? "calico";
  const warnings: string[] = [];
  const release = chooseRelease(options, variant, warnings);
  if (release.basis === "newest")
    warnings.push(
      `imagepin has no component list for ${variantTitle[variant]} ${release.version ?? "(no version)"}; images of the variant are kept as given`,
    );
  const references = options.references.length > 0 ? options.references : releaseReferences(release);
  const { kept, dropped } = keepComponents(references, release);
  if (kept.length === 0)
    throw new ImageSetError(
      "no-images",
      `none of the ${references.length} images is a ${variantTitle[variant]} component`,
    );

  const version = canonicalVersion(release.version ?? sharedTag(kept));
  const mismatched = kept.filter(({ reference }) => canonicalVersion(reference.tag ?? "latest") !== version);
  if (mismatched.length > 0) {
    throw new ImageSetError(
      "version-mismatch",
      `${describeRelease({ ...release, version })} does not match the tags of ${mismatched.map(({ text }) => text).join(", ")}`,
      {
        hint: "an ImageSet pins one release: give the images of that release, or the matching --version (or --operator-manifest)",
      },
    );
  }
  const located = kept.map((entry) => ({ ...entry, location: pullLocation(entry, options.pull ?? {}, release) }));
  const registries = [...new Set(located.map(({ location }) => location.domain))];
  if (registries.length > 1) {
    throw new ImageSetError(
      "mixed-registries",
      `the images would be resolved at ${registries.length} registries (${registries.join(", ")}); a set takes its digests from one`,
      {
        hint: "pass --registry (and --image-path, --image-prefix) or --installation with the settings your Installation pulls with",
      },
    );
  }
  const keptNames = new Set(kept.map(({ image }) => image));
  const missing = variantImages(release)
    .filter((image) => !keptNames.has(image))
    .map((image) => ({ image, message: describeMissing(image, { ...release, version }) }));
  const { images, failures } = await resolveAll(located, options);
  const name = `${variant}-${version}`;
  return {
    name,
    variant,
    version,
    release: describeRelease({ ...release, version }),
    images,
    dropped,
    missing,
    failures,
    warnings,
    yaml: imageSetYaml(name, images),
  };
}

function chooseRelease(options: CreateImageSetOptions, variant: Variant, warnings: string[]): Release {
  if (options.operator) {
    const fromOperator = releaseForOperator(variant, options.operator);
    if (fromOperator?.version) {
      if (options.version && canonicalVersion(options.version) !== fromOperator.version) {
        throw new ImageSetError(
          "version-mismatch",
          `operator ${options.operator} deploys ${variantTitle[variant]} ${fromOperator.version}, not ${canonicalVersion(options.version)}`,
          {
            hint: "leave --version out, or give the manifest of the operator that deploys it",
          },
        );
      }
      return fromOperator;
    }
    const unknown = `imagepin does not know which ${variantTitle[variant]} release operator ${options.operator} deploys`;
    if (!options.version) {
      throw new ImageSetError("version-unknown", unknown, {
        hint: "give --version and --from (the operator's --print-images=list output)",
      });
    }
    warnings.push(`${unknown}; using --version ${options.version}`);
  }
  const owner = variant === "calico" ? "calico/" : "tigera/";
  const tagged = options.references
    .map((text) => parseReference(text))
    .find((reference) => {
      const image = reference.path.split("/").slice(-2).join("/");
      return image.startsWith(owner) && image !== "tigera/operator";
    });
  const version = options.version ?? tagged?.tag;
  if (version) return releaseForVersion(variant, version);
  if (options.references.length === 0)
    throw new ImageSetError(
      "version-unknown",
      "imageset create: give image references (--from FILE), or --operator-manifest, or --version",
    );
  return newestRelease(variant);
}

/** The release's components at their default registry, tagged with the release: what the operator would print. */
function releaseReferences(release: Release): string[] {
  if (!release.version)
    throw new ImageSetError(
      "version-unknown",
      `imagepin does not know the ${variantTitle[release.variant]} release to list components for`,
      { hint: "give --version, or --from with the operator's image list" },
    );
  return variantImages(release).map((image) => `${defaultRegistryOf(release, image)}${image}:${release.version}`);
}

function keepComponents(references: string[], release: Release): { kept: Kept[]; dropped: DroppedReference[] } {
  const own = new Set(variantImages(release));
  const owner = release.variant === "calico" ? "calico/" : "tigera/";
  const kept: Kept[] = [];
  const dropped: DroppedReference[] = [];
  for (const text of references) {
    const reference = parseReference(text);
    const image = reference.path.split("/").slice(-2).join("/");
    const isComponent =
      own.has(image) || (release.basis === "newest" && image.startsWith(owner) && image !== "tigera/operator");
    const first = kept.find((entry) => entry.image === image);
    if (isComponent && !first) kept.push({ text, reference, image });
    else if (first)
      dropped.push({
        reference: text,
        kind: "duplicate",
        reason: `${image} is already in the set as ${first.text}: one digest per image`,
      });
    else if (image === "tigera/operator")
      dropped.push({
        reference: text,
        kind: "operator",
        reason:
          "this operator does not accept it in an ImageSet; pin the operator Deployment itself with `imagepin pin`",
      });
    else if (release.known.has(image))
      dropped.push({
        reference: text,
        kind: "other-variant",
        reason: `not a ${variantTitle[release.variant]} component (the other variant's)`,
      });
    else
      dropped.push({
        reference: text,
        kind: "not-a-component",
        reason: `not a component of ${describeRelease(release)}`,
      });
  }
  return { kept, dropped };
}

/** Where the operator pulls the image: as listed, or moved by the Installation's settings. */
function pullLocation(entry: Kept, settings: PullSettings, release: Release): ImageReference {
  if (!hasPullSettings(settings)) return entry.reference;
  const repository = operatorRepository(entry.image, settings, release);
  return parseReference(`${repository}${entry.reference.tag ? `:${entry.reference.tag}` : ""}`);
}

async function resolveAll(
  located: (Kept & { location: ImageReference })[],
  options: CreateImageSetOptions,
): Promise<Pick<ImageSetResult, "images" | "failures">> {
  const images: ImageSetEntry[] = [];
  const failures: ImageSetResult["failures"] = [];
  await Promise.all(
    located.map(async ({ image, location }) => {
      try {
        const resolution = await options.resolver.resolve(location, {
          platform: options.platform,
          signal: options.signal,
        });
        images.push({
          image,
          digest: resolution.digest,
          resolvedFrom: location.normalized,
          mediaType: resolution.mediaType,
        });
      } catch (error) {
        const code = (error as { code?: string }).code ?? "unknown";
        failures.push({
          reference: location.normalized,
          code,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }),
  );
  images.sort((a, b) => a.image.localeCompare(b.image));
  failures.sort((a, b) => a.reference.localeCompare(b.reference));
  return { images, failures };
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

function sharedTag(kept: Kept[]): string {
  const tags = [...new Set(kept.map(({ reference }) => reference.tag ?? "latest"))];
  if (tags.length !== 1) {
    throw new ImageSetError(
      "version-mismatch",
      `the images carry ${tags.length} different tags (${tags.join(", ")}); an ImageSet pins one release`,
      {
        hint: "pass --version, or give the images of one release",
      },
    );
  }
  return tags[0]!;
}
