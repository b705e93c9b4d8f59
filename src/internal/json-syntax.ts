/**
 * Finds where and why JSON text is malformed without quoting it. V8's `JSON.parse` messages quote the
 * text around the error (`Unexpected token 'h', ..."password":hunter2SEC"... is not valid JSON`), and
 * their format changes between Node versions, so credential and lock files are never described with
 * them: jsonc-parser (strict: no comments, no trailing commas) re-reads the text and gives an offset and
 * an error code, which become a reason made only of fixed words.
 */
import { parse, ParseErrorCode, type ParseError } from "jsonc-parser";

/** The first syntax error in a JSON text: a character offset and a reason that holds no source text. */
export interface JsonSyntaxError {
  offset: number;
  reason: string;
}

const reasons: Partial<Record<ParseErrorCode, string>> = {
  [ParseErrorCode.InvalidSymbol]: "unexpected character (strings must be in double quotes)",
  [ParseErrorCode.InvalidNumberFormat]: "malformed number",
  [ParseErrorCode.PropertyNameExpected]: "expected a property name in double quotes",
  [ParseErrorCode.ValueExpected]: "expected a value",
  [ParseErrorCode.ColonExpected]: "expected ':' after a property name",
  [ParseErrorCode.CommaExpected]: "expected ',' between values",
  [ParseErrorCode.CloseBraceExpected]: "expected '}' to close an object",
  [ParseErrorCode.CloseBracketExpected]: "expected ']' to close an array",
  [ParseErrorCode.EndOfFileExpected]: "unexpected text after the JSON value",
  [ParseErrorCode.InvalidCommentToken]: "comments are not allowed in JSON",
  [ParseErrorCode.UnexpectedEndOfComment]: "comments are not allowed in JSON",
  [ParseErrorCode.UnexpectedEndOfString]: "unterminated string (a line break inside must be written \\n)",
  [ParseErrorCode.UnexpectedEndOfNumber]: "malformed number",
  [ParseErrorCode.InvalidUnicode]: "bad \\u escape in a string",
  [ParseErrorCode.InvalidEscapeCharacter]: "bad escape in a string",
  [ParseErrorCode.InvalidCharacter]: "control character in a string (a line break must be written \\n)",
};

const strict = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

/**
 * Returns the first syntax error of `text` (RFC 8259, as `JSON.parse` accepts it), or undefined when
 * the text is valid JSON.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  if (text.trim() === "") return { offset: text.length, reason: "unexpected end of input" };
  const errors: ParseError[] = [];
  parse(text, errors, strict);
  const first = errors[0];
  if (first === undefined) return undefined;
  if (first.offset >= text.length) return { offset: first.offset, reason: "unexpected end of input" };
  if (first.error === ParseErrorCode.InvalidSymbol && isCompleteValue(text.slice(0, first.offset))) {
    return { offset: first.offset, reason: "unexpected text after the JSON value" };
  }
  return { offset: first.offset, reason: reasons[first.error] ?? "malformed JSON" };
}

function isCompleteValue(prefix: string): boolean {
  if (prefix.trim() === "") return false;
  try {
    JSON.parse(prefix);
    return true;
  } catch {
    return false;
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
