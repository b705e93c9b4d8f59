import type { ImageReference } from "../reference/index.js";
import type { ResolveOptions, Resolver } from "../resolve/types.js";

/** How a command reports while it works; every method does nothing when progress is off. */
export interface Progress {
  /** Files read so far (set once they are loaded). */
  filesRead(count: number): void;
  /** `resolver` with every `resolve` counted: started calls are the total, settled ones the done. */
  counting<R extends Resolver | undefined>(resolver: R): R;
  /** Clears the progress line, leaving the terminal as it was. */
  stop(): void;
}

const noProgress: Progress = { filesRead: () => undefined, counting: (resolver) => resolver, stop: () => undefined };

/** What decides whether progress is shown: standard error a terminal, no --quiet, text output. */
export interface ProgressOptions {
  quiet?: boolean;
  /** `text`, `json` or `sarif`; only text output shows progress. */
  format?: string;
  /** Standard error, or a stand-in for tests. */
  stream?: NodeJS.WriteStream;
  /** How often the line is redrawn; default 100 ms. */
  intervalMs?: number;
}

/** True when progress and the total line go to `stream`: a terminal, without --quiet, for text output. */
export function progressWanted(options: ProgressOptions = {}): boolean {
  const stream = options.stream ?? process.stderr;
  return stream.isTTY === true && !options.quiet && (options.format === undefined || options.format === "text");
}

/**
 * Starts a progress line on standard error: files read, references resolved of those asked, and the
 * rate, redrawn in place by log-update (which handles the terminal's width and erasing) and cleared by
 * {@link Progress.stop}. Off (and log-update never loaded) unless {@link progressWanted}.
 */
export async function startProgress(options: ProgressOptions = {}): Promise<Progress> {
  if (!progressWanted(options)) return noProgress;
  const { createLogUpdate } = await import("log-update");
  const stream = options.stream ?? process.stderr;
  const draw = createLogUpdate(stream, { showCursor: true });
  const started = Date.now();
  let files: number | undefined;
  let asked = 0;
  let settled = 0;
  const render = () => {
    const parts = [files === undefined ? "reading files" : `${files} file${files === 1 ? "" : "s"} read`];
    if (asked > 0) {
      const seconds = (Date.now() - started) / 1000;
      parts.push(`${settled}/${asked} references resolved (${seconds > 0 ? (settled / seconds).toFixed(1) : "0.0"}/s)`);
    }
    draw(`imagepin: ${parts.join(", ")}`);
  };
  const timer = setInterval(render, options.intervalMs ?? 100);
  timer.unref();
  render();
  return {
    filesRead(count) {
      files = count;
      // drawn at once: a run shorter than one interval still shows what it read
      render();
    },
    counting(resolver) {
      if (resolver === undefined) return resolver;
      const counted: Resolver = {
        resolve: (reference: ImageReference, resolveOptions?: ResolveOptions) => {
          asked++;
          return resolver.resolve(reference, resolveOptions).finally(() => void settled++);
        },
        ...(resolver.indexEntries ? { indexEntries: resolver.indexEntries.bind(resolver) } : {}),
        ...(resolver.manifestPlatform ? { manifestPlatform: resolver.manifestPlatform.bind(resolver) } : {}),
      };
      return counted as typeof resolver;
    },
    stop() {
      clearInterval(timer);
      draw.clear();
    },
  };
}
