import { ImagepinError } from "../errors.js";
import { findJsonSyntaxError, lineAndColumn } from "../internal/json-syntax.js";
import { formatPlatform, normalizePlatform, parsePlatform, type Platform } from "../reference/index.js";

/** One recorded resolution. */
export interface LockEntry {
  /** The normalized reference that was resolved (`docker.io/library/nginx:1.25`). */
  reference: string;
  /** `os/architecture[/variant]` when a platform was asked for (normalized: `linux/arm64/v8`). */
  platform?: string;
  digest: string;
  mediaType: string;
  /** ISO 8601 time the registry gave the digest. */
  resolvedAt: string;
}

/**
 * Resolutions recorded by `pin --lock`, kept sorted by reference and platform so the file diffs
 * cleanly. Recording a resolution that matches the entry already there keeps the entry as it is,
 * time included, so writing the file again with nothing changed gives the same bytes.
 */
export class Lockfile {
  private readonly entries = new Map<string, LockEntry>();

  /**
   * Reads a lock file's text.
   * @throws ImagepinError `invalid-lock` naming the file: at `file:line:col` with a reason of fixed words
   * for a JSON syntax error (the text is never quoted), or saying which part has the wrong shape.
   */
  static parse(text: string, file: string): Lockfile {
    const lock = new Lockfile();
    const syntax = findJsonSyntaxError(text);
    if (syntax)
      throw new ImagepinError("invalid-lock", `not valid JSON: ${syntax.reason}`, {
        location: { file, ...lineAndColumn(text, syntax.offset) },
      });
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      // The scanner follows JSON.parse; should they ever disagree, V8's message (which quotes the text) is still not shown.
      throw new ImagepinError("invalid-lock", `${file}: not valid JSON`, { cause: error });
    }
    const shape = `${file}: expected {"version": 1, "images": [...]}`;
    if (value === null || typeof value !== "object" || Array.isArray(value))
      throw new ImagepinError("invalid-lock", shape);
    const { version, images } = value as { version?: unknown; images?: unknown };
    if (version !== 1 || !Array.isArray(images)) throw new ImagepinError("invalid-lock", shape);
    for (const [index, entry] of images.entries()) {
      const fields =
        entry !== null && typeof entry === "object" && !Array.isArray(entry) ? (entry as Record<string, unknown>) : {};
      const { reference, platform, digest, mediaType, resolvedAt } = fields;
      if (
        typeof reference !== "string" ||
        typeof digest !== "string" ||
        typeof mediaType !== "string" ||
        typeof resolvedAt !== "string" ||
        (platform !== undefined && typeof platform !== "string")
      ) {
        throw new ImagepinError(
          "invalid-lock",
          `${file}: images[${index}] needs reference, digest, mediaType and resolvedAt strings`,
        );
      }
      let key: string | undefined;
      try {
        // Keyed by the normalized platform, so `linux/arm64` written by hand finds `linux/arm64/v8`.
        key = platform === undefined ? undefined : lockPlatform(parsePlatform(platform));
      } catch (error) {
        throw new ImagepinError(
          "invalid-lock",
          `${file}: images[${index}].platform must be os/arch[/variant], such as linux/amd64`,
          { cause: error },
        );
      }
      lock.entries.set(lockKey(reference, key), {
        reference,
        ...(platform !== undefined ? { platform } : {}),
        digest,
        mediaType,
        resolvedAt,
      });
    }
    return lock;
  }

  get(reference: string, platform?: Platform): LockEntry | undefined {
    return this.entries.get(lockKey(reference, platform && lockPlatform(platform)));
  }

  /** Records a resolution; an entry with the same digest and media type is left untouched. */
  record(entry: LockEntry): void {
    const key = lockKey(entry.reference, entry.platform === undefined ? undefined : normalizedText(entry.platform));
    const existing = this.entries.get(key);
    if (existing && existing.digest === entry.digest && existing.mediaType === entry.mediaType) return;
    this.entries.set(key, entry);
  }

  /** Every entry, sorted as the file writes them. */
  list(): LockEntry[] {
    return [...this.entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => entry);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The file text: two-space JSON, entries sorted, a final newline. */
  serialize(): string {
    const images = [...this.entries.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, entry]) => entry);
    return `${JSON.stringify({ version: 1, images }, null, 2)}\n`;
  }
}

/** How a lock file names a platform: normalized, `os/arch[/variant]` (`linux/arm64/v8` for `linux/arm64`). */
export function lockPlatform(platform: Platform): string {
  return formatPlatform(normalizePlatform(platform));
}

/** A platform text in its lock-key form; a text that is not a platform stays as it is. */
function normalizedText(platform: string): string {
  try {
    return lockPlatform(parsePlatform(platform));
  } catch {
    return platform;
  }
}

function lockKey(reference: string, platform: string | undefined): string {
  return platform ? `${reference} ${platform}` : reference;
}
