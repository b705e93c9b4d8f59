import type { Command } from "commander";
import { isMap, LineCounter, parseDocument } from "yaml";
import { UsageError } from "../../errors.js";
import { krmResults, krmSettings, pinFiles, scanYaml, yamlErrorOffset, type PinnedFile } from "../../manifests/index.js";
import { exitFindings } from "../output.js";
import { readStdin } from "../input.js";
import { addRegistryFlags, createResolverFromFlags, platformFromFlag, type RegistryFlags } from "../registry-flags.js";
import { readLock, writeLockFile } from "./pin.js";

interface KrmFlags extends RegistryFlags {
  keepTag: boolean;
  lock?: string;
  offline?: boolean;
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
    .action(async (flags: KrmFlags, command: Command) => {
      if (flags.offline && !flags.lock) throw new UsageError("--offline resolves from the lock file: give --lock FILE");
      const text = await readStdin();
      const lines = new LineCounter();
      const parsed = parseDocument(text, { prettyErrors: false, lineCounter: lines });
      // Say where the YAML breaks: "not a ResourceList" alone sends people looking at the wrong thing.
      const syntax = parsed.errors[0];
      if (syntax) throw new UsageError(`standard input: malformed YAML at line ${lines.linePos(yamlErrorOffset(parsed, syntax)).line}: ${syntax.message.split("\n")[0]}`);
      if (!isMap(parsed.contents) || parsed.get("kind") !== "ResourceList") {
        throw new UsageError("standard input is not a KRM ResourceList (kind: ResourceList with items)");
      }
      // Kustomize and kpt configure a function through its functionConfig; a flag given on the command line wins.
      const settings = krmSettings((parsed.get("functionConfig", true) as { toJSON(): unknown } | undefined)?.toJSON());
      if (settings.keepTag !== undefined && command.getOptionValueSource("keepTag") !== "cli") flags.keepTag = settings.keepTag;
      if (settings.platform !== undefined && flags.platform === undefined) flags.platform = settings.platform;
      const lock = flags.lock ? await readLock(flags.lock, flags.offline) : undefined;
      const before = lock?.serialize();
      const registry = flags.offline ? { resolver: undefined, platform: platformFromFlag(flags.platform), close: async () => undefined } : await createResolverFromFlags(flags, process.env);
      let pinned: PinnedFile;
      try {
        [pinned] = (await pinFiles([scanYaml("stdin", text)], { resolver: registry.resolver, platform: registry.platform, keepTag: flags.keepTag, lock, offline: flags.offline })) as [PinnedFile];
      } finally {
        await registry.close();
      }
      if (lock && flags.lock && !flags.offline && lock.serialize() !== before) await writeLockFile(flags.lock, lock.serialize());
      const results = krmResults(pinned);
      // A failed image leaves every item as it came: the function's output must not be half pinned.
      const output = parseDocument(pinned.output);
      const previous = (output.get("results") as { toJSON(): unknown } | undefined)?.toJSON();
      output.set("results", [...(Array.isArray(previous) ? previous : []), ...results]);
      process.stdout.write(output.toString({ lineWidth: 0 }));
      if (results.some((result) => result.severity === "error")) process.exitCode = exitFindings;
    });
}
