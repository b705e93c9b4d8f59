import { isMap, isSeq, type Document, type Node } from "yaml";
import { isValidDigest, parseReference, type ImageReference } from "../reference/index.js";
import type { Resolver } from "../resolve/types.js";
import { documentsOfKind, parseYamlFile, type ParsedFile } from "./documents.js";
import { ImageSetError } from "./errors.js";
import { describeMissing } from "./needs.js";
import { operatorRepository, type PullSettings } from "./pull-reference.js";
import {
  canonicalVersion,
  describeRelease,
  imageVariant,
  listsSource,
  releaseForOperator,
  releaseForVersion,
  variantImages,
  variantTitle,
  type Release,
  type Variant,
} from "./releases.js";

/** How much a problem matters: errors fail verify (the operator refuses, or a pull fails); warnings and notes do not. */
export type ProblemSeverity = "error" | "warning" | "note";

/** One thing to say about an ImageSet, with where it is. */
export interface ImageSetProblem {
  code:
    | "invalid-imageset"
    | "invalid-name"
    | "wrong-name"
    | "other-variant"
    | "unused-set"
    | "release-unknown"
    | "unknown-image"
    | "unused-image"
    | "invalid-digest"
    | "duplicate-image"
    | "missing-component"
    | "invalid-pull-reference"
    | "digest-not-found"
    | "registry-error";
  severity: ProblemSeverity;
  message: string;
  line?: number;
  column?: number;
  image?: string;
  /** The set's `metadata.name`, when the problem is about one set. */
  set?: string;
}

/** Options of {@link verifyImageSet}. */
export interface VerifyImageSetOptions {
  /** The file's text: one or more ImageSets (other documents are ignored). */
  text: string;
  /** The Installation's variant; default: judge each variant the file holds on its own. */
  variant?: Variant;
  /** The operator release (`v1.42.4`) the sets are for, as its Deployment's image tag says. */
  operator?: string;
  /** The release (`v3.32.1`) the set must be named after; default: the operator's, or each set's name. */
  version?: string;
  /** The Installation's registry, imagePath and imagePrefix. */
  pull?: PullSettings;
  /** Missing components are errors instead of warnings. */
  complete?: boolean;
  /** Everything but digest existence: no registry request. */
  offline?: boolean;
  /** Asked whether each digest exists where the operator pulls it; unused when `offline`. */
  resolver?: Resolver;
  signal?: AbortSignal;
}

/** What {@link verifyImageSet} found: every problem, and the sets it judged against which release. */
export interface ImageSetVerification {
  problems: ImageSetProblem[];
  judged: { name: string; release: string }[];
}

interface SetDocument {
  name: string;
  document: Document.Parsed;
  nameAt: { line?: number; column?: number };
}

const releaseName = /^(calico|enterprise)-(v\d+\.\d+\.\d+(?:-\d+\.\d+)?)$/;

/** True when a result holds a problem that fails verification. */
export function hasErrors(problems: ImageSetProblem[]): boolean {
  return problems.some((problem) => problem.severity === "error");
}

/**
 * Judges the ImageSets of a file as tigera/operator's pkg/controller/utils/imageset/imageset.go does
 * (`GetImageSet`, `ValidateImageSet`, then each rendered component's `ResolveImages`):
 * - a set belongs to a variant by its name's prefix (`calico…`, `enterprise…`); sets of the other
 *   variant are ignored; when sets of the variant exist, one must be named exactly
 *   `<variant>-<release>` or the operator refuses to deploy (`wrong-name`, `invalid-name`);
 * - it refuses a set with an image that is in neither variant's component list (`unknown-image`) or a
 *   digest that does not start with `sha256:` (`invalid-digest`);
 * - it fails to roll out a component it renders when the set lacks it: a warning
 *   (`missing-component`), an error with `complete`.
 * Digests that are malformed or absent where the operator pulls them are errors too, since the pull
 * fails. Without `operator` or `version`, each set is judged against the release its name gives.
 *
 * @throws ImageSetError `version-mismatch` when `version` is not the release `operator` deploys.
 */
