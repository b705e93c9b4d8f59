import type { Command } from "commander";
import { isMap, parseDocument } from "yaml";
import { UsageError } from "../../errors.js";
import { writeFileAtomic } from "../../internal/atomic-write.js";
import { pinFiles, scanYaml, type FoundImage, type PinnedFile } from "../../manifests/index.js";
import { exitFindings } from "../output.js";
import { readStdin } from "../input.js";
import { addRegistryFlags, createResolverFromFlags, type RegistryFlags } from "../registry-flags.js";
import { readLock } from "./pin.js";

interface KrmFlags extends RegistryFlags {
  keepTag: boolean;
  lock?: string;
  offline?: boolean;
}

/** One entry of the ResourceList's `results` (the KRM functions specification). */
interface KrmResult {
  message: string;
  severity: "error" | "warning" | "info";
  resourceRef?: { kind: string; name?: string; namespace?: string };
  file?: { path: string };
}

/** `imagepin krm`: a KRM function (Kustomize exec function, kpt function) that pins the items' images. */
export function register(program: Command): void {
  addRegistryFlags(
    program
      .command("krm")
      .description("KRM function: read a ResourceList on stdin, write it with images pinned and results to stdout")
      .option("--no-keep-tag", "write name@sha256:… instead of name:tag@sha256:…")
      .option("--lock <file>", "resolve from and record to this lock file (read only with --offline)")
      .option("--offline", "resolve from the --lock file only, never from a registry"),
  )
    .addHelpText(
      "after",
      `
Exit status: 0 when every image was pinned, 1 when any could not be (the ResourceList still goes to
stdout, with error results), 2 when standard input is not a ResourceList.`,
    )
    .action(async (flags: KrmFlags) => {
      if (flags.offline && !flags.lock) throw new UsageError("--offline resolves from the lock file: give --lock FILE");
      const text = await readStdin();
      const parsed = parseDocument(text, { prettyErrors: false });
      if (parsed.errors.length > 0 || !isMap(parsed.contents) || parsed.get("kind") !== "ResourceList") {
        throw new UsageError("standard input is not a KRM ResourceList (kind: ResourceList with items)");
      }
      const lock = flags.lock ? await readLock(flags.lock) : undefined;
      const before = lock?.serialize();
      const registry = flags.offline ? { resolver: undefined, platform: undefined, close: async () => undefined } : await createResolverFromFlags(flags, process.env);
      let pinned: PinnedFile;
      try {
        [pinned] = (await pinFiles([scanYaml("stdin", text)], { resolver: registry.resolver, platform: registry.platform, keepTag: flags.keepTag, concurrency: flags.concurrency, lock, offline: flags.offline })) as [PinnedFile];
      } finally {
        await registry.close();
      }
      if (lock && flags.lock && !flags.offline && lock.serialize() !== before) await writeFileAtomic(flags.lock, lock.serialize());
      const results = resultsOf(pinned);
      // A failed image leaves every item as it came: the function's output must not be half pinned.
      const output = parseDocument(pinned.output);
      const previous = (output.get("results") as { toJSON(): unknown } | undefined)?.toJSON();
      output.set("results", [...(Array.isArray(previous) ? previous : []), ...results]);
      process.stdout.write(output.toString({ lineWidth: 0 }));
      if (results.some((result) => result.severity === "error")) process.exitCode = exitFindings;
    });
}

function resultsOf(pinned: PinnedFile): KrmResult[] {
  const results: KrmResult[] = [];
  const ref = (image: FoundImage) => ({ resourceRef: { kind: image.kind, ...(image.name ? { name: image.name } : {}), ...(image.namespace ? { namespace: image.namespace } : {}) } });
  for (const change of pinned.changes) results.push({ message: `pinned ${change.from} to ${change.to}${change.image.container ? ` (container ${change.image.container})` : ""}`, severity: "info", ...ref(change.image) });
  for (const failure of pinned.failures) results.push({ message: `cannot pin ${failure.image.image}: ${failure.message}`, severity: "error", ...ref(failure.image) });
  for (const skipped of pinned.skipped) results.push({ message: `${skipped.image.image} not pinned: ${skipped.reason}`, severity: "warning", ...ref(skipped.image) });
  for (const problem of pinned.file.problems) results.push({ message: `${problem.line}:${problem.column}: ${problem.message}`, severity: "error" });
  return results;
}
