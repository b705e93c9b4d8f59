/**
 * Variables inside image values: Compose interpolation (`${IMG:-nginx}:${TAG:-1.25}`, `$$` for `$`) and
 * Dockerfile `ARG` substitution (`FROM ${BASE}:${TAG}`, the escape character before `$`). A value is
 * parsed once into literal and `${…}` parts; evaluating it gives the image text and, for every character,
 * where in the written value it came from. Rewrites then work on that structure (issue 13), never on
 * character positions in the written text, so a `:` inside `${IMG:-apache/airflow:2.9.2}` is never taken
 * for the tag separator.
 */

/** Which syntax a value is written in. */
export type Dialect = "compose" | "dockerfile";

/** A run of literal text, or one escaped `$` (`$$` in Compose, `\$` in a Dockerfile). */
export interface LiteralPart {
  kind: "literal";
  /** Where the part is written in the value (end exclusive). */
  start: number;
  end: number;
  /** Its text once unescaped. */
  text: string;
}

/** `$NAME` or `${NAME}`, or `${NAME<operator><word>}` with a word that may hold further parts. */
export interface VariablePart {
  kind: "variable";
  start: number;
  end: number;
  name: string;
  /** `:-`, `-`, `:+`, `+`, `:?`, `?`, or another BuildKit operator (`#`, `%`, `/`…) that is not evaluated. */
  operator?: string;
  word?: Part[];
}

export type Part = LiteralPart | VariablePart;

/** What a lookup knows of a variable: its value, that it is unset, or nothing (set only at run time). */
export type VariableState = { kind: "set"; value: string } | { kind: "unset" } | { kind: "unknown" };

/** A variable's state by name. */
export type Lookup = (name: string) => VariableState;

/** One top-level part with the range of the image text it expanded to. */
export interface ExpandedPart {
  part: Part;
  /** The characters `from..to` of the image text came from this part. */
  from: number;
  to: number;
}

/** A value whose variables could all be evaluated. */
export interface Expansion {
  /** The value as written (a YAML scalar's value, a Dockerfile word). */
  written: string;
  /** The image text it stands for. */
  text: string;
  parts: ExpandedPart[];
  /** For each character of `text`, the offset in `written` it was copied from, or -1 (an ARG's value). */
  origins: number[];
}

/** A value that names a variable nobody gives a value before run time. */
export interface UnknownExpansion {
  written: string;
  /** The variables that leave the image unknown, as written (`${SNUBA_IMAGE}`, `$TAG`). */
  variables: string[];
}

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*/;
const operators = [":-", ":+", ":?", "-", "+", "?"];

/**
 * Parses a written value into parts. A `$` that starts no variable (`$1`, a lone `$`) is literal text;
 * an unclosed `${` is literal too, so the value is then reported as an invalid reference, never guessed.
 */
export function parseInterpolation(written: string, dialect: Dialect, escape = "\\"): Part[] {
  return parseParts(written, 0, written.length, dialect, escape).parts;
}

/** Parts from `start` up to `end`, or up to the first unmatched `}` when `inWord`. */
function parseParts(
  text: string,
  start: number,
  end: number,
  dialect: Dialect,
  escape: string,
  inWord = false,
): { parts: Part[]; next: number } {
  const parts: Part[] = [];
  let literalStart = start;
  // A literal is sliced from the text when it ends, never built a character at a time: an 8 MB word
  // built by += is a rope of millions of nodes and runs a 128 MB heap out of memory (issue 18).
  const flush = (at: number) => {
    if (at > literalStart)
      parts.push({ kind: "literal", start: literalStart, end: at, text: text.slice(literalStart, at) });
  };
  let index = start;
  while (index < end) {
    if (inWord && text[index] === "}") break;
    const escaped = escapedDollar(text, index, dialect, escape);
    if (escaped > 0) {
      flush(index);
      parts.push({ kind: "literal", start: index, end: index + escaped, text: "$" });
      index += escaped;
      literalStart = index;
      continue;
    }
    const variable = text[index] === "$" ? parseVariable(text, index, end, dialect, escape) : undefined;
    if (variable) {
      flush(index);
      parts.push(variable);
      index = variable.end;
      literalStart = index;
      continue;
    }
    index++;
  }
  flush(index);
  return { parts, next: index };
}

/** The length of an escaped dollar at `index` (`$$`, or the escape character and `$`), else 0. */
function escapedDollar(text: string, index: number, dialect: Dialect, escape: string): number {
  if (dialect === "compose") return text.startsWith("$$", index) ? 2 : 0;
  return text.startsWith(escape, index) && text[index + escape.length] === "$" ? escape.length + 1 : 0;
}

