import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { pinResourceList, type PinnedResourceList } from "../../manifests/index.js";
import { exitFindings } from "../output.js";
import { readStdin } from "../input.js";
import { addRegistryFlags, createResolverFromFlags, platformFromFlag, type RegistryFlags } from "../registry-flags.js";
import { readLock, writeLockFile } from "../manifest-io.js";

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
      const lock = flags.lock ? await readLock(flags.lock, flags.offline) : undefined;
      const before = lock?.serialize();
      const registry = flags.offline
        ? { resolver: undefined, platform: platformFromFlag(flags.platform), close: async () => undefined }
        : await createResolverFromFlags(flags, process.env);
      let list: PinnedResourceList;
      try {
        // Kustomize and kpt configure a function through its functionConfig; a flag given on the command line wins.
        const keepTag = command.getOptionValueSource("keepTag") === "cli" ? flags.keepTag : undefined;
        list = await pinResourceList(text, {
          resolver: registry.resolver,
          platform: registry.platform,
          keepTag,
          lock,
          offline: flags.offline,
        });
      } finally {
        await registry.close();
      }
      if (lock && flags.lock && !flags.offline && lock.serialize() !== before)
        await writeLockFile(flags.lock, lock.serialize());
      process.stdout.write(list.output);
      if (list.results.some((result) => result.severity === "error")) process.exitCode = exitFindings;
    });
}