export async function verifyImageSet(options: VerifyImageSetOptions): Promise<ImageSetVerification> {
  const file = parseYamlFile(options.text);
  if (file.errors.length > 0) {
    return {
      problems: file.errors.map(({ message, line, column }) => ({
        code: "invalid-imageset",
        severity: "error",
        message: `not valid YAML: ${message}`,
        line,
        column,
      })),
      judged: [],
    };
  }
  const sets = readSets(file);
  if (sets.length === 0)
    return {
      problems: [
        {
          code: "invalid-imageset",
          severity: "error",
          message: "no ImageSet (apiVersion operator.tigera.io/v1, kind ImageSet) in the file",
          line: 1,
          column: 1,
        },
      ],
      judged: [],
    };
  const problems: ImageSetProblem[] = [];
  const judged: { set: SetDocument; release: Release }[] = [];
  const groups = groupByVariant(sets, problems);
  const variants: Variant[] = options.variant
    ? [options.variant]
    : (["calico", "enterprise"] as const).filter((variant) => groups[variant].length > 0);
  for (const variant of variants) {
    if (options.variant) reportOtherVariant(groups, variant, problems);
    judged.push(...chooseSets(groups[variant], variant, options, problems));
  }
  const lookups = judged.flatMap(({ set, release }) => judgeSet(set, release, options, file, problems));
  problems.push(...(await summarizeRegistryFailures(lookups)));
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return {
    problems,
    judged: judged.map(({ set, release }) => ({ name: set.name, release: describeRelease(release) })),
  };
}

function readSets(file: ParsedFile): SetDocument[] {
  return documentsOfKind(file, "ImageSet", "operator.tigera.io/v1").map(({ value, document }) => {
    const metadata = value.metadata as { name?: unknown } | undefined;
    const nameNode = document.getIn(["metadata", "name"], true) as Node | undefined;
    return {
      name: typeof metadata?.name === "string" ? metadata.name : "",
      document,
      nameAt: file.at(nameNode ?? (document.contents as Node)),
    };
  });
}

/** Sets by the variant the operator counts them for (`strings.HasPrefix(name, "calico")`); others are ignored by it. */
function groupByVariant(sets: SetDocument[], problems: ImageSetProblem[]): Record<Variant, SetDocument[]> {
  const groups: Record<Variant, SetDocument[]> = { calico: [], enterprise: [] };
  for (const set of sets) {
    if (set.name.startsWith("calico")) groups.calico.push(set);
    else if (set.name.startsWith("enterprise")) groups.enterprise.push(set);
    else {
      problems.push({
        code: "invalid-name",
        severity: "error",
        set: set.name,
        ...set.nameAt,
        message: `${JSON.stringify(set.name)}: the operator ignores a set whose name starts with neither calico nor enterprise, and deploys by tag`,
      });
    }
  }
  return groups;
}

function reportOtherVariant(
  groups: Record<Variant, SetDocument[]>,
  variant: Variant,
  problems: ImageSetProblem[],
): void {
  const other: Variant = variant === "calico" ? "enterprise" : "calico";
  for (const set of groups[other]) {
    problems.push({
      code: "other-variant",
      set: set.name,
      ...set.nameAt,
      severity: groups[variant].length === 0 ? "error" : "note",
      message: `${set.name} is a ${variantTitle[other]} set: the operator ignores it for ${variantTitle[variant]}${groups[variant].length === 0 ? `, and with no ${variant}-<release> set deploys ${variantTitle[variant]} by tag` : ""}`,
    });
  }
}

/** The release the operator is known to run, from its release or `version`; undefined when only the names can tell. */
function knownRelease(
  variant: Variant,
  options: VerifyImageSetOptions,
  problems: ImageSetProblem[],
): Release | undefined {
  if (options.operator) {
    const release = releaseForOperator(variant, options.operator);
    if (release?.version) {
      if (options.version && canonicalVersion(options.version) !== release.version) {
        throw new ImageSetError(
          "version-mismatch",
          `operator ${options.operator} deploys ${variantTitle[variant]} ${release.version}, not ${canonicalVersion(options.version)}`,
        );
      }
      return release;
    }
    if (!options.version) {
      problems.push({
        code: "release-unknown",
        severity: "warning",
        line: 1,
        column: 1,
        message: `imagepin does not know which ${variantTitle[variant]} release operator ${options.operator} deploys; each set is judged by its name (give --version to check the name)`,
      });
    }
  }
  return options.version ? releaseForVersion(variant, options.version) : undefined;
}

