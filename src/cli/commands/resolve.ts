import type { Command } from "commander";
import { describeError, isImagepinError } from "../../errors.js";
import { tryParseReference } from "../../reference/index.js";
import { formatPlatform } from "../../reference/index.js";
import type { Resolution } from "../../resolve/index.js";
import { readReferenceArguments } from "../input.js";
import { exitFindings, out } from "../output.js";
import { addRegistryFlags, createResolverFromFlags, type RegistryFlags } from "../registry-flags.js";

interface ResolveFlags extends RegistryFlags {
  json?: boolean;
}

type Outcome =
  | { input: string; resolution: Resolution }
  | { input: string; error: { code: string; message: string; hint?: string } };

/** `imagepin resolve REF...`: resolve tags to digests at their registries and print the pinned references. */
export function register(program: Command): void {
  addRegistryFlags(
    program
      .command("resolve")
      .description("resolve image references to digests at their registries")
      .argument("<ref...>", "image references; - reads them from standard input, one per line")
      .option("--json", "print one JSON object per reference"),
  )
    .addHelpText(
      "after",
      `
Output (one line per input, in input order):
  text: the pinned reference, domain/path:tag@sha256:...
  json: {"input","reference","digest","mediaType","platform"} (and "rateLimit" when the registry sent one)
        or {"input","error":{"code","message"}}

Error codes: not-found, unauthorized, denied, unreachable, timeout, invalid-response, platform-not-found,
digest-mismatch, too-many-requests, server-error (and the parse codes for invalid references).

Exit status: 0 when every reference resolved, 1 when any did not (the others are still resolved), 2 on usage errors.`,
    )
    .action(async (refs: string[], flags: ResolveFlags) => {
      const debug = Boolean(flags.debug);
      const inputs = await readReferenceArguments(refs);
      const { resolver, platform, close } = await createResolverFromFlags(flags, process.env);
      const progress = process.stderr.isTTY && inputs.length > 1 ? new Progress(inputs.length) : undefined;
      try {
        // Everything starts at once (the transport bounds the requests); results print in input order.
        const outcomes = inputs.map(async (input): Promise<Outcome> => {
          const reference = tryParseReference(input);
          try {
            if (!("normalized" in reference))
              return { input, error: { code: reference.code, message: reference.message } };
            return { input, resolution: await resolver.resolve(reference, platform ? { platform } : {}) };
          } catch (error) {
            return {
              input,
              error: { ...describeError(error), ...(isImagepinError(error) && error.hint ? { hint: error.hint } : {}) },
            };
          } finally {
            progress?.tick();
          }
        });
        let failed = false;
        for (const pending of outcomes) {
          const outcome = await pending;
          progress?.clear();
          if ("error" in outcome) failed = true;
          if (flags.json) out(JSON.stringify(toJson(outcome)));
          else if ("resolution" in outcome) out(outcome.resolution.pinned.normalized);
          else {
            process.stderr.write(`imagepin: ${outcome.input}: ${outcome.error.message}\n`);
            if (outcome.error.hint) process.stderr.write(`  hint: ${outcome.error.hint}\n`);
          }
          if (debug && "resolution" in outcome && outcome.resolution.rateLimit) {
            process.stderr.write(
              `imagepin: ${outcome.input}: rate limit ${JSON.stringify(outcome.resolution.rateLimit)}\n`,
            );
          }
        }
        if (failed) process.exitCode = exitFindings;
      } finally {
        progress?.clear();
        await close();
      }
    });
}

function toJson(outcome: Outcome): Record<string, unknown> {
  if ("error" in outcome)
    return { input: outcome.input, error: { code: outcome.error.code, message: outcome.error.message } };
  const { resolution } = outcome;
  return {
    input: outcome.input,
    reference: resolution.pinned.normalized,
    digest: resolution.digest,
    mediaType: resolution.mediaType,
    platform: resolution.platform ? formatPlatform(resolution.platform) : null,
    ...(resolution.rateLimit ? { rateLimit: resolution.rateLimit } : {}),
  };
}

/** `resolving 120/500` on a terminal's stderr, redrawn at most every 100 ms. */
class Progress {
  private done = 0;
  private drawnAt = 0;
  private shown = false;

  constructor(private readonly total: number) {}

  tick(): void {
    this.done++;
    const now = Date.now();
    if (now - this.drawnAt < 100 && this.done < this.total) return;
    this.drawnAt = now;
    this.shown = true;
    process.stderr.write(`\rresolving ${this.done}/${this.total}\x1b[K`);
  }

  clear(): void {
    if (this.shown) process.stderr.write("\r\x1b[K");
    this.shown = false;
  }
}
