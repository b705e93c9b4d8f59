/**
 * Which operator release looks for which ImageSet, and what it accepts and renders: the tables in
 * release-data.ts, read from tigera/operator's sources at every release tag from v1.32.0 to v1.43.0
 * (Calico v3.26.1 to v3.32.1, the last six minors v3.27 to v3.32 whole; Calico Enterprise v3.18.0-2.0
 * to the v3.24.0-1.0 preview):
 * - pkg/components/calico.go `CalicoRelease` and `CalicoImages`, enterprise.go `EnterpriseRelease` and
 *   `EnterpriseImages`; `ComponentOperatorInit` (tigera/operator: in CalicoImages up to v1.35, refused since);
 * - pkg/components/images.go: the default registries (`CalicoRegistry` is docker.io/ up to v1.38.6 and
 *   quay.io/ from v1.38.7; `TigeraRegistry` is quay.io/ in every release of the Enterprise variant);
 * - pkg/components/references.go `GetReference`: see pull-reference.ts for its two generations.
 * Regenerate release-data.ts with scripts/imageset-release-data.mjs from a tigera/operator clone after a
 * release; nothing else changes.
 */
import { componentChanges, operatorPatches } from "./release-data.js";
import type {
  ComponentLists,
  ListChange,
  OperatorPatch,
  OperatorSeries,
  SeriesChanges,
  Variant,
} from "./release-types.js";

export type { ComponentLists, OperatorPatch, OperatorSeries, Variant } from "./release-types.js";
export { operatorPatches } from "./release-data.js";

/** Every operator series with whole component lists per release: release-data.ts's changes added up in order. */
export const operatorSeries: OperatorSeries[] = addUpChanges(componentChanges);

function addUpChanges(recorded: SeriesChanges[]): OperatorSeries[] {
  let calico: string[] = [];
  let enterprise: string[] = [];
  const apply = (list: string[], change: ListChange | undefined) =>
    change ? [...list.filter((image) => !change.remove?.includes(image)), ...(change.add ?? [])].sort() : list;
  return recorded.map(({ operator, source, changes }) => ({
    operator,
    source,
    lists: changes.map(({ since, ...change }) => {
      calico = apply(calico, change.calico);
      enterprise = apply(enterprise, change.enterprise);
      return { since, calico, enterprise };
    }),
  }));
}

/** How `GetReference` builds a pull reference: string concatenation up to v1.40, `path.Join` from v1.41. */
export type ReferenceRules = "concatenate" | "join";

/** The first operator release whose GetReference joins registry, imagePath and name with `path.Join`. */
export const joinRulesSince = "v1.41.0";
/** The first operator release whose default registry for `calico/…` images is quay.io (docker.io before). */
export const quayDefaultSince = "v1.38.7";

/** What imagepin knows about the operator release a set is judged against. */
export interface Release {
  variant: Variant;
  /** The release the set must be named after (`v3.32.1`), when known. */
  version?: string;
  /** The operator release, when known exactly (`v1.42.4`). */
  operator?: string;
  /** The operator releases that deploy `version`, when the operator itself is not known. */
  operatorCandidates: string[];
  series: OperatorSeries;
  lists: ComponentLists;
  /** Every image the operator accepts in a set (both variants' lists; of every candidate operator). */
  known: ReadonlySet<string>;
  rules: ReferenceRules;
  /** Default registry per image owner (`calico`, `tigera`), with its trailing `/` as the operator has it. */
  defaultRegistry: Readonly<Record<string, string>>;
  /**
   * How the release was found: `operator` (its exact release), `version` (a release of the variant),
   * `minor` (a patch release imagepin has no row for: the newest of that minor is used), `newest`
   * (nothing known: judged against the newest lists).
   */
  basis: "operator" | "version" | "minor" | "newest";
}

const variantColumn: Record<Variant, 1 | 2> = { calico: 1, enterprise: 2 };

/** The product names users know the variants by. */
export const variantTitle: Record<Variant, string> = { calico: "Calico", enterprise: "Calico Enterprise" };

/** Numeric parts of `v1.36.10.1`, `v3.24.0-1.0` or `3.32`; empty when it is no version. */
export function versionParts(version: string): number[] {
  const match = /^v?(\d+(?:\.\d+)*)(?:-(\d+(?:\.\d+)*))?$/.exec(version);
  if (!match) return [];
  return [...match[1]!.split("."), ...(match[2] ? ["-1", ...match[2].split(".")] : [])].map(Number);
}

