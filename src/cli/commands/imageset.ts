import type { Command } from "commander";
import { ImagepinError, UsageError } from "../../errors.js";
import { describeFsError } from "../../internal/fs-errors.js";
import { createImageSet, verifyImageSet, type Variant } from "../../imageset/index.js";
import { writeFileAtomic } from "../../internal/atomic-write.js";
import { exitFindings, out } from "../output.js";
import { readInputFile, referenceLines } from "../input.js";
import { addRegistryFlags, createResolverFromFlags, type RegistryFlags } from "../registry-flags.js";
import { startProgress } from "../progress.js";
import { plural, printTotal } from "../report.js";

interface CreateFlags extends RegistryFlags {
  version?: string;
  variant: string;
  registry?: string;
  imagePath?: string;
  from?: string;
  output?: string;
  quiet?: boolean;
}

interface VerifyFlags extends RegistryFlags {
  registry?: string;
  imagePath?: string;
}

/** `imagepin imageset create|verify`: Calico operator ImageSets resolved at the registry, no Docker daemon. */
export function register(program: Command): void {
  const imageset = program.command("imageset").description("create and verify Calico operator ImageSets");

  addRegistryFlags(
    imageset
      .command("create")
      .description("build an ImageSet (operator.tigera.io/v1) from the operator's image list")
      .argument("[ref...]", "image references (or use --from)")
      .option("--version <version>", "release version for the name (default: the images' shared tag)")
      .option("--variant <variant>", "calico or enterprise", "calico")
      .option("--registry <registry>", "resolve at this registry, as the Installation's registry field")
      .option("--image-path <path>", "replace the images' owner path, as the Installation's imagePath field")
      .option("--from <file>", "read references from a file, one per line (`--print-images=list` output); - for stdin")
      .option("-o, --output <file>", "write the ImageSet to a file (atomically) instead of stdout")
      .option("-q, --quiet", "no progress and no total line on a terminal"),
  ).action(async (refs: string[], flags: CreateFlags) => {
    if (flags.variant !== "calico" && flags.variant !== "enterprise") throw new UsageError(`--variant must be calico or enterprise, not ${JSON.stringify(flags.variant)}`);
    const listed = flags.from ? referenceLines(await readInputFile(flags.from)) : [];
    if (flags.from && listed.length === 0 && refs.length === 0) {
      throw new UsageError(`${flags.from === "-" ? "standard input" : flags.from} lists no image references (one per line, as the operator's --print-images=list prints them)`);
    }
    const references = [...listed, ...refs];
    if (references.length === 0) throw new UsageError("imageset create: give image references or --from FILE");
    const { resolver, platform, close } = await createResolverFromFlags(flags, process.env);
    const progress = await startProgress({ quiet: flags.quiet });
    try {
      const result = await createImageSet({ references, variant: flags.variant as Variant, version: flags.version, registry: flags.registry, imagePath: flags.imagePath, platform, resolver: progress.counting(resolver) }).finally(() => progress.stop());
      printTotal(`resolved ${plural(references.length - result.failures.length, "image")} of ${references.length}${result.failures.length > 0 ? `, ${result.failures.length} failed` : ""}`, { quiet: flags.quiet });
      for (const warning of result.warnings) process.stderr.write(`imagepin: warning: ${warning}\n`);
      for (const { reference, reason } of result.dropped) process.stderr.write(`imagepin: dropped ${reference}: ${reason}\n`);
      for (const image of result.missing) process.stderr.write(`imagepin: warning: ${image} is not in the list; the operator refuses a ${result.name} set without it\n`);
      if (result.failures.length > 0) {
        for (const failure of result.failures) process.stderr.write(`imagepin: ${failure.reference}: ${failure.message}\n`);
        process.stderr.write(`imagepin: no ImageSet written: ${result.failures.length} image(s) could not be resolved\n`);
        process.exitCode = exitFindings;
        return;
      }
      if (flags.output) {
        await writeFileAtomic(flags.output, result.yaml).catch((error: unknown) => {
          throw new ImagepinError("write-failed", `cannot write ${flags.output}: ${describeFsError(error)}`, { cause: error });
        });
      }
      else process.stdout.write(result.yaml);
    } finally {
      await close();
    }
  });

  addRegistryFlags(
    imageset
      .command("verify")
      .description("check an ImageSet's name, images and digests before it is applied")
      .argument("<file>", "the ImageSet YAML file")
      .option("--registry <registry>", "the registry the images are pulled from (default quay.io)")
      .option("--image-path <path>", "replace the images' owner path, as the Installation's imagePath field"),
  ).action(async (file: string, flags: VerifyFlags) => {
    const text = await readInputFile(file);
    const { resolver, close } = await createResolverFromFlags(flags, process.env);
    try {
      const problems = await verifyImageSet({ text, registry: flags.registry, imagePath: flags.imagePath, resolver });
      for (const problem of problems) {
        out(`${file}${problem.line ? `:${problem.line}:${problem.column ?? 1}` : ""}: ${problem.code}: ${problem.message}`);
      }
      if (problems.length > 0) process.exitCode = exitFindings;
      else process.stderr.write(`imagepin: ${file}: ImageSet verified\n`);
    } finally {
      await close();
    }
  });
}
