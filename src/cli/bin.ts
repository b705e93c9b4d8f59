#!/usr/bin/env node
// The executable: as little as possible before the one command that runs is loaded. `npm run build`
// bundles it (scripts/bundle-cli.mjs) with inline source maps, read only when --debug asks for stack
// traces, so they name src/**/*.ts lines; they are turned on before the rest of the CLI is loaded.
import module from "node:module";
import { imagepinVersion } from "../version.js";

if (process.argv.includes("--debug")) process.setSourceMapsEnabled(true);
// Node 22.1+ keeps compiled code between runs (Node 20 has no such cache: the bundle is what helps there).
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const argv = process.argv.slice(2);
// `--version` is run in loops by scripts: answered here, before the rest of the CLI is even loaded
// (main has the same fast path for callers that run it directly).
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) process.stdout.write(`${imagepinVersion()}\n`);
else await run(argv);

async function run(args: string[]): Promise<void> {
  // `imagepin … | head` closes the pipe early: stop quietly, as other command-line tools do, instead of
  // dying on an unhandled EPIPE with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  const { main } = await import("./main.js");
  await main(args).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `imagepin: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 3;
    },
  );
}
