import { isImagepinError } from "../errors.js";
import { ImageReference, tryParseReference, type Platform } from "../reference/index.js";
import type { Resolver } from "../resolve/types.js";
import { lockPlatform, type Lockfile } from "./lock.js";
import { applyEdits, imageEdit, withWrittenDigest, type TextEdit } from "./rewrite.js";
import { isSuppressed } from "./suppression.js";
import type { FoundImage, ScannedFile } from "./types.js";

/** Options of {@link pinFiles}. */
export interface PinOptions {
  /** Needed unless `offline`. */
  resolver?: Resolver;
  platform?: Platform;
  /** Keep `name:tag` before the digest (default; `name:latest` for an untagged image); false writes `name@sha256:…`. */
  keepTag?: boolean;
  /** Resolutions are recorded here, and read from here when `offline`. */
  lock?: Lockfile;
  /** Resolve from `lock` only, never from the registry. */
  offline?: boolean;
  signal?: AbortSignal;
}

/** One image value rewritten. */
export interface PinChange {
  image: FoundImage;
  from: string;
  to: string;
  /** Set when the tag was asked to go (`keepTag: false`) but stays, and why (it is part of a variable). */
  tagKept?: string;
}

/** An image that could not be pinned, and why. */
export interface PinFailure {
  image: FoundImage;
  code: string;
  /** Why, without the image (the caller names it once). */
  message: string;
  /** What to do about it, when the error said (`imagepin auth which IMAGE` for a refused credential). */
  hint?: string;
}

/** What pinning did to one file. */
export interface PinnedFile {
  file: ScannedFile;
  /** The new text; the original text when nothing changed or the file failed. */
  output: string;
  changed: boolean;
  /**
   * A document did not parse (the file stays untouched) or an image could not be pinned (the file's other
   * images are still pinned: `output` and `changes` say what was).
   */
  failed: boolean;
  changes: PinChange[];
  failures: PinFailure[];
  /** Unpinned images that cannot be rewritten in place (ARG-built FROM lines, block scalars). */
  skipped: { image: FoundImage; reason: string }[];
}

/** Why a reference has no digest. */
interface Unresolved {
  code: string;
  message: string;
  hint?: string;
}

/** A resolved digest with what the lock records about it. */
interface Pin {
  digest: string;
  mediaType: string;
  resolvedAt: number;
}

/**
 * Pins every unpinned image of the files: each distinct reference is resolved once, concurrently;
 * each image value is rewritten to `name:tag@digest` (an untagged one to `name:latest@digest`; or
 * `name@digest` without `keepTag`), touching nothing else.
 * References that already carry a digest are left as written. An image that cannot be pinned (an
 * invalid reference, a failed resolution) is reported in `failures` and the file's other images are
 * still pinned; a file with a malformed document keeps its original text. Both are marked `failed`.
 */
export async function pinFiles(files: ScannedFile[], options: PinOptions): Promise<PinnedFile[]> {
  const wanted = new Map<string, ImageReference>();
  for (const file of files) {
    for (const image of file.images) {
      const reference = tryParseReference(image.image);
      if (
        reference instanceof ImageReference &&
        !reference.isPinned &&
        image.slot &&
        image.invalid === undefined &&
        !isPinSuppressed(image)
      )
        wanted.set(reference.normalized, reference);
    }
  }
  const outcomes = new Map<string, Pin | Unresolved>();
  // All at once: the registry transport bounds the requests in flight (--concurrency).
  await Promise.all(
    [...wanted].map(async ([key, reference]) => outcomes.set(key, await resolveOne(reference, options))),
  );
  return files.map((file) => pinFile(file, outcomes, options.keepTag ?? true));
}

/**
 * An image whose `digest-missing` rule is switched off (`# imagepin:ignore`, the `imagepin.io/ignore`
 * annotation) is meant to stay unpinned, often a placeholder that a Kustomize `images:` entry renames.
 */
function isPinSuppressed(image: FoundImage): boolean {
  return isSuppressed(image.ignored, "digest-missing");
}

