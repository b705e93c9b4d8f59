// Golden files over a corpus of real-shaped inputs (Helm and Kustomize output, hand-written YAML with
// comments and anchors, CRLF with a BOM, Lists, Compose, a Dockerfile, broken YAML, an ImageSet, a
// custom kind): the lint report and the pinned text of each, against an in-memory resolver.
// `UPDATE_GOLDEN=1 npx vitest run test/integration/manifests-golden.test.ts` rewrites them; review the diff.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseCustomKinds, pinFiles, scanText } from "../../src/manifests/index.js";
import { memoryResolver } from "../support/test-resolver.js";
import { formatFindings, lintFiles, lintRules } from "../../src/policy/index.js";

const fixtures = fileURLToPath(new URL("../fixtures/manifests/", import.meta.url));
const corpus = join(fixtures, "corpus");
const golden = join(fixtures, "golden");
const customKinds = parseCustomKinds(readFileSync(join(fixtures, "kinds.yaml"), "utf8"), "kinds.yaml");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)],
  );
}

function matchGolden(name: string, actual: string): void {
  const path = join(golden, name);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(golden, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(existsSync(path), `${name} is missing; run with UPDATE_GOLDEN=1`).toBe(true);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

describe("golden corpus", () => {
  for (const path of files(corpus).sort()) {
    const name = relative(corpus, path);
    const key = name.replace(/[\\/]/g, "__");
    it(`lints and pins ${name}`, async () => {
      const text = readFileSync(path, "utf8");
      const scanned = scanText(`corpus/${name}`, text, { customKinds });
      const { findings, summary } = lintFiles([scanned]);
      matchGolden(
        `${key}.lint.txt`,
        formatFindings(findings, "text", { summary, rules: lintRules, toolVersion: "test" }),
      );
      const [pinned] = await pinFiles([scanned], { resolver: memoryResolver() });
      matchGolden(`${key}.pinned`, pinned!.output);
      // Pinning the result again changes nothing.
      const [again] = await pinFiles([scanText(`corpus/${name}`, pinned!.output, { customKinds })], {
        resolver: memoryResolver(),
      });
      expect(again!.changed).toBe(false);
    });
  }
});

// Issue 13: every corpus file, in each line-ending and byte-order-mark variant, pins to the same bytes
// as its LF form with the same variant applied (so only image values change), with and without the
// tag, and pinning the result again changes nothing.
const variants: Record<string, (lf: string) => string> = {
  lf: (lf) => lf,
  crlf: (lf) => lf.replace(/\n/g, "\r\n"),
  "bom-lf": (lf) => `\uFEFF${lf}`,
  "bom-crlf": (lf) => `\uFEFF${lf.replace(/\n/g, "\r\n")}`,
};

describe("corpus in every line-ending and BOM variant", () => {
  for (const path of files(corpus).sort()) {
    const name = relative(corpus, path);
    for (const keepTag of [true, false]) {
      it(`pins ${name} byte-exactly${keepTag ? "" : " with --no-keep-tag"}`, async () => {
        const lf = readFileSync(path, "utf8")
          .replace(/^\uFEFF/, "")
          .replace(/\r\n/g, "\n");
        const pin = async (text: string) =>
          (
            await pinFiles([scanText(`corpus/${name}`, text, { customKinds })], { resolver: memoryResolver(), keepTag })
          )[0]!;
        const expected = (await pin(lf)).output;
        for (const [variant, apply] of Object.entries(variants)) {
          const pinned = await pin(apply(lf));
          expect(pinned.output, variant).toBe(apply(expected));
          expect((await pin(pinned.output)).changed, `${variant} again`).toBe(false);
        }
      });
    }
  }
});