/** The sets the operator would use, each with the release it is judged against. */
function chooseSets(
  sets: SetDocument[],
  variant: Variant,
  options: VerifyImageSetOptions,
  problems: ImageSetProblem[],
): { set: SetDocument; release: Release }[] {
  if (sets.length === 0) return [];
  const known = knownRelease(variant, options, problems);
  if (known) {
    const expected = `${variant}-${known.version}`;
    const matching = sets.filter((set) => set.name === expected);
    for (const set of sets.filter((candidate) => candidate.name !== expected)) {
      problems.push(
        matching.length > 0
          ? {
              code: "unused-set",
              severity: "note",
              set: set.name,
              ...set.nameAt,
              message: `${set.name} is not used by ${describeRelease(known)}, which looks for ${expected}`,
            }
          : {
              code: "wrong-name",
              severity: "error",
              set: set.name,
              ...set.nameAt,
              message: `${set.name}: ImageSets of the ${variant} variant exist but none is named ${expected}, so ${describeRelease(known)} refuses to deploy`,
            },
      );
    }
    for (const duplicate of matching.slice(1)) {
      problems.push({
        code: "invalid-imageset",
        severity: "error",
        set: duplicate.name,
        ...duplicate.nameAt,
        message: `${expected} is defined twice in the file: the second replaces the first when applied`,
      });
    }
    return matching.slice(0, 1).map((set) => ({ set, release: known }));
  }
  const chosen: { set: SetDocument; release: Release }[] = [];
  for (const set of sets) {
    const match = releaseName.exec(set.name);
    if (!match || match[1] !== variant) {
      problems.push({
        code: "invalid-name",
        severity: "error",
        set: set.name,
        ...set.nameAt,
        message: `${JSON.stringify(set.name)} is counted as a ${variant} set but can never be ${variant}-<release> (such as ${variant}-v3.32.1): the operator refuses to deploy while it exists without the right one`,
      });
      continue;
    }
    const release = releaseForVersion(variant, match[2]!);
    if (release.basis === "newest" || release.basis === "minor") {
      const known =
        release.basis === "minor"
          ? `no operator release imagepin knows deploys ${variantTitle[variant]} ${match[2]}`
          : `imagepin has no component list for ${variantTitle[variant]} ${match[2]}`;
      problems.push({
        code: "release-unknown",
        severity: release.basis === "minor" ? "note" : "warning",
        set: set.name,
        ...set.nameAt,
        message: `${known}; judged against the lists of ${listsSource(release)}`,
      });
    }
    chosen.push({ set, release });
  }
  return chosen;
}

interface Lookup {
  image: string;
  location: ImageReference;
  line?: number;
  column?: number;
  outcome: Promise<{ code?: string; message?: string } | undefined>;
}

/** Checks one set's entries and components; returns the digest lookups it started. */
function judgeSet(
  set: SetDocument,
  release: Release,
  options: VerifyImageSetOptions,
  file: ParsedFile,
  problems: ImageSetProblem[],
): Lookup[] {
  const images = set.document.getIn(["spec", "images"], true);
  const base = { set: set.name };
  if (!isSeq(images)) {
    problems.push({
      ...base,
      code: "invalid-imageset",
      severity: "error",
      message: `${set.name}: spec.images must be a list of {image, digest}`,
      ...set.nameAt,
    });
    return [];
  }
  const seen = new Set<string>();
  const lookups: Lookup[] = [];
  for (const item of images.items) {
    if (!isMap(item) || typeof item.get("image") !== "string") {
      problems.push({
        ...base,
        code: "invalid-imageset",
        severity: "error",
        message: "each spec.images entry must be {image, digest}",
        ...file.at(item as Node),
      });
      continue;
    }
    const image = item.get("image") as string;
    const digest = String(item.get("digest") ?? "");
    const imageAt = file.at(item.get("image", true) as Node);
    const digestAt = file.at(item.get("digest", true) as Node | undefined);
    if (seen.has(image))
      problems.push({
        ...base,
        code: "duplicate-image",
        severity: "warning",
        image,
        ...imageAt,
        message: `${image} is listed twice: the operator uses the first entry`,
      });
    seen.add(image);
    const owner = imageVariant(release, image);
    if (!release.known.has(image)) {
      const hint = image === "tigera/operator" ? " (pin the operator Deployment itself with `imagepin pin`)" : "";
      problems.push({
        ...base,
        code: "unknown-image",
        severity: "error",
        image,
        ...imageAt,
        message: `${image} is not an image ${describeRelease(release)} knows, so it refuses the set${hint}`,
      });
      continue;
    }
    if (!digest.startsWith("sha256:")) {
      problems.push({
        ...base,
        code: "invalid-digest",
        severity: "error",
        image,
        ...digestAt,
        message: `${image}: digest ${JSON.stringify(digest)} does not start with sha256:, so the operator refuses the set`,
      });
      continue;
    }
    if (!isValidDigest(digest)) {
      problems.push({
        ...base,
        code: "invalid-digest",
        severity: "error",
        image,
        ...digestAt,
        message: `${image}: digest ${JSON.stringify(digest)} is not sha256: with 64 lowercase hex digits; the pull would fail`,
      });
      continue;
    }
    if (owner !== release.variant) {
      problems.push({
        ...base,
        code: "unused-image",
        severity: "warning",
        image,
        ...imageAt,
        message: `${image} is a ${variantTitle[owner!]} image: the operator accepts it but never deploys it for ${variantTitle[release.variant]}`,
      });
      continue;
    }
    const lookup = digestLookup(image, digest, release, options, problems, { ...base, ...digestAt });
    if (lookup) lookups.push(lookup);
  }
  reportMissing(release, seen, options, problems, { ...base, ...file.at(images) });
  return lookups;
}

