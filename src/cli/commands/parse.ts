import type { Command } from "commander";
import { ImageReference, tryParseReference } from "../../reference/index.js";
import { exitFindings, out } from "../output.js";
import { readReferenceArguments } from "../input.js";

interface ParseFlags {
  json?: boolean;
}

/** `imagepin parse REF... [--json]`: check references against the grammar and print their normalized form. */
export function register(program: Command): void {
  program
    .command("parse")
    .description("parse image references and print their normalized form")
    .argument("<ref...>", "image references; - reads them from standard input, one per line")
    .option("--json", "print one JSON object per reference")
    .addHelpText(
      "after",
      `
Output:
  text: one line per reference, its normalized form (docker.io/library/nginx:latest)
  json: {"input","domain","path","tag","digest","name","normalized","familiar"}
        or {"input","error":{"code","message"}}

Exit status: 0 when every reference is valid, 1 when any is not, 2 on usage errors.`,
    )
    .action(async (refs: string[], flags: ParseFlags) => {
      let failed = false;
      for (const input of await readReferenceArguments(refs)) {
        const result = tryParseReference(input);
        if (!(result instanceof ImageReference)) failed = true;
        if (flags.json) out(JSON.stringify(describe(input, result)));
        else if (result instanceof ImageReference) out(result.normalized);
        else process.stderr.write(`imagepin: ${result.message}\n`);
      }
      if (failed) process.exitCode = exitFindings;
    });
}

function describe(input: string, result: ImageReference | (Error & { code: string })) {
  if (!(result instanceof ImageReference)) return { input, error: { code: result.code, message: result.message } };
  return {
    input,
    domain: result.domain,
    path: result.path,
    tag: result.tag ?? null,
    digest: result.digest ?? null,
    name: result.name,
    normalized: result.normalized,
    familiar: result.familiar,
  };
}
