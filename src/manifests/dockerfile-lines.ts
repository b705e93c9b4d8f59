/**
 * A Dockerfile instruction after joining its continuation lines. The text is kept with one segment
 * per physical line that went into it, not one offset per character: a 30 MB line would otherwise
 * hold 30 million numbers (issue 18: 1.8 GB).
 */
export interface LogicalLine {
  text: string;
  /** Piece i of `text` starts at index `segments[i].at` and sits at file offset `segments[i].offset`. */
  segments: { at: number; offset: number }[];
}

/** A whitespace-separated word of a logical line, with the file offsets of its first and past-last characters. */
export interface LineWord {
  text: string;
  start: number;
  end: number;
}

/**
 * Joins continuation lines (those ending in the escape character); comment lines inside an
 * instruction are dropped, as Docker does. The next line is joined without a space, as BuildKit does:
 * `FROM ngi\` + `nx:1.25` is nginx:1.25.
 */
export function logicalLines(text: string, escape: string): LogicalLine[] {
  const result: LogicalLine[] = [];
  let pieces: string[] = [];
  let segments: LogicalLine["segments"] = [];
  let length = 0;
  let offset = 0;
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const start = offset;
    offset += raw.length + 1;
    if (/^\s*#/.test(line)) continue;
    const trimmed = line.trimEnd();
    const continues = trimmed.endsWith(escape);
    const body = continues ? trimmed.slice(0, -escape.length) : line;
    if (body.length > 0) {
      pieces.push(body);
      segments.push({ at: length, offset: start });
      length += body.length;
    }
    if (continues) continue;
    result.push({ text: pieces.join(""), segments: segments.length > 0 ? segments : [{ at: 0, offset: start }] });
    pieces = [];
    segments = [];
    length = 0;
  }
  if (pieces.length > 0) result.push({ text: pieces.join(""), segments });
  return result;
}

/** The file offset of character `index` of a logical line. */
export function offsetInFile(line: LogicalLine, index: number): number {
  let low = 0;
  let high = line.segments.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (line.segments[middle]!.at <= index) low = middle;
    else high = middle - 1;
  }
  const segment = line.segments[low]!;
  return segment.offset + index - segment.at;
}

/**
 * The whitespace-separated words after index `from`, with their file offsets. A word split over
 * continuation lines spans more file characters than it has (`end - start > text.length`).
 */
export function wordsOf(line: LogicalLine, from: number): LineWord[] {
  const words: LineWord[] = [];
  for (const match of line.text.slice(from).matchAll(/\S+/g)) {
    const first = from + match.index;
    const last = first + match[0].length - 1;
    words.push({ text: match[0], start: offsetInFile(line, first), end: offsetInFile(line, last) + 1 });
  }
  return words;
}
