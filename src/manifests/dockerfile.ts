import { declareArgs, expandWord, type ArgValue } from "./dockerfile-args.js";
import { logicalLines, offsetInFile, wordsOf } from "./dockerfile-lines.js";
import { commentIgnores, splitLines } from "./suppression.js";
import type { FoundImage, ManifestProblem, ScannedFile } from "./types.js";

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
    const expanded = expandWord(imageWord.text, args, escape);
    const image = expanded.value;
    const isStage = stages.has(image.toLowerCase());
    if (stage) stages.add(stage.toLowerCase());
    if (isStage || image.toLowerCase() === "scratch") continue;
    const start = imageWord.start;
    const position = positionAt(lineStarts, start);
    // An ARG without a default leaves the image unknown, so it cannot be pinned.
    const unresolved = expanded.unresolved.length > 0;
    const split = imageWord.end - imageWord.start !== imageWord.text.length;
    const notRewritable = split
      ? "the image is split over continuation lines; write it on one line to pin it"
      : unresolved
        ? `the image uses an ARG without a default before the first FROM (${imageWord.text}); give it a default to pin it`
        : undefined;
    images.push({
      file,
      ...position,
      format: "dockerfile",
      kind: "Dockerfile",
      name: stageName,
      image,
      ...(imageWord.text !== image ? { written: imageWord.text } : {}),
      platform: platform === undefined ? undefined : expandWord(platform, args, escape).value,
      ignored: new Set(commentIgnores(lines, position.line)),
      ...(notRewritable ? { notRewritable } : { slot: { kind: "replace" as const, start, end: imageWord.end, style: "raw" as const } }),
    });
  }
  return { file, text, format: "dockerfile", images, problems };
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
