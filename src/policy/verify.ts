import { isImagepinError } from "../errors.js";
import {
  applyEdits,
  imageEdit,
  type LockEntry,
  withReplacedDigest,
  type FoundImage,
  type ScannedFile,
  type TextEdit,
} from "../manifests/index.js";
import { ImageReference, tryParseReference } from "../reference/index.js";
import { formatPlatform, platformMatches, type Platform } from "../reference/index.js";
import { resolvesToIndex, type Resolver } from "../resolve/types.js";
import { findingFor, problemFinding, sortFindings, summarize } from "./rules.js";
import type { Finding, RuleDescription, Summary } from "./types.js";
import { checkLockEntries, type VerifyLock } from "./verify-lock.js";

/** The verify rules, with stable ids. */
export const verifyRules: RuleDescription[] = [
  {
    id: "digest-not-found",
    severity: "error",
    description: "The pinned digest does not exist in the repository (deleted, or never pushed there).",
    help: "Nodes that do not have the image cached cannot pull it. Pin again (`imagepin pin`) to a digest that exists, or push the image.",
    docs: "verify.md#digest-not-found",
  },
  {
    id: "tag-moved",
    severity: "warning",
    description: "The tag pinned beside the digest now points to another image.",
    help: "The pin still runs the image it named; the tag now names another. Review the new image and run `imagepin verify --update` to follow it.",
    docs: "verify.md#tag-moved",
  },
  {
    id: "lock-stale",
    severity: "warning",
    description: "A lock file entry no longer matches what the registry gives for its reference.",
    help: "`pin --offline` would write the old digest. Run `imagepin verify --update --lock FILE` (or `imagepin pin --lock FILE`) to record the current digest.",
    docs: "verify.md#lock-stale",
  },
  {
    id: "registry-error",
    severity: "error",
    description: "The registry could not be asked (unreachable, unauthorized, …).",
    help: "Nothing is known about the pin; the message names the registry's answer. Check credentials (docs/auth.md) and reachability.",
    docs: "verify.md#registry-error",
  },
  {
    id: "invalid-yaml",
    severity: "error",
    description: "A YAML document could not be parsed; its images were not checked.",
    help: "The document is reported where the syntax error starts; the other documents of the file are still checked.",
    docs: "lint.md#invalid-yaml",
  },
];

/** Options of {@link verifyFiles}. */
export interface VerifyOptions {
  resolver: Resolver;
  /** Rewrite moved tags to their new digest. */
  update?: boolean;
  /** The platform to follow when a pinned platform manifest's own platform is not known. */
  platform?: Platform;
  /** Check this lock file's entries too (`lock-stale`); with `update`, stale entries are recorded anew. */
  lock?: VerifyLock;
  signal?: AbortSignal;
}

/** Findings of a verify run, and the new text of files `update` changed. */
export interface VerifyResult {
  findings: Finding[];
  summary: Summary;
  updated: { file: ScannedFile; output: string; count: number }[];
}

/** What checking one pinned image found; `newDigest` is set when the tag moved and can be followed. */
interface Check {
  finding?: Finding;
  newDigest?: string;
  /** With `update`: the tag's new resolution, as `pin --lock` records it (set when the index itself was followed). */
  lockEntry?: LockEntry;
}

/**
 * Checks every pinned image: its digest must exist; where a tag is pinned beside it, the tag must
 * still point to it (directly, or as one platform of the index the tag names). With `update`, a
 * moved tag is rewritten to its new digest of the same kind: an index stays an index, a platform
 * manifest becomes the same platform's manifest in the new index.
 */
export async function verifyFiles(files: ScannedFile[], options: VerifyOptions): Promise<VerifyResult> {
  const work: { file: ScannedFile; image: FoundImage; reference: ImageReference }[] = [];
  for (const file of files) {
    for (const image of file.images) {
      const reference = tryParseReference(image.image);
      // ImageSet images name no registry (the Installation does): `imagepin imageset verify` checks them.
      if (
        reference instanceof ImageReference &&
        reference.isPinned &&
        image.kind !== "ImageSet" &&
        image.invalid === undefined
      )
        work.push({ file, image, reference });
    }
  }
  // The registry transport bounds the requests in flight (--concurrency); a second limit here would only lower it.
  const [checks, lockFindings] = await Promise.all([
    Promise.all(work.map(({ image, reference }) => checkImage(image, reference, options))),
    options.lock ? checkLockEntries(options.lock, options.resolver, options.update === true, options.signal) : [],
  ]);
  const findings: Finding[] = [...files.flatMap((file) => file.problems.map(problemFinding)), ...lockFindings];
  const edits = new Map<ScannedFile, TextEdit[]>();
  work.forEach(({ file, image }, index) => {
    const check = checks[index]!;
    if (check.finding) findings.push(check.finding);
    if (!options.update || !check.newDigest) return;
    // The lock learns what the file now says, as pin --lock records what it wrote (lock written first by the CLI).
    if (check.lockEntry && options.lock && !options.lock.lock.get(check.lockEntry.reference))
      options.lock.lock.record(check.lockEntry);
    const written = withReplacedDigest(image, check.newDigest);
    const edit = written === undefined ? undefined : imageEdit(image, written, check.newDigest);
    if (edit && file.problems.length === 0) edits.set(file, [...(edits.get(file) ?? []), edit]);
  });
  const updated = [...edits].map(([file, fileEdits]) => ({
    file,
    output: applyEdits(file.text, fileEdits),
    count: fileEdits.length,
  }));
  const sorted = sortFindings(findings);
  return { findings: sorted, summary: summarize(sorted, files.length, work.length), updated };
}

