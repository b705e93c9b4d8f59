import { randomBytes } from "node:crypto";
import { open, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** File mode of a new file; an existing file keeps its own mode. Default 0o644 (less the umask). */
  mode?: number;
}

/**
 * Writes `data` to `path` so that readers see either the old content or the new, never a mix, and a
 * crash leaves the old file whole: a temporary file in the same directory, fsync, rename over the
 * target, fsync of the directory. The mode of an existing file is kept, and so is its owner when
 * running as root.
 * On any failure the temporary file is removed and the target is untouched.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const directory = dirname(path);
  const existing = await stat(path).catch(() => undefined);
  const existingMode = existing ? existing.mode & 0o7777 : undefined;
  const mode = existingMode ?? options.mode ?? 0o644;
  const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temporary, "wx", mode);
  try {
    try {
      await handle.writeFile(data);
      // open() applies the umask; chmod makes a rewritten file keep exactly the mode it had
      if (existingMode !== undefined) await handle.chmod(existingMode);
      // Run as root (a CI container, sudo), the new file would belong to root: give it back its owner.
      if (existing && process.getuid?.() === 0 && (existing.uid !== 0 || existing.gid !== 0))
        await handle.chown(existing.uid, existing.gid);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory);
}

async function syncDirectory(directory: string): Promise<void> {
  // Makes the rename itself durable. Some file systems refuse fsync on a directory; the data is safe anyway.
  const handle = await open(directory, "r").catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // not supported here
  } finally {
    await handle.close();
  }
}