/** Orders versions numerically (`v1.38.10` after `v1.38.9`; a `-1.0` preview before its release). */
export function compareVersions(a: string, b: string): number {
  const left = versionParts(a);
  const right = versionParts(b);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** `vMAJOR.MINOR` of a version, or undefined when it is none. */
export function minorOf(version: string): string | undefined {
  const parts = versionParts(version);
  return parts.length >= 2 ? `v${parts[0]}.${parts[1]}` : undefined;
}

/** A version as tags and set names carry it: with the leading `v`. */
export function canonicalVersion(version: string): string {
  return version.startsWith("v") ? version : `v${version}`;
}

function seriesOf(operator: string): OperatorSeries | undefined {
  const minor = minorOf(operator);
  return operatorSeries.find((series) => series.operator === minor);
}

/** The component lists an operator release of the series uses (the last entry whose `since` it reached). */
function listsAt(series: OperatorSeries, operator?: string): ComponentLists {
  const applicable = series.lists.filter(
    (lists) => operator === undefined || compareVersions(lists.since, operator) <= 0,
  );
  return applicable.at(-1) ?? series.lists[0]!;
}

/** pkg/components/images.go `TigeraRegistry` and (from v1.38.7) `CalicoRegistry`; `CalicoRegistry` before that. */
const quayRegistry = "quay.io/";
const dockerHubRegistry = "docker.io/";

function defaultRegistries(operator: string): Record<string, string> {
  return {
    calico: compareVersions(operator, quayDefaultSince) >= 0 ? quayRegistry : dockerHubRegistry,
    tigera: quayRegistry,
  };
}

/** The registry the operator pulls an image (`calico/node`) from when the Installation names none. */
export function defaultRegistryOf(release: Pick<Release, "defaultRegistry">, image: string): string {
  return release.defaultRegistry[image.split("/")[0]!] ?? quayRegistry;
}

function release(
  variant: Variant,
  operator: string,
  basis: Release["basis"],
  candidates: OperatorPatch[],
  version?: string,
): Release {
  const series = seriesOf(operator)!;
  const lists = listsAt(series, operator);
  const known = new Set<string>();
  for (const [candidate] of candidates.length > 0 ? candidates : [[operator, null, null] as OperatorPatch]) {
    const candidateLists = listsAt(seriesOf(candidate)!, candidate);
    for (const image of [...candidateLists.calico, ...candidateLists.enterprise]) known.add(image);
  }
  return {
    variant,
    version,
    operator: basis === "operator" ? operator : undefined,
    operatorCandidates: candidates.map(([candidate]) => candidate),
    series,
    lists,
    known,
    rules: compareVersions(operator, joinRulesSince) >= 0 ? "join" : "concatenate",
    defaultRegistry: defaultRegistries(operator),
    basis,
  };
}

/**
 * The release an operator image's tag (`v1.42.4`) deploys for the variant; undefined when imagepin
 * has no lists for its series. `version` is undefined when the tag is a release imagepin has no row
 * for, or a build that is no release of the variant.
 */
export function releaseForOperator(variant: Variant, operator: string): Release | undefined {
  const tag = canonicalVersion(operator);
  if (!seriesOf(tag) || versionParts(tag).length < 3) return undefined;
  const patch = operatorPatches.find(([candidate]) => candidate === tag);
  return release(variant, tag, "operator", [], patch?.[variantColumn[variant]] ?? undefined);
}

/**
 * The release of the variant named `version` (`v3.32.1`): the operator releases that deploy it, or
 * those of the newest patch of its minor, or (for a minor imagepin does not know) the newest lists.
 */
export function releaseForVersion(variant: Variant, version: string): Release {
  const wanted = canonicalVersion(version);
  const column = variantColumn[variant];
  const exact = operatorPatches.filter((patch) => patch[column] === wanted);
  if (exact.length > 0) return release(variant, exact.at(-1)![0], "version", exact, wanted);
  const sameMinor = operatorPatches.filter(
    (patch) => patch[column] !== null && minorOf(patch[column]!) === minorOf(wanted),
  );
  if (sameMinor.length > 0) {
    const newest = sameMinor.reduce((best, patch) =>
      compareVersions(patch[column]!, best[column]!) >= 0 ? patch : best,
    );
    const candidates = sameMinor.filter((patch) => patch[column] === newest[column]);
    return release(variant, candidates.at(-1)![0], "minor", candidates, wanted);
  }
  return newestRelease(variant, wanted);
}

/** The newest release of the variant imagepin knows, used to judge a release it does not know. */
export function newestRelease(variant: Variant, version?: string): Release {
  const newest = operatorPatches.filter((patch) => patch[variantColumn[variant]] !== null).at(-1)!;
  return release(variant, newest[0], "newest", [newest], version);
}

/** The images of the variant the release renders from (`calico/…` or `tigera/…` components). */
export function variantImages(release: Release): string[] {
  return release.lists[release.variant];
}

/** The variant whose list holds the image in this release, or undefined when it is in neither. */
export function imageVariant(release: Release, image: string): Variant | undefined {
  if (release.lists.calico.includes(image)) return "calico";
  if (release.lists.enterprise.includes(image)) return "enterprise";
  return undefined;
}

/**
 * The first release of the variant whose operator lists the image, or undefined when every release
 * imagepin knows has it: `{ operator: "v1.38.0", version: "v3.30.0" }` for calico/goldmane.
 */
export function firstAppearance(variant: Variant, image: string): { operator: string; version: string } | undefined {
  const column = variantColumn[variant];
  const oldest = operatorSeries[0]!.lists[0]!;
  if (oldest[variant].includes(image)) return undefined;
  for (const series of operatorSeries) {
    for (const lists of series.lists) {
      if (!lists[variant].includes(image)) continue;
      const patch = operatorPatches.find(
        (candidate) => compareVersions(candidate[0], lists.since) >= 0 && candidate[column] !== null,
      );
      if (patch) return { operator: lists.since, version: patch[column]! };
    }
  }
  return undefined;
}

/** The oldest release of the variant imagepin has lists for (`v3.26.1` for Calico). */
export function oldestKnownRelease(variant: Variant): string {
  return operatorPatches.find((patch) => patch[variantColumn[variant]] !== null)![variantColumn[variant]]!;
}

/**
 * `Calico v3.32.1 (operator v1.42.4)`, as messages name a release; the operator only when it is the one,
 * or the newest one, that deploys exactly this release.
 */
export function describeRelease(release: Release): string {
  const version = release.version ?? "(release not known)";
  const operator =
    release.basis === "operator"
      ? release.operator
      : release.basis === "version"
        ? release.operatorCandidates.at(-1)
        : undefined;
  return `${variantTitle[release.variant]} ${version}${operator ? ` (operator ${operator})` : ""}`;
}

/** The operator release whose lists judge a release imagepin has no exact row for (`minor`, `newest`). */
export function listsSource(release: Release): string {
  return `operator ${release.operatorCandidates.at(-1) ?? release.series.operator}`;
}
