/**
 * Dockerfile ARG defaults, expanded as BuildKit's shell lexer expands words (frontend/dockerfile/shell):
 * quotes are removed (`'…'` literal, `"…"` expanding `$`), the escape character makes the next
 * character literal, and `$V`, `${V}`, `${V:-word}`, `${V-word}`, `${V:+word}`, `${V+word}`,
 * `${V:?word}`, `${V?word}` are replaced, the `word` itself expanded. Global ARGs (before the first
 * FROM) are expanded in order, each with the ones before it, so `ARG A=1.25` / `ARG B=${A}` /
 * `FROM nginx:${B}` names nginx:1.25 (issue 18).
 *
 * One difference, on purpose: where BuildKit puts an empty string for a variable with no value (an ARG
 * without a default, not given with --build-arg), the reference is kept as written and its name
 * returned in `unresolved`, so the image can be reported as unknown rather than as `nginx:`.
 */

/** A variable's value, and the variables without a value that went into it. */
export interface ArgValue {
  value: string;
  unresolved: readonly string[];
}

/** The variables known at a point of a Dockerfile: name → value (an ARG with a default). */
export type ArgValues = ReadonlyMap<string, ArgValue>;

/** A word after expansion; `unresolved` names the variables without a value it used (none: fully known). */
export type Expansion = ArgValue;

/** Expands one word (an image, a platform, an ARG default) with `args`. */
export function expandWord(word: string, args: ArgValues, escape = "\\"): Expansion {
  const expander = new WordExpander(word, args, escape);
  const value = expander.until(undefined);
  return { value, unresolved: [...expander.unresolved] };
}

/**
 * Declares the `NAME[=default]` pairs of one ARG instruction (its text after `ARG`), in order, each
 * default expanded with the variables declared so far. An ARG without a default declares nothing
 * (BuildKit leaves it unset), so an earlier default stays.
 */
export function declareArgs(text: string, args: Map<string, ArgValue>, escape = "\\"): void {
  for (const word of argWords(text, escape)) {
    const equals = word.indexOf("=");
    if (equals <= 0) continue;
    args.set(word.slice(0, equals), expandWord(word.slice(equals + 1), args, escape));
  }
}

/** Splits an instruction's text on whitespace outside quotes; quotes and escapes stay for expansion. */
function argWords(text: string, escape: string): string[] {
  const words: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === escape && quote !== "'" && index + 1 < text.length) {
      current += char + text[++index];
    } else if (quote) {
      if (char === quote) quote = undefined;
      current += char;
    } else if (/\s/.test(char)) {
      if (current) words.push(current);
      current = "";
    } else {
      if (char === '"' || char === "'") quote = char;
      current += char;
    }
  }
  if (current) words.push(current);
  return words;
}

const variableName = /[A-Za-z_][A-Za-z0-9_]*/y;

/**
 * Collects the pieces of an expanded word, joining them every few thousand: a word of millions of
 * escaped characters would otherwise hold one small string per character until the end.
 */
class Pieces {
  private readonly joined: string[] = [];
  private pending: string[] = [];

  push(piece: string): void {
    this.pending.push(piece);
    if (this.pending.length >= 4096) {
      this.joined.push(this.pending.join(""));
      this.pending = [];
    }
  }

  join(): string {
    return this.joined.join("") + this.pending.join("");
  }
}

/** One pass over a word, reading from `at`; nested `${…}` words are read by the same expander. */
class WordExpander {
  at = 0;
  readonly unresolved = new Set<string>();

  constructor(
    private readonly text: string,
    private readonly args: ArgValues,
    private readonly escape: string,
  ) {}

