import { isImagepinError } from "../errors.js";
import type { LockEntry, Lockfile } from "../manifests/index.js";
import { ImageReference, parsePlatform, tryParseReference } from "../reference/index.js";
import type { Resolver } from "../resolve/types.js";
import type { Finding } from "./types.js";

/** The lock file verify checks, with its path and text so findings point at the entry's line. */
export interface VerifyLock {
  lock: Lockfile;
  path: string;
  text: string;
}

/**
 * Asks the registry for every lock entry's reference (and platform) again: an entry whose digest is no
 * longer what the registry gives is `lock-stale` (a warning: `pin --offline` would write the old digest).
 * With `update` the entry is recorded anew in `lock` and the finding is a note.
 */
export async function checkLockEntries(
  verifyLock: VerifyLock,
  resolver: Resolver,
  update: boolean,
  signal?: AbortSignal,
): Promise<Finding[]> {
  const findings = await Promise.all(
    verifyLock.lock.list().map((entry) => checkEntry(entry, verifyLock, resolver, update, signal)),
  );
  return findings.filter((finding): finding is Finding => finding !== undefined);
}

async function checkEntry(
  entry: LockEntry,
  verifyLock: VerifyLock,
  resolver: Resolver,
  update: boolean,
  signal?: AbortSignal,
): Promise<Finding | undefined> {
  const reference = tryParseReference(entry.reference);
  if (!(reference instanceof ImageReference) || reference.isPinned) return undefined;
  const where = entry.platform ? `${entry.reference} (${entry.platform})` : entry.reference;
  const finding = (rule: string, severity: Finding["severity"], message: string): Finding => ({
    ...entryLocation(verifyLock, entry),
    rule,
    severity,
    kind: null,
    namespace: null,
    name: null,
    container: null,
    image: entry.reference,
    message,
  });
  let now;
  try {
    now = await resolver.resolve(reference, {
      platform: entry.platform ? parsePlatform(entry.platform) : undefined,
      signal,
    });
  } catch (error) {
    if (isImagepinError(error, "not-found"))
      return finding("lock-stale", "warning", `${where} is locked to ${entry.digest}, but the tag no longer exists`);
    return finding(
      "registry-error",
      "error",
      `cannot check ${where}: ${isImagepinError(error) ? `${error.code}: ` : ""}${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (now.digest === entry.digest) return undefined;
  if (!update)
    return finding(
      "lock-stale",
      "warning",
      `${where} is locked to ${entry.digest}, the registry now gives ${now.digest}; run imagepin verify --update --lock ${verifyLock.path}`,
    );
  verifyLock.lock.record({
    ...entry,
    digest: now.digest,
    mediaType: now.mediaType,
    resolvedAt: new Date(now.resolvedAt).toISOString(),
  });
  return finding("lock-stale", "note", `${where} was locked to ${entry.digest}; updated to ${now.digest}`);
}

/** The line and column of an entry's `"reference"` value in the lock text (1:1 when not found). */
function entryLocation(verifyLock: VerifyLock, entry: LockEntry): { file: string; line: number; column: number } {
  const needle = JSON.stringify(entry.reference);
  let offset = -1;
  // The entry's own reference, not a longer one that starts the same: the needle is a whole JSON string.
  for (let at = verifyLock.text.indexOf(needle); at !== -1; at = verifyLock.text.indexOf(needle, at + 1)) {
    const after = verifyLock.text.slice(at + needle.length, at + needle.length + 400);
    const platformHere =
      entry.platform === undefined
        ? !/^\s*,\s*"platform"/.test(after)
        : after.includes(`"platform": ${JSON.stringify(entry.platform)}`);
    if (platformHere) {
      offset = at;
      break;
    }
  }
  if (offset === -1) return { file: verifyLock.path, line: 1, column: 1 };
  const before = verifyLock.text.slice(0, offset);
  const line = before.split("\n").length;
  return { file: verifyLock.path, line, column: offset - before.lastIndexOf("\n") };
}
