import { createHash } from "node:crypto";
import { readFileSync, watch, type FSWatcher } from "node:fs";
import { dirname } from "node:path";
import type { SecureContextOptions } from "node:tls";
import { createSecureContext } from "node:tls";
import { ImagepinError } from "../errors.js";
import type { Logger } from "../internal/logger.js";

/** Where the serving certificate and key are, PEM files. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** The TLS settings every context gets: TLS 1.2 minimum (issue 5). */
export const tlsBaseOptions = { minVersion: "TLSv1.2" } as const;

/**
 * Reads the certificate and key and checks they form a usable context.
 * @throws ImagepinError `invalid-tls` when a file cannot be read or the pair is not valid PEM.
 */
export function loadTls(files: TlsFiles): SecureContextOptions & { fingerprint: string } {
  let cert: Buffer;
  let key: Buffer;
  try {
    cert = readFileSync(files.certFile);
    key = readFileSync(files.keyFile);
  } catch (error) {
    throw new ImagepinError("invalid-tls", `cannot read the TLS certificate or key: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    createSecureContext({ cert, key, ...tlsBaseOptions });
  } catch (error) {
    throw new ImagepinError(
      "invalid-tls",
      `the TLS certificate ${files.certFile} and key ${files.keyFile} do not form a valid pair: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const fingerprint = createHash("sha256").update(cert).update(key).digest("hex");
  return { cert, key, ...tlsBaseOptions, fingerprint };
}

/**
 * Watches the certificate and key and calls `apply` with a new context when their content changes:
 * on fs.watch events of their directories (Kubernetes swaps a `..data` symlink there when cert-manager
 * rotates a Secret) and on a poll every `intervalMs` (default 10 s) for file systems where watch misses
 * events. A half-written or mismatched pair is logged and skipped; the old context stays.
 * Returns a function that stops watching.
 */
export function watchTls(
  files: TlsFiles,
  initialFingerprint: string,
  apply: (options: SecureContextOptions) => void,
  logger: Logger,
  intervalMs = 10_000,
): () => void {
  let current = initialFingerprint;
  let pending: NodeJS.Timeout | undefined;
  const check = () => {
    pending = undefined;
    let loaded;
    try {
      loaded = loadTls(files);
    } catch (error) {
      logger.warn(
        { err: (error as Error).message },
        "TLS files changed but cannot be used yet; keeping the current certificate",
      );
      return;
    }
    if (loaded.fingerprint === current) return;
    const { fingerprint, ...options } = loaded;
    apply(options);
    current = fingerprint;
    logger.info({ certFile: files.certFile }, "reloaded TLS certificate");
  };
  // Debounced: a rotation writes both files and a symlink in quick succession.
  const soon = () => {
    if (!pending) pending = setTimeout(check, 200);
  };
  const watchers: FSWatcher[] = [];
  for (const dir of new Set([dirname(files.certFile), dirname(files.keyFile)])) {
    try {
      const watcher = watch(dir, soon);
      watcher.on("error", () => {});
      watchers.push(watcher);
    } catch {
      // The poll below still catches changes.
    }
  }
  const poll = setInterval(check, intervalMs);
  poll.unref();
  return () => {
    clearInterval(poll);
    if (pending) clearTimeout(pending);
    for (const watcher of watchers) watcher.close();
  };
}