function digestLookup(
  image: string,
  digest: string,
  release: Release,
  options: VerifyImageSetOptions,
  problems: ImageSetProblem[],
  where: { set: string; line?: number; column?: number },
): Lookup | undefined {
  const repository = operatorRepository(image, options.pull ?? {}, release);
  let location: ImageReference;
  try {
    location = parseReference(`${repository}@${digest}`);
  } catch (error) {
    problems.push({
      ...where,
      code: "invalid-pull-reference",
      severity: "error",
      image,
      message: `the operator would pull ${image} as ${repository}@…, which is no valid reference (${(error as Error).message}); check the registry, imagePath and imagePrefix`,
    });
    return undefined;
  }
  if (options.offline || !options.resolver) return undefined;
  const outcome = options.resolver.resolve(location, { signal: options.signal }).then(
    () => undefined,
    (error: { code?: string; message?: string }) => error,
  );
  return { image, location, line: where.line, column: where.column, outcome };
}

function reportMissing(
  release: Release,
  seen: Set<string>,
  options: VerifyImageSetOptions,
  problems: ImageSetProblem[],
  where: { set: string; line?: number; column?: number },
): void {
  for (const image of variantImages(release)) {
    if (seen.has(image)) continue;
    problems.push({
      ...where,
      code: "missing-component",
      severity: options.complete ? "error" : "warning",
      image,
      message: describeMissing(image, release),
    });
  }
}

/** Digest lookups as problems: not found per image; an unreachable or refusing registry said once per registry and cause. */
async function summarizeRegistryFailures(lookups: Lookup[]): Promise<ImageSetProblem[]> {
  const problems: ImageSetProblem[] = [];
  const byCause = new Map<string, Lookup[]>();
  const failures = new Map<Lookup, { code?: string; message?: string }>();
  for (const lookup of lookups) {
    const error = await lookup.outcome;
    if (!error) continue;
    if (error.code === "not-found") {
      problems.push({
        code: "digest-not-found",
        severity: "error",
        image: lookup.image,
        line: lookup.line,
        column: lookup.column,
        message: `${lookup.image}: ${lookup.location.digest} does not exist at ${lookup.location.name}`,
      });
      continue;
    }
    failures.set(lookup, error);
    const key = `${lookup.location.domain} ${error.code ?? "error"}`;
    byCause.set(key, [...(byCause.get(key) ?? []), lookup]);
  }
  for (const group of byCause.values()) {
    const [first] = group.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) as [Lookup];
    const others = group.length > 1 ? ` (and ${group.length - 1} more image(s) not checked for the same reason)` : "";
    const message = failures.get(first)?.message ?? "the registry could not be asked";
    problems.push({
      code: "registry-error",
      severity: "error",
      image: first.image,
      line: first.line,
      column: first.column,
      message: `${first.image}: ${message}${others}`,
    });
  }
  return problems;
}