async function checkImage(image: FoundImage, reference: ImageReference, options: VerifyOptions): Promise<Check> {
  const pinned = reference.digest!;
  let pinnedResolution;
  try {
    pinnedResolution = await options.resolver.resolve(reference, { signal: options.signal });
  } catch (error) {
    if (isImagepinError(error, "not-found"))
      return {
        finding: findingFor(image, "digest-not-found", "error", `${pinned} does not exist in ${reference.name}`),
      };
    return { finding: registryError(image, error, reference) };
  }
  if (reference.tag === undefined) return {};
  const tagged = reference.withoutDigest();
  try {
    const current = await options.resolver.resolve(tagged, { signal: options.signal });
    if (current.digest === pinned) return {};
    const isIndex = resolvesToIndex(current);
    // The index the tag resolved to, by its digest: asking for the tag again could read a newer push.
    const entries =
      isIndex && options.resolver.indexEntries
        ? await options.resolver.indexEntries(current.pinned, { signal: options.signal })
        : [];
    if (entries.some((entry) => entry.digest === pinned)) return {};
    const pinnedIsIndex = resolvesToIndex(pinnedResolution);
    let newDigest: string | undefined = current.digest;
    let note = "";
    let platform: Platform | undefined;
    if (!pinnedIsIndex && isIndex) {
      // The pinned manifest's own platform (from its config) decides; --platform only when it declares none.
      platform =
        pinnedResolution.platform ??
        (await options.resolver.manifestPlatform?.(reference, { signal: options.signal })) ??
        options.platform;
      const platforms = entries.filter((entry) => entry.platform && entry.platform.os !== "unknown");
      const match = platform
        ? platforms.find((entry) => platformMatches(platform!, entry.platform!))
        : platforms.length === 1
          ? platforms[0]
          : undefined;
      newDigest = match?.digest;
      if (!match)
        note = platform
          ? `; the new index has no ${platformName(platform)} manifest`
          : "; pass --platform to say which platform's manifest to follow";
    }
    const updated = options.update && newDigest !== undefined;
    const message = `${taggedName(image)} moved: now ${current.digest}, pinned ${pinned}${newDigest && newDigest !== current.digest ? ` (its ${platformName(platform)} manifest is ${newDigest})` : ""}${note}${updated ? `; updated to ${newDigest}` : ""}`;
    const lockEntry =
      updated && newDigest === current.digest
        ? {
            reference: tagged.normalized,
            digest: current.digest,
            mediaType: current.mediaType,
            resolvedAt: new Date(current.resolvedAt).toISOString(),
          }
        : undefined;
    return {
      finding: findingFor(image, "tag-moved", updated ? "note" : "warning", message),
      newDigest,
      ...(lockEntry ? { lockEntry } : {}),
    };
  } catch (error) {
    if (isImagepinError(error, "not-found"))
      return {
        finding: findingFor(
          image,
          "tag-moved",
          "warning",
          `${taggedName(image)} no longer exists; pinned ${pinned} still does`,
        ),
      };
    return { finding: registryError(image, error, reference) };
  }
}

/** The image as the file names it, without the digest (`R/demo/nginx:1.25`): what a tag finding is about. */
function taggedName(image: FoundImage): string {
  const at = image.image.indexOf("@");
  return at === -1 ? image.image : image.image.slice(0, at);
}

function registryError(image: FoundImage, error: unknown, reference: ImageReference): Finding {
  const code = isImagepinError(error) ? `${error.code}: ` : "";
  const message = withoutLeadingReference(error instanceof Error ? error.message : String(error), reference);
  const finding = findingFor(image, "registry-error", "error", `cannot check ${image.image}: ${code}${message}`);
  // The error's hint (`imagepin auth which IMAGE` for a refused credential) goes with it, as resolve prints it.
  return isImagepinError(error) && error.hint ? { ...finding, hint: error.hint } : finding;
}

/**
 * Registry errors start with the reference they were about (`R/x@sha256:…: registry R …`); the finding
 * already names the image, so a leading reference to the same repository is dropped rather than
 * repeated.
 */
function withoutLeadingReference(message: string, reference: ImageReference): string {
  const match = /^(\S+?): /.exec(message);
  const leading = match ? tryParseReference(match[1]!) : undefined;
  return leading instanceof ImageReference && leading.name === reference.name
    ? message.slice(match![0].length)
    : message;
}

function platformName(platform: Platform | undefined): string {
  return platform ? formatPlatform(platform) : "platform";
}