async function resolveOne(reference: ImageReference, options: PinOptions): Promise<Pin | Unresolved> {
  const platform = options.platform && lockPlatform(options.platform);
  const locked = options.lock?.get(reference.normalized, options.platform);
  if (options.offline) {
    if (locked)
      return { digest: locked.digest, mediaType: locked.mediaType, resolvedAt: Date.parse(locked.resolvedAt) };
    return {
      code: "not-in-lock",
      message: `${reference.normalized}${platform ? ` (${platform})` : ""} is not in the lock file; run pin without --offline to resolve it`,
    };
  }
  if (!options.resolver) return { code: "no-resolver", message: "no resolver configured" };
  try {
    const resolution = await options.resolver.resolve(reference, {
      platform: options.platform,
      signal: options.signal,
    });
    options.lock?.record({
      reference: reference.normalized,
      ...(platform ? { platform } : {}),
      digest: resolution.digest,
      mediaType: resolution.mediaType,
      resolvedAt: new Date(resolution.resolvedAt).toISOString(),
    });
    return { digest: resolution.digest, mediaType: resolution.mediaType, resolvedAt: resolution.resolvedAt };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Registry errors start with the reference; the failure is reported beside the image, so once is enough.
    const own = message.startsWith(`${reference.normalized}: `)
      ? message.slice(reference.normalized.length + 2)
      : message;
    return {
      code: isImagepinError(error) ? error.code : "error",
      message: own,
      ...(isImagepinError(error) && error.hint ? { hint: error.hint } : {}),
    };
  }
}

function pinFile(file: ScannedFile, outcomes: Map<string, Pin | Unresolved>, keepTag: boolean): PinnedFile {
  const edits: TextEdit[] = [];
  const result: PinnedFile = {
    file,
    output: file.text,
    changed: false,
    failed: file.problems.length > 0,
    changes: [],
    failures: [],
    skipped: [],
  };
  for (const image of file.images) {
    if (isPinSuppressed(image)) continue;
    // `image: $IMAGE`, `FROM ${BASE}` without a default: unknown until run time, reported once here.
    if (image.fromVariable !== undefined) {
      result.skipped.push({ image, reason: image.fromVariable });
      continue;
    }
    // Not a string at all: pinning would write a reference the author never meant (`1.25:latest@…`).
    if (image.invalid !== undefined) {
      result.failures.push({ image, code: "invalid-reference", message: image.invalid });
      continue;
    }
    const reference = tryParseReference(image.image);
    if (!(reference instanceof ImageReference)) {
      if (image.slot) result.failures.push({ image, code: reference.code, message: reference.message });
      // `FROM nginx:$TAG` without a default is not a reference yet; say why it was left alone.
      else if (image.notRewritable) result.skipped.push({ image, reason: image.notRewritable });
      continue;
    }
    if (reference.isPinned) continue;
    if (!image.slot) {
      result.skipped.push({ image, reason: image.notRewritable ?? "cannot be rewritten in place" });
      continue;
    }
    const outcome = outcomes.get(reference.normalized);
    if (!outcome || !("digest" in outcome)) {
      result.failures.push({
        image,
        code: outcome?.code ?? "error",
        message: outcome?.message ?? "not resolved",
        ...(outcome?.hint ? { hint: outcome.hint } : {}),
      });
      continue;
    }
    const written = image.written ?? image.image;
    const pinned = withWrittenDigest(image, outcome.digest, keepTag, reference.tag === undefined);
    const edit = imageEdit(image, pinned.text, outcome.digest, keepTag);
    if (!edit) continue;
    edits.push(edit);
    result.changes.push({
      image,
      from: written,
      to: pinned.text,
      ...(pinned.tagKept ? { tagKept: pinned.tagKept } : {}),
    });
  }
  if (result.failures.length > 0) result.failed = true;
  // A malformed document may hide how the rest is nested: nothing of that file is rewritten.
  if (file.problems.length > 0) result.changes = [];
  if (file.problems.length > 0 || edits.length === 0) return result;
  result.output = applyEdits(file.text, edits);
  result.changed = result.output !== file.text;
  return result;
}
