import type { Command } from "commander";
import { createTwoFilesPatch } from "diff";
import { UsageError } from "../../errors.js";
import { pinFiles, type FoundImage, type PinnedFile } from "../../manifests/index.js";
import type { Platform } from "../../reference/index.js";
import type { Resolver } from "../../resolve/types.js";
import { collect, exitFindings, exitUsage } from "../output.js";
import { progressWanted, startProgress } from "../progress.js";
import { Diagnostics, plural } from "../report.js";
import { addRegistryFlags, createResolverFromFlags, platformFromFlag, type RegistryFlags } from "../registry-flags.js";
import {
  loadInputs,
  readLock,
  reportNoImages,
  reportUnreadable,
  reportWalkNotes,
  writeFilesBack,
  writeLockFile,
} from "../manifest-io.js";

interface PinFlags extends RegistryFlags {
  format: string;
  write?: boolean;
  check?: boolean;
  keepTag: boolean;
  lock?: string;
  offline?: boolean;
  kinds?: string[];
  quiet?: boolean;
}

/** `imagepin pin PATH...`: resolve unpinned images and rewrite them to name:tag@digest, nothing else. */
export function register(program: Command): void {
  addRegistryFlags(
    program
      .command("pin")
      .description("pin images to digests in place, changing only the image values")
      .argument(
        "<path...>",
        "files or directories (walked for YAML files and Dockerfiles); - reads standard input (a Dockerfile if it starts with FROM or ARG, else YAML)",
      )
      .option("-w, --write", "write the files in place (atomically); files that failed stay untouched")
      .option(
        "--check",
        "change nothing; exit 1 when something would be pinned, 2 when something could not be resolved (for CI)",
      )
      .option("--no-keep-tag", "write name@sha256:… instead of name:tag@sha256:…")
      .option("--lock <file>", "record every resolution in this lock file (sorted JSON)")
      .option("--offline", "resolve from the --lock file only, never from a registry")
      .option(
        "--format <format>",
        "text, or json (with --check or --write): the changes, failures and skipped images as one object",
        "text",
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
Output: without --write or --check, the pinned text of a single file, or a unified diff of several.
An image that cannot be pinned is reported and the other images of its file are still pinned; a file
with a malformed YAML document is left unchanged.
Exit status: 0 done, 1 when an image could not be pinned or (with --check) something would change,
2 on usage errors or unreadable input, and with --check when something could not be resolved.`,
    )
    .action(async (paths: string[], flags: PinFlags) => {
      if (flags.write && flags.check) throw new UsageError("--write and --check do not go together");
      if (flags.offline && !flags.lock) throw new UsageError("--offline resolves from the lock file: give --lock FILE");
      if (flags.write && paths.includes("-"))
        throw new UsageError("--write cannot write standard input back; leave out --write to print the result");
      if (flags.format !== "text" && flags.format !== "json")
        throw new UsageError(`--format must be text or json, not ${JSON.stringify(flags.format)}`);
      if (flags.format === "json" && !flags.check && !flags.write)
        throw new UsageError(
          "--format json reports what --check or --write did; without them pin prints the pinned text",
        );
      const loaded = await loadInputs(paths, flags.kinds);
      reportWalkNotes(loaded);
      const lock = flags.lock ? await readLock(flags.lock, flags.offline) : undefined;
      const before = lock?.serialize();
      const registry = await openResolver(flags);
      const progress = await startProgress({ quiet: flags.quiet, format: flags.format });
      progress.filesRead(loaded.files.length);
      let pinned: PinnedFile[];
      try {
        pinned = await pinFiles(loaded.files, {
          resolver: progress.counting(registry.resolver),
          platform: registry.platform,
          keepTag: flags.keepTag,
          lock,
          offline: flags.offline,
        });
      } finally {
        progress.stop();
        await registry.close();
      }
      // The lock goes first: when it cannot be written nothing else is, so files and lock never disagree.
      if (lock && flags.lock && !flags.offline && !flags.check && lock.serialize() !== before)
        await writeLockFile(flags.lock, lock.serialize());
      const failed = flags.format === "json" ? pinned.some((file) => file.failed) : reportPinProblems(pinned);
      let writeFailed = false;
      // On a terminal one total line says it all; elsewhere (CI logs) each file written is named.
      if (flags.write) writeFailed = await writeChanged(pinned, process.stderr.isTTY !== true);
      if (flags.format === "json") process.stdout.write(`${JSON.stringify(pinReport(pinned))}\n`);
      else if (flags.check)
        for (const { file, change } of changesInOrder(pinned))
          process.stderr.write(
            `imagepin: would pin ${file}:${change.image.line}:${change.image.column} ${change.from} -> ${change.to}\n`,
          );
      else if (!flags.write) process.stdout.write(pinned.length === 1 ? pinned[0]!.output : unifiedDiff(pinned));
      if (pinned.every((file) => file.file.images.length === 0)) reportNoImages(loaded);
      if (progressWanted({ quiet: flags.quiet, format: flags.format }))
        process.stderr.write(`imagepin: ${pinTotal(pinned, flags.write === true)}\n`);
      const wouldChange = flags.check && pinned.some((file) => file.changes.length > 0);
      // --check: 1 means "run pin --write", which cannot help when something failed to resolve (docs/ci.md).
      if (reportUnreadable(loaded) || (flags.check && failed)) process.exitCode = exitUsage;
      else process.exitCode = failed || writeFailed || wouldChange ? exitFindings : 0;
    });
}

/** The JSON report of `--check` / `--write`: what changed (or would), what failed, what was left alone. */
function pinReport(files: PinnedFile[]): object {
  const at = (image: FoundImage) => ({ file: image.file, line: image.line, column: image.column });
  return {
    changes: changesInOrder(files).map(({ change }) => ({
      ...at(change.image),
      from: change.from,
      to: change.to,
      ...(change.tagKept ? { tagKept: change.tagKept } : {}),
    })),
    failures: files.flatMap((file) => [
      ...file.file.problems.map((problem) => ({
        file: problem.file,
        line: problem.line,
        column: problem.column,
        image: null,
        code: "invalid-yaml",
        message: problem.message,
      })),
      ...file.failures.map(({ image, code, message }) => ({ ...at(image), image: image.image, code, message })),
    ]),
    skipped: files.flatMap((file) =>
      file.skipped.map(({ image, reason }) => ({ ...at(image), image: image.written ?? image.image, reason })),
    ),
  };
}

/** Every change of every file, by file, line and column: the order a reader scans a report in. */
function changesInOrder(files: PinnedFile[]): { file: string; change: PinnedFile["changes"][number] }[] {
  return files
    .flatMap((pinned) => pinned.changes.map((change) => ({ file: pinned.file.file, change })))
    .sort((a, b) =>
      a.file < b.file
        ? -1
        : a.file > b.file
          ? 1
          : a.change.image.line - b.change.image.line || a.change.image.column - b.change.image.column,
    );
}

/** The registry resolver, or none with --offline (where only --platform is needed, for the lock keys). */
async function openResolver(
  flags: PinFlags,
): Promise<{ resolver?: Resolver; platform?: Platform; close(): Promise<void> }> {
  if (!flags.offline) return createResolverFromFlags(flags, process.env);
  return { platform: platformFromFlag(flags.platform), close: async () => undefined };
}

/** Prints what could not be pinned (errors) and what was skipped (warnings); true when anything failed. */
export function reportPinProblems(files: PinnedFile[]): boolean {
  let failed = false;
  // Identical lines (one anchor merged into many services) are written once with a count.
  const lines = new Diagnostics();
  for (const { file, failures, skipped, changes } of files) {
    for (const problem of file.problems)
      lines.add(`imagepin: ${problem.file}:${problem.line}:${problem.column}: ${problem.message}`);
    for (const { image, message, hint } of failures) {
      lines.add(
        `imagepin: ${image.file}:${image.line}:${image.column}: cannot pin ${image.image === "" ? '""' : image.image}: ${message}`,
        hint,
      );
    }
    for (const { image, reason } of skipped)
      lines.add(
        `imagepin: warning: ${image.file}:${image.line}:${image.column}: ${image.written ?? image.image} not pinned: ${reason}`,
      );
    for (const { image, to, tagKept } of changes)
      if (tagKept)
        lines.add(`imagepin: warning: ${image.file}:${image.line}:${image.column}: tag kept in ${to}: ${tagKept}`);
    if (failures.length > 0) failed = true;
    if (file.problems.length > 0) {
      failed = true;
      lines.add(`imagepin: ${file.file}: left unchanged`);
    }
  }
  lines.flush();
  return failed;
}

/** Writes every changed file atomically; a file that cannot be written is reported and the rest still written. */
export function writeChanged(files: PinnedFile[], namePerFile = true): Promise<boolean> {
  return writeFilesBack(
    files
      .filter(({ changed }) => changed)
      .map(({ file, output, changes }) => ({ path: file.file, output, done: `${changes.length} image(s) pinned` })),
    namePerFile,
  );
}

/** The run's one total line: `pinned 412 images in 57 files, 3 failed` (`would pin` without --write). */
export function pinTotal(files: PinnedFile[], written: boolean): string {
  const changed = files.filter((file) => file.changed);
  const images = changed.reduce((sum, file) => sum + file.changes.length, 0);
  const failed = files.reduce((sum, file) => sum + file.failures.length, 0);
  return `${written ? "pinned" : "would pin"} ${plural(images, "image")} in ${plural(changed.length, "file")}${failed > 0 ? `, ${failed} failed` : ""}`;
}

function unifiedDiff(files: PinnedFile[]): string {
  return files
    .filter((file) => file.changed)
    .map(({ file, output }) =>
      createTwoFilesPatch(`a/${file.file}`, `b/${file.file}`, file.text, output, undefined, undefined, { context: 3 }),
    )
    .join("");
}
