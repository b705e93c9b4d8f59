/**
 * Finds where and why JSON text is malformed without quoting it. V8's `JSON.parse` messages quote the
 * text around the error (`Unexpected token 'h', ..."password":hunter2SEC"... is not valid JSON`), and
 * their format changes between Node versions, so credential files are never described with them: this
 * small scanner re-reads the text and reports an offset and a reason made only of fixed words.
 */

/** The first syntax error in a JSON text: a character offset and a reason that holds no source text. */
export interface JsonSyntaxError {
  offset: number;
  reason: string;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

/**
 * Returns the first syntax error of `text` (RFC 8259, as `JSON.parse` accepts it), or undefined when
 * the text is valid JSON.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let at = 0;
  const fail = (reason: string): never => {
    throw new Stop(at, at >= text.length ? "unexpected end of input" : reason);
  };
  const space = () => {
    while (at < text.length && " \t\n\r".includes(text[at] as string)) at++;
  };
  const expect = (char: string, reason: string) => {
    space();
    if (text[at] !== char) fail(reason);
    at++;
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[at] !== char) fail("unexpected character (strings must be in double quotes)");
      at++;
    }
  };
  const string = () => {
    at++; // the opening quote
    for (;;) {
      if (at >= text.length) fail("unterminated string");
      const code = text.charCodeAt(at);
      if (code === 0x22) {
        at++;
        return;
      }
      if (code < 0x20) fail("control character in a string (a line break must be written \\n)");
      if (code === 0x5c) {
        at++;
        const escape = text[at];
        if (escape === "u") {
          if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(at + 1, at + 5))) fail("bad \\u escape in a string");
          at += 5;
        } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) at++;
        else fail("bad escape in a string");
      } else at++;
    }
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match || match[0] === "-") fail("malformed number");
    at += (match as RegExpExecArray)[0].length;
  };
  const value = (depth: number) => {
    if (depth > 1000) fail("nested too deeply");
    space();
    const char = text[at];
    if (char === "{") {
      at++;
      space();
      if (text[at] === "}") {
        at++;
        return;
      }
      for (;;) {
        space();
        if (text[at] !== '"') fail("expected a property name in double quotes");
        string();
        expect(":", "expected ':' after a property name");
        value(depth + 1);
        space();
        if (text[at] === ",") {
          at++;
          continue;
        }
        if (text[at] === "}") {
          at++;
          return;
        }
        fail("expected ',' or '}' after a property value");
      }
    } else if (char === "[") {
      at++;
      space();
      if (text[at] === "]") {
        at++;
        return;
      }
      for (;;) {
        value(depth + 1);
        space();
        if (text[at] === ",") {
          at++;
          continue;
        }
        if (text[at] === "]") {
          at++;
          return;
        }
        fail("expected ',' or ']' after an array element");
      }
    } else if (char === '"') string();
    else if (char === "t") literal("true");
    else if (char === "f") literal("false");
    else if (char === "n") literal("null");
    else if (char === "-" || (char !== undefined && char >= "0" && char <= "9")) number();
    else fail("unexpected character (strings must be in double quotes)");
  };
  try {
    value(0);
    space();
    if (at < text.length) fail("unexpected text after the JSON value");
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return { offset: error.offset, reason: error.reason };
    throw error;
  }
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** Where and why a JSON text failed to parse: a reason of fixed words and a 1-based line and column. */
export interface JsonParseFailure extends JsonSyntaxError {
  line: number;
  column: number;
}

/**
 * `JSON.parse` of `text` (a leading byte-order mark is ignored) whose failure never quotes the text:
 * on a syntax error `fail` receives the offset, line and column (counted without the byte-order mark)
 * and a reason from {@link findJsonSyntaxError}, and must throw. V8's own message and the SyntaxError
 * are dropped, because they quote the text around the error, which may be a secret.
 */
export function parseJsonWithPosition(text: string, fail: (failure: JsonParseFailure) => never): unknown {
  const body = text.replace(/^\uFEFF/, "");
  try {
    return JSON.parse(body) as unknown;
  } catch {
    const found = findJsonSyntaxError(body) ?? { offset: 0, reason: "malformed" };
    return fail({ ...found, ...lineAndColumn(body, found.offset) });
  }
}
