import type { Command } from "commander";
import { readFile } from "node:fs/promises";
import { UsageError } from "../../errors.js";
import { formatFindings, verifyFiles, verifyRules } from "../../policy/index.js";
import { imagepinVersion } from "../../version.js";
import { collect, exitFindings, exitUsage } from "../output.js";
import { addRegistryFlags, createResolverFromFlags, type RegistryFlags } from "../registry-flags.js";
import {
  loadInputs,
  readLock,
  reportNoImages,
  reportUnreadable,
  reportWalkNotes,
  writeFilesBack,
  writeLockFile,
} from "../manifest-io.js";
import { checkFormat, textStyle } from "./lint.js";
import { startProgress } from "../progress.js";
import { plural, printTotal } from "../report.js";

interface VerifyFlags extends RegistryFlags {
  format: string;
  update?: boolean;
  lock?: string;
  kinds?: string[];
  quiet?: boolean;
}

/** `imagepin verify PATH...`: pinned digests still exist; tags pinned beside them have not moved. */
export function register(program: Command): void {
  addRegistryFlags(
    program
      .command("verify")
      .description("check that pinned digests exist and whether the tags beside them moved")
      .argument(
        "<path...>",
        "files or directories (walked for YAML files and Dockerfiles); - reads standard input (a Dockerfile if it starts with FROM or ARG, else YAML)",
      )
      .option("--format <format>", "text, json or sarif", "text")
      .option(
        "--lock <file>",
        "also check this lock file's entries against the registry (lock-stale); with --update, record the new digests in it",
      )
      .option(
        "--update",
        "rewrite moved tags to their new digest in place (an index stays an index, a platform manifest follows its platform)",
      )
      .option(
        "--kinds <file>",
        "teach other kinds: YAML {kinds: [{kind, apiVersion?, paths: [spec.template]}]}, or preset:prometheus-operator|argo-rollouts|knative; repeatable",
        collect,
      )
      .option("-q, --quiet", "no progress and no total line on a terminal"),
  )
    .addHelpText(
      "after",
      `
Rules: digest-not-found, tag-moved, lock-stale (with --lock), registry-error, invalid-yaml. With
--update a moved tag that was rewritten (or a lock entry recorded anew) is reported as a note.

Exit status: 0 when every pin holds (or was updated), 1 with findings, 2 on usage errors or unreadable input.`,
    )
    .action(async (paths: string[], flags: VerifyFlags) => {
      const format = checkFormat(flags.format);
      if (flags.update && paths.includes("-")) throw new UsageError("--update cannot write standard input back");
      const loaded = await loadInputs(paths, flags.kinds);
      reportWalkNotes(loaded);
      if (loaded.files.every((file) => file.images.length === 0)) reportNoImages(loaded);
      const lock = flags.lock
        ? { lock: await readLock(flags.lock, true), path: flags.lock, text: await readFile(flags.lock, "utf8") }
        : undefined;
      const before = lock?.lock.serialize();
      const { resolver, platform, close } = await createResolverFromFlags(flags, process.env);
      const progress = await startProgress({ quiet: flags.quiet, format });
      progress.filesRead(loaded.files.length);
      let result;
      try {
        result = await verifyFiles(loaded.files, {
          resolver: progress.counting(resolver),
          platform,
          update: flags.update,
          lock,
        });
      } finally {
        progress.stop();
        await close();
      }
      // The lock goes first, as pin writes it: when it cannot be written no file is changed either.
      if (lock && flags.update && lock.lock.serialize() !== before)
        await writeLockFile(lock.path, lock.lock.serialize());
      const writeFailed = await writeFilesBack(
        result.updated.map(({ file, output, count }) => ({
          path: file.file,
          output,
          done: `${count} digest(s) updated`,
        })),
        process.stderr.isTTY !== true,
      );
      process.stdout.write(
        formatFindings(result.findings, format, {
          summary: result.summary,
          rules: verifyRules,
          toolVersion: imagepinVersion(),
          ...textStyle(),
        }),
      );
      const updated = result.updated.reduce((sum, { count }) => sum + count, 0);
      printTotal(
        `verified ${plural(result.summary.images, "image")} in ${plural(result.summary.files, "file")}, ${plural(result.summary.findings, "finding")}${flags.update ? `, ${plural(updated, "digest")} updated` : ""}`,
        { quiet: flags.quiet, format, summaryShown: process.stdout.isTTY === true },
      );
      const open = result.findings.some((finding) => finding.severity !== "note");
      process.exitCode = reportUnreadable(loaded) ? exitUsage : open || writeFailed ? exitFindings : 0;
    });
}
