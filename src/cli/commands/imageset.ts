import type { Command } from "commander";
import { ImagepinError, UsageError } from "../../errors.js";
import { describeFsError } from "../../internal/fs-errors.js";
import {
  createImageSet,
  hasErrors,
  readInstallation,
  readOperatorImage,
  verifyImageSet,
  type ImageSetProblem,
  type ImageSetResult,
  type PullSettings,
  type Variant,
} from "../../imageset/index.js";
import { writeFileAtomic } from "../../internal/atomic-write.js";
import { exitFindings, out } from "../output.js";
import { readInputFile, referenceLines } from "../input.js";
import { addRegistryFlags, createResolverFromFlags, type RegistryFlags } from "../registry-flags.js";
import { startProgress } from "../progress.js";
import { plural, printTotal } from "../report.js";

/** The flags both subcommands take to know the operator, the variant and where images are pulled from. */
interface ClusterFlags {
  variant?: string;
  version?: string;
  operatorManifest?: string;
  installation?: string;
  registry?: string;
  imagePath?: string;
  imagePrefix?: string;
}

interface CreateFlags extends RegistryFlags, ClusterFlags {
  from?: string;
  output?: string;
  quiet?: boolean;
}

interface VerifyFlags extends RegistryFlags, ClusterFlags {
  complete?: boolean;
  offline?: boolean;
}

/** What the cluster flags say, with an Installation file's fields under the explicit flags. */
interface ClusterSettings {
  variant?: Variant;
  operator?: string;
  pull: PullSettings;
}

function addClusterFlags(command: Command): Command {
  return command
    .option("--variant <variant>", "calico or enterprise (default: the Installation's, else calico)")
    .option("--version <version>", "the Calico (or Enterprise) release, such as v3.32.1")
    .option("--operator-manifest <file>", "tigera-operator.yaml: the operator release is its Deployment's image tag")
    .option(
      "--installation <file>",
      "read registry, imagePath, imagePrefix and variant from the Installation in this YAML file",
    )
    .option("--registry <registry>", "the Installation's spec.registry (overrides --installation)")
    .option("--image-path <path>", "the Installation's spec.imagePath (overrides --installation)")
    .option("--image-prefix <prefix>", "the Installation's spec.imagePrefix (overrides --installation)");
}

async function clusterSettings(flags: ClusterFlags): Promise<ClusterSettings> {
  if (flags.variant !== undefined && flags.variant !== "calico" && flags.variant !== "enterprise") {
    throw new UsageError(`--variant must be calico or enterprise, not ${JSON.stringify(flags.variant)}`);
  }
  const installation = flags.installation
    ? readInstallation(await readInputFile(flags.installation), flags.installation)
    : undefined;
  const operator = flags.operatorManifest
    ? readOperatorImage(await readInputFile(flags.operatorManifest), flags.operatorManifest)
    : undefined;
  if (operator && !operator.version) {
    throw new UsageError(
      `${flags.operatorManifest}: the operator image ${operator.image} has no tag to tell its release; give --version`,
    );
  }
  return {
    variant: (flags.variant as Variant | undefined) ?? installation?.variant,
    operator: operator?.version,
    pull: {
      registry: flags.registry ?? installation?.registry,
      imagePath: flags.imagePath ?? installation?.imagePath,
      imagePrefix: flags.imagePrefix ?? installation?.imagePrefix,
    },
  };
}

/** `imagepin imageset create|verify`: Calico operator ImageSets resolved at the registry, no Docker daemon. */
export function register(program: Command): void {
  const imageset = program.command("imageset").description("create and verify Calico operator ImageSets");
  addRegistryFlags(
    addClusterFlags(
      imageset
        .command("create")
        .description("build an ImageSet (operator.tigera.io/v1) for an operator release")
        .argument("[ref...]", "image references (or use --from, or --operator-manifest alone)")
        .option(
          "--from <file>",
          "read references from a file, one per line (`--print-images=list` output); - for stdin",
        )
        .option("-o, --output <file>", "write the ImageSet to a file (atomically) instead of stdout")
        .option("-q, --quiet", "no progress and no total line on a terminal"),
    ),
  ).action(create);
  addRegistryFlags(
    addClusterFlags(
      imageset
        .command("verify")
        .description("judge the ImageSets of a file as the operator will, and check their digests at the registry")
        .argument("<file>", "YAML file with one or more ImageSets; - for stdin")
        .option("--complete", "a component missing from the set is an error, not a warning")
        .option("--offline", "check everything but whether the digests exist (no registry request)"),
    ),
  ).action(verify);
}