function parseVariable(
  text: string,
  start: number,
  end: number,
  dialect: Dialect,
  escape: string,
): VariablePart | undefined {
  if (text[start + 1] !== "{") {
    const bare = namePattern.exec(text.slice(start + 1, end));
    return bare ? { kind: "variable", start, end: start + 1 + bare[0].length, name: bare[0] } : undefined;
  }
  const name = namePattern.exec(text.slice(start + 2, end))?.[0];
  if (!name) return undefined;
  let index = start + 2 + name.length;
  if (text[index] === "}") return { kind: "variable", start, end: index + 1, name };
  const operator = operators.find((candidate) => text.startsWith(candidate, index)) ?? otherOperator(text, index);
  if (!operator) return undefined;
  index += operator.length;
  const word = parseParts(text, index, end, dialect, escape, true);
  if (text[word.next] !== "}") return undefined;
  return { kind: "variable", start, end: word.next + 1, name, operator, word: word.parts };
}

/** BuildKit's pattern operators (`${V#x}`, `${V%%x}`, `${V/a/b}`): parsed so they are kept, not evaluated. */
function otherOperator(text: string, index: number): string | undefined {
  return /^(##|#|%%|%|\/\/|\/)/.exec(text.slice(index))?.[0];
}

/** Compose: the file is read without the environment or `.env`, so every variable may be set only at run time. */
export const composeLookup: Lookup = () => ({ kind: "unknown" });

/**
 * Evaluates parts with `lookup`. `${V:-w}` and `${V-w}` give the default for a variable that is unset or
 * unknown: the image the file itself names. `${V}`, `$V`, `${V:?err}` and `${V:+w}` of an unknown
 * variable leave the image unknown.
 */
export function expand(written: string, parts: Part[], lookup: Lookup): Expansion | UnknownExpansion {
  const unknown: string[] = [];
  const expanded: ExpandedPart[] = [];
  const origins: number[] = [];
  let text = "";
  for (const part of parts) {
    const from = text.length;
    const piece = evaluatePart(written, part, lookup, unknown);
    text += piece.text;
    origins.push(...piece.origins);
    expanded.push({ part, from, to: text.length });
  }
  if (unknown.length > 0) return { written, variables: [...new Set(unknown)] };
  return { written, text, parts: expanded, origins };
}

/** True when an expansion left the image unknown. */
export function isUnknown(expansion: Expansion | UnknownExpansion): expansion is UnknownExpansion {
  return "variables" in expansion;
}

interface Piece {
  text: string;
  origins: number[];
}

function evaluatePart(written: string, part: Part, lookup: Lookup, unknown: string[]): Piece {
  if (part.kind === "literal") {
    // An escaped `$` is two (or more) written characters for one: it is said to come from the `$`.
    const offsets =
      part.text === "$" && part.end - part.start > 1
        ? [part.end - 1]
        : Array.from(part.text, (_, index) => part.start + index);
    return { text: part.text, origins: offsets };
  }
  const state = lookup(part.name);
  const word = (): Piece => evaluateWord(written, part.word ?? [], lookup, unknown);
  const outside = (value: string): Piece => ({ text: value, origins: value.split("").map(() => -1) });
  const unknownHere = (): Piece => {
    unknown.push(written.slice(part.start, part.end));
    return { text: "", origins: [] };
  };
  const isSet = state.kind === "set";
  const nonEmpty = isSet && state.value !== "";
  switch (part.operator) {
    case undefined:
      return isSet ? outside(state.value) : unknownHere();
    case ":-":
      return nonEmpty ? outside(state.value) : word();
    case "-":
      return isSet ? outside(state.value) : word();
    case ":+":
      return state.kind === "unknown" ? unknownHere() : nonEmpty ? word() : outside("");
    case "+":
      return state.kind === "unknown" ? unknownHere() : isSet ? word() : outside("");
    case ":?":
      return nonEmpty ? outside(state.value) : unknownHere();
    case "?":
      return isSet ? outside(state.value) : unknownHere();
    default:
      return unknownHere();
  }
}

function evaluateWord(written: string, parts: Part[], lookup: Lookup, unknown: string[]): Piece {
  const pieces = parts.map((part) => evaluatePart(written, part, lookup, unknown));
  return { text: pieces.map((piece) => piece.text).join(""), origins: pieces.flatMap((piece) => piece.origins) };
}

/** True when a written value has any variable (an escaped `$` alone is not one). */
export function hasVariables(parts: Part[]): boolean {
  return parts.some((part) => part.kind === "variable");
}

/**
 * The template placeholders in a value that is not read as Compose or a Dockerfile (envsubst `$IMAGE`,
 * `${IMAGE}`, Python-style `{IMAGE}`, Go template `{{ .Values.image }}`), as written; none for a
 * value without `$` or braces. No reference holds these characters.
 */
export function templatePlaceholders(value: string): string[] {
  return [...value.matchAll(/\{\{.*?\}\}|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|(?<!\$)\{[A-Za-z_][\w.-]*\}/g)].map(
    (match) => match[0],
  );
}
