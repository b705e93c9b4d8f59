import { InvalidReferenceError } from "./errors.js";
import { digestShapePattern } from "./grammar.js";
import { quote } from "./quote.js";

/** The digest algorithms imagepin accepts, with the exact length of their lowercase hex encoding. */
export const digestHexLength: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };

const lowercaseHex = /^[a-f0-9]+$/;

/**
 * Checks a digest (`sha256:<64 hex>` or `sha512:<128 hex>`) and returns it unchanged.
 *
 * @param input the whole text being parsed, for the error message.
 * @throws InvalidReferenceError `invalid-format` when it is not `algorithm:encoded` at all,
 *   `unsupported-digest-algorithm` when well formed with another algorithm, `invalid-digest` when
 *   sha256/sha512 has the wrong length or characters (upper-case hex included: the spec says lowercase).
 */
export function validateDigest(digest: string, input: string = digest): string {
  if (!digestShapePattern.test(digest)) {
    throw new InvalidReferenceError(
      "invalid-format",
      input,
      `invalid reference ${quote(input)}: digest ${quote(digest)} is not algorithm:hex`,
    );
  }
  const colon = digest.indexOf(":");
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  const expectedLength = digestHexLength[algorithm];
  if (expectedLength === undefined) {
    throw new InvalidReferenceError(
      "unsupported-digest-algorithm",
      input,
      `invalid reference ${quote(input)}: digest algorithm ${quote(algorithm)} is not supported (use sha256 or sha512)`,
    );
  }
  if (encoded.length !== expectedLength || !lowercaseHex.test(encoded)) {
    const problem =
      encoded.length !== expectedLength
        ? `has ${encoded.length} characters, ${algorithm} needs ${expectedLength}`
        : "must be lowercase hex";
    throw new InvalidReferenceError(
      "invalid-digest",
      input,
      `invalid reference ${quote(input)}: ${algorithm} digest ${problem}`,
    );
  }
  return digest;
}

/** True when `text` is a digest imagepin accepts (see {@link validateDigest}). */
export function isValidDigest(text: string): boolean {
  const colon = text.indexOf(":");
  const expectedLength = digestHexLength[text.slice(0, colon)];
  return (
    expectedLength !== undefined &&
    text.length === colon + 1 + expectedLength &&
    lowercaseHex.test(text.slice(colon + 1))
  );
}