  /** Reads up to (and past) `stop`, or to the end; returns the expanded text. */
  until(stop: string | undefined): string {
    const parts = new Pieces();
    while (this.at < this.text.length) {
      // Plain characters are taken a run at a time: a word can be megabytes long.
      const plain = this.plainRun(stop);
      if (plain > this.at) {
        parts.push(this.text.slice(this.at, plain));
        this.at = plain;
        continue;
      }
      const char = this.text[this.at]!;
      if (char === stop) {
        this.at++;
        return parts.join();
      }
      if (char === "$") parts.push(this.dollar());
      else if (char === "'") parts.push(this.singleQuoted());
      else if (char === '"') parts.push(this.doubleQuoted());
      else {
        // The escape character makes the next one literal; alone at the end it is dropped.
        parts.push(this.text[this.at + 1] ?? "");
        this.at += 2;
      }
    }
    return parts.join();
  }

  /** Where the run of characters with no meaning here, starting at `at`, ends. */
  private plainRun(stop: string | undefined): number {
    let end = this.at;
    while (end < this.text.length) {
      const char = this.text[end];
      if (char === "$" || char === "'" || char === '"' || char === this.escape || char === stop) break;
      end++;
    }
    return end;
  }

  private singleQuoted(): string {
    const end = this.text.indexOf("'", this.at + 1);
    const close = end === -1 ? this.text.length : end;
    const literal = this.text.slice(this.at + 1, close);
    this.at = close + 1;
    return literal;
  }

  /** `"…"`: `$` expands; the escape character escapes only `"`, `$` and itself, as in sh. */
  private doubleQuoted(): string {
    const parts = new Pieces();
    this.at++;
    while (this.at < this.text.length && this.text[this.at] !== '"') {
      const char = this.text[this.at]!;
      const next = this.text[this.at + 1];
      if (char === "$") parts.push(this.dollar());
      else if (char === this.escape && (next === '"' || next === "$" || next === this.escape)) {
        parts.push(next);
        this.at += 2;
      } else {
        let end = this.at + 1;
        while (end < this.text.length && !['"', "$", this.escape].includes(this.text[end]!)) end++;
        parts.push(this.text.slice(this.at, end));
        this.at = end;
      }
    }
    this.at++;
    return parts.join();
  }

  /** `$NAME`, `${NAME}` or `${NAME<modifier>word}` at `at`. */
  private dollar(): string {
    const start = this.at;
    this.at++;
    if (this.text[this.at] !== "{") {
      const name = this.name();
      return name === "" ? "$" : this.valueOf(name, this.text.slice(start, this.at));
    }
    this.at++;
    const name = this.name();
    let modifier = this.text[this.at] ?? "";
    this.at++;
    if (modifier === "}" && name !== "") return this.valueOf(name, this.text.slice(start, this.at));
    if (modifier === ":") modifier += this.text[this.at++] ?? "";
    const operator = modifier.replace(":", "");
    if (name === "" || !["-", "+", "?"].includes(operator)) return this.unsupported(start);
    const word = this.until("}");
    const found = this.args.get(name);
    const empty = found === undefined || (modifier.startsWith(":") && found.value === "");
    if (operator === "-") return empty ? word : this.use(found!);
    if (operator === "+") return empty ? "" : word;
    // `?`: BuildKit fails the build; the image is not known.
    return empty ? this.keep(name, this.text.slice(start, this.at)) : this.use(found!);
  }

  /** A variable name: letters, digits and `_`, not starting with a digit. */
  private name(): string {
    variableName.lastIndex = this.at;
    const name = variableName.exec(this.text)?.[0] ?? "";
    this.at += name.length;
    return name;
  }

  private valueOf(name: string, written: string): string {
    const found = this.args.get(name);
    return found === undefined ? this.keep(name, written) : this.use(found);
  }

  private use(found: ArgValue): string {
    for (const name of found.unresolved) this.unresolved.add(name);
    return found.value;
  }

  private keep(name: string, written: string): string {
    this.unresolved.add(name);
    return written;
  }

  /** A substitution we do not evaluate (`${V#p}`, `${V/p/r}`, a bad one): kept as written, and unknown. */
  private unsupported(start: number): string {
    const close = this.text.indexOf("}", this.at - 1);
    this.at = close === -1 ? this.text.length : close + 1;
    const written = this.text.slice(start, this.at);
    this.unresolved.add(written);
    return written;
  }
}
