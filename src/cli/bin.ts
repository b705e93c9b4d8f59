#!/usr/bin/env node
// The executable: as little as possible before the one command that runs is loaded. `npm run build`
// bundles it (scripts/bundle-cli.mjs) with inline source maps, read only when --debug asks for stack
// traces, so they name src/**/*.ts lines; they are turned on before the rest of the CLI is loaded.
import module from "node:module";

if (process.argv.includes("--debug")) process.setSourceMapsEnabled(true);
// Node 22.1+ keeps compiled code between runs (Node 20 has no such cache: the bundle is what helps there).
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// `imagepin … | head` closes the pipe early: stop quietly, as other command-line tools do, instead of
// dying on an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const { main } = await import("./main.js");
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`imagepin: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 3;
  },
);
