import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { formatFindings, lintFiles, lintRules, outputFormats, type OutputFormat } from "../../policy/index.js";
import { imagepinVersion } from "../../version.js";
import { collect, exitFindings, exitUsage } from "../output.js";
import { loadInputs, reportNoImages, reportUnreadable, reportWalkNotes } from "../manifest-io.js";
import { startProgress } from "../progress.js";
import { plural, printTotal } from "../report.js";

interface LintFlags {
  format: string;
  kinds?: string[];
  quiet?: boolean;
}

/** `imagepin lint PATH...`: report images not selected by digest, and related problems. */
export function register(program: Command): void {
  program
    .command("lint")
    .description("report images that are not pinned to a digest (Kubernetes YAML, Kustomize, Compose, Dockerfiles)")
    .argument(
      "<path...>",
      "files or directories (walked for YAML files and Dockerfiles); - reads standard input (a Dockerfile if it starts with FROM or ARG, else YAML)",
    )
    .option("--format <format>", "text, json or sarif", "text")
    .option(
      "--kinds <file>",
      "teach other kinds: YAML {kinds: [{kind, apiVersion?, paths: [spec.template]}]}, or preset:prometheus-operator|argo-rollouts|knative; repeatable",
      collect,
    )
    .option("-q, --quiet", "no progress and no total line on a terminal")
    .addHelpText(
      "after",
      `
Rules: digest-missing, latest-tag, invalid-reference, pull-policy, invalid-yaml, image-from-variable,
  image-missing, unknown-kind, unknown-rule, dockerfile-inline-ignore.
Suppress: annotation imagepin.io/ignore: "digest-missing,latest-tag" on an object, or a comment
  # imagepin:ignore digest-missing   at the end of the image's line or on the line above
  (in a Dockerfile only on the line above: Docker reads a # after FROM as arguments).

Exit status: 0 clean, 1 with findings, 2 on usage errors or unreadable input.`,
    )
    .action(async (paths: string[], flags: LintFlags) => {
      const format = checkFormat(flags.format);
      const progress = await startProgress({ quiet: flags.quiet, format });
      let loaded;
      try {
        loaded = await loadInputs(paths, flags.kinds);
      } finally {
        progress.stop();
      }
      reportWalkNotes(loaded);
      if (loaded.files.every((file) => file.images.length === 0)) reportNoImages(loaded);
      const { findings, summary } = lintFiles(loaded.files);
      process.stdout.write(
        formatFindings(findings, format, { summary, rules: lintRules, toolVersion: imagepinVersion(), ...textStyle() }),
      );
      printTotal(
        `linted ${plural(summary.images, "image")} in ${plural(summary.files, "file")}, ${plural(summary.findings, "finding")}`,
        { quiet: flags.quiet, format, summaryShown: process.stdout.isTTY === true },
      );
      process.exitCode = reportUnreadable(loaded) ? exitUsage : findings.length > 0 ? exitFindings : 0;
    });
}

/** Validates `--format`. @throws UsageError */
export function checkFormat(format: string): OutputFormat {
  if (!outputFormats.includes(format as OutputFormat))
    throw new UsageError(`--format must be text, json or sarif, not ${JSON.stringify(format)}`);
  return format as OutputFormat;
}

/**
 * How findings are written: grouped by file with a summary on a terminal; coloured on a terminal that
 * has colours, unless NO_COLOR is set (which keeps the grouping), or whenever FORCE_COLOR asks for it.
 */
export function textStyle(
  stream: NodeJS.WriteStream = process.stdout,
  env: Record<string, string | undefined> = process.env,
): { tty: boolean; colour: boolean } {
  return { tty: stream.isTTY === true, colour: colourWanted(stream, env) };
}

/**
 * Whether to colour `stream`: FORCE_COLOR (any value but 0 or false) forces it, even through a pipe; else
 * a terminal whose colour depth Node reports (tty.WriteStream#hasColors honours NO_COLOR and TERM=dumb).
 */
export function colourWanted(stream: NodeJS.WriteStream, env: Record<string, string | undefined>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  return stream.isTTY === true && typeof stream.hasColors === "function" && stream.hasColors(env);
}
