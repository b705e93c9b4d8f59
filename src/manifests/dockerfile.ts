import { declareArgs, expandWord, type ArgValue, type ArgValues } from "./dockerfile-args.js";
import {
  expand,
  hasVariables,
  isUnknown,
  parseInterpolation,
  type Expansion,
  type VariableState,
} from "./interpolation.js";
import { logicalLines, offsetInFile, wordsOf } from "./dockerfile-lines.js";
import { commentIgnores, splitLines } from "./suppression.js";
import type { FoundImage, ManifestNotice, ManifestProblem, ScannedFile } from "./types.js";

/**
 * Dockerfile `FROM` images. Handles continuation lines, the `escape` parser directive, `--platform`,
 * stage names (a FROM naming an earlier stage is not an image), `ARG` defaults declared before the
 * first FROM (as Docker does), and skips `scratch`. An image built from ARGs is reported with the
 * defaults substituted; it is pinned by writing the digest after the word as written
 * (`FROM nginx:${TAG}@sha256:…`), which keeps the ARG; one whose ARG has no default cannot be pinned.
 */
export function scanDockerfile(file: string, text: string): ScannedFile {
  const lines = splitLines(text);
  const lineStarts = startsOfLines(text);
  const images: FoundImage[] = [];
  const problems: ManifestProblem[] = [];
  const notices: ManifestNotice[] = [];
  const args = new Map<string, ArgValue>();
  const stages = new Set<string>();
  let seenFrom = false;
  let stageIndex = 0;
  const escape = escapeCharacter(lines);
  for (const logical of logicalLines(text, escape)) {
    const match = /^\s*([A-Za-z]+)(\s+|$)/.exec(logical.text);
    if (!match) continue;
    const instruction = match[1]!.toUpperCase();
    if (instruction === "ARG" && !seenFrom) declareArgs(logical.text.slice(match[0].length), args, escape);
    if (instruction !== "FROM") continue;
    const words = wordsOf(logical, match[0].length);
    seenFrom = true;
    const inline = inlineIgnore(file, words, lineStarts);
    if (inline) notices.push(inline);
    const platform = words.find((word) => word.text.startsWith("--platform="))?.text.slice("--platform=".length);
    const rest = words.filter((word) => !word.text.startsWith("--"));
    const imageWord = rest[0];
    const stage = rest[1]?.text.toLowerCase() === "as" ? rest[2]?.text : undefined;
    const stageName = stage ?? String(stageIndex);
    stageIndex++;
    if (!imageWord) {
      const position = positionAt(lineStarts, offsetInFile(logical, 0));
      problems.push({ file, ...position, message: "FROM without an image" });
      continue;
    }
    const word = imageFromWord(imageWord.text, args, escape);
    const image = word.image;
    const isStage = stages.has(image.toLowerCase());
    if (stage) stages.add(stage.toLowerCase());
    if (isStage || image.toLowerCase() === "scratch") continue;
    const start = imageWord.start;
    const position = positionAt(lineStarts, start);
    const split = imageWord.end - imageWord.start !== imageWord.text.length;
    const notRewritable = split
      ? "the image is split over continuation lines; write it on one line to pin it"
      : word.fromVariable;
    images.push({
      file,
      ...position,
      format: "dockerfile",
      kind: "Dockerfile",
      name: stageName,
      image,
      ...(imageWord.text !== image ? { written: imageWord.text } : {}),
      ...(word.expansion ? { expansion: word.expansion } : {}),
      ...(word.fromVariable ? { fromVariable: word.fromVariable } : {}),
      platform: platform === undefined ? undefined : expandWord(platform, args, escape).value,
      ignored: new Set(commentIgnores(lines, position.line)),
      ...(notRewritable
        ? { notRewritable }
        : { slot: { kind: "replace" as const, start, end: imageWord.end, style: "raw" as const } }),
    });
  }
  return { file, text, format: "dockerfile", images, problems, ...(notices.length > 0 ? { notices } : {}) };
}

/**
 * The image a FROM word names, with `ARG` defaults declared before the first FROM substituted, parsed
 * into literal and `${…}` parts so a pin is written on its structure. An ARG without a default (or one
 * never declared) leaves the image unknown until build time: `fromVariable`, and `image` stays as written.
 */
function imageFromWord(
  word: string,
  args: ArgValues,
  escape: string,
): { image: string; expansion?: Expansion; fromVariable?: string } {
  const parts = parseInterpolation(word, "dockerfile", escape);
  if (!hasVariables(parts)) return { image: parts.map((part) => (part.kind === "literal" ? part.text : "")).join("") };
  // An ARG is known when its default (expanded with the ARGs before it, as BuildKit does) used no unknown ARG.
  // The ARGs that leave it unknown are named at the root of a chain: `ARG B=${TAG}` with no default for
  // TAG names TAG, the one to give a default.
  const withoutDefault = new Set<string>();
  let chained = false;
  const lookup = (name: string): VariableState => {
    const arg = args.get(name);
    if (arg !== undefined && arg.unresolved.length === 0) return { kind: "set", value: arg.value };
    if (arg !== undefined) chained = true;
    for (const root of arg?.unresolved ?? [name]) withoutDefault.add(root);
    return { kind: "unknown" };
  };
  const expansion = expand(word, parts, lookup);
  if (isUnknown(expansion)) {
    const names = [...withoutDefault].join(", ");
    const from = expansion.variables.join(", ");
    const cause = chained ? `${from}, which uses ${names}, an ARG with no default` : `${from}, an ARG with no default`;
    return {
      image: word,
      fromVariable: `the image comes from ${cause}, so it is known only at build time; give ${names} a default to lint and pin it`,
    };
  }
  return { image: expansion.text, expansion };
}

/**
 * Docker reads `#` as a comment only at the start of a line: `FROM nginx:1.25 # imagepin:ignore` hands
 * `#` and `imagepin:ignore` to FROM as arguments, and the build fails. Lint says so and shows the
 * line-above form (the suppression itself is still honoured, so the one finding is this one).
 */
function inlineIgnore(
  file: string,
  words: { text: string; start: number }[],
  lineStarts: number[],
): ManifestNotice | undefined {
  const hash = words.findIndex((word) => word.text.startsWith("#"));
  if (
    hash === -1 ||
    !/^#\s*imagepin:ignore/.test(
      words
        .slice(hash)
        .map((word) => word.text)
        .join(" "),
    )
  )
    return undefined;
  const message =
    "# imagepin:ignore at the end of a FROM line is not a comment to Docker (FROM gets it as arguments and the build fails); put it alone on the line above";
  return {
    file,
    ...positionAt(lineStarts, words[hash]!.start),
    rule: "dockerfile-inline-ignore",
    kind: "Dockerfile",
    message,
  };
}

/** The `# escape=` parser directive's character, default backslash. */
function escapeCharacter(lines: string[]): string {
  for (const line of lines) {
    const directive = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(line);
    if (!directive) break;
    if (directive[1]!.toLowerCase() === "escape") return directive[2]!;
  }
  return "\\";
}

function startsOfLines(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) starts.push(index + 1);
  return starts;
}

/** 1-based line and column of an offset. */
function positionAt(starts: number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - starts[low]! + 1 };
}