async function create(refs: string[], flags: CreateFlags): Promise<void> {
  const settings = await clusterSettings(flags);
  const listed = flags.from ? referenceLines(await readInputFile(flags.from)) : [];
  if (flags.from && listed.length === 0 && refs.length === 0) {
    throw new UsageError(
      `${flags.from === "-" ? "standard input" : flags.from} lists no image references (one per line, as the operator's --print-images=list prints them)`,
    );
  }
  const references = [...listed, ...refs];
  if (references.length === 0 && !settings.operator && !flags.version)
    throw new UsageError("imageset create: give image references, --from FILE, or --operator-manifest FILE");
  const { resolver, platform, close } = await createResolverFromFlags(flags, process.env);
  const progress = await startProgress({ quiet: flags.quiet });
  try {
    const result = await createImageSet({
      references,
      variant: settings.variant,
      version: flags.version,
      operator: settings.operator,
      pull: settings.pull,
      platform,
      resolver: progress.counting(resolver),
    }).finally(() => progress.stop());
    const wanted = result.images.length + result.failures.length;
    printTotal(
      `resolved ${plural(result.images.length, "image")} of ${wanted}${result.failures.length > 0 ? `, ${result.failures.length} failed` : ""}`,
      { quiet: flags.quiet },
    );
    reportCreate(result);
    if (result.failures.length > 0) {
      process.exitCode = exitFindings;
      return;
    }
    if (!flags.output) {
      process.stdout.write(result.yaml);
      return;
    }
    await writeFileAtomic(flags.output, result.yaml).catch((error: unknown) => {
      throw new ImagepinError("write-failed", `cannot write ${flags.output}: ${describeFsError(error)}`, {
        cause: error,
      });
    });
  } finally {
    await close();
  }
}

function reportCreate(result: ImageSetResult): void {
  for (const warning of result.warnings) process.stderr.write(`imagepin: warning: ${warning}\n`);
  // An operator's whole list names both variants: the other variant's images are counted, not listed.
  const otherVariant = result.dropped.filter(({ kind }) => kind === "other-variant");
  if (otherVariant.length > 0)
    process.stderr.write(
      `imagepin: dropped ${otherVariant.length} image(s) of the other variant (the set is for ${result.release})\n`,
    );
  for (const { reference, reason } of result.dropped.filter(({ kind }) => kind !== "other-variant"))
    process.stderr.write(`imagepin: dropped ${reference}: ${reason}\n`);
  for (const { message } of result.missing) process.stderr.write(`imagepin: warning: ${result.name}: ${message}\n`);
  for (const failure of result.failures) process.stderr.write(`imagepin: ${failure.reference}: ${failure.message}\n`);
  if (result.failures.length > 0)
    process.stderr.write(`imagepin: no ImageSet written: ${result.failures.length} image(s) could not be resolved\n`);
  else process.stderr.write(`imagepin: ${result.name}: ${result.images.length} image(s) for ${result.release}\n`);
}

async function verify(file: string, flags: VerifyFlags): Promise<void> {
  const settings = await clusterSettings(flags);
  const text = await readInputFile(file);
  const registry = flags.offline ? undefined : await createResolverFromFlags(flags, process.env);
  try {
    const { problems, judged } = await verifyImageSet({
      text,
      variant: settings.variant,
      operator: settings.operator,
      version: flags.version,
      pull: settings.pull,
      complete: flags.complete,
      offline: flags.offline,
      resolver: registry?.resolver,
    });
    for (const problem of problems) out(formatProblem(file, problem));
    const warnings = problems.filter((problem) => problem.severity === "warning").length;
    const tail = `${flags.offline ? "; digests not checked (--offline)" : ""}${warnings > 0 ? `; ${warnings} warning(s)` : ""}`;
    if (hasErrors(problems)) {
      process.exitCode = exitFindings;
      process.stderr.write(
        `imagepin: ${file}: ${problems.filter((problem) => problem.severity === "error").length} error(s)${tail}\n`,
      );
    } else {
      const sets = judged.map(({ name, release }) => `ImageSet ${name} verified against ${release}`).join(", ");
      process.stderr.write(`imagepin: ${file}: ${sets}${tail}\n`);
    }
  } finally {
    await registry?.close();
  }
}

function formatProblem(file: string, problem: ImageSetProblem): string {
  const where = problem.line ? `:${problem.line}:${problem.column ?? 1}` : "";
  const severity = problem.severity === "error" ? "" : `${problem.severity}: `;
  return `${file}${where}: ${severity}${problem.code}: ${problem.message}`;
}
