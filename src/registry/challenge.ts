/**
 * WWW-Authenticate parsing (RFC 9110 §11.6.1): a comma-separated list of challenges, each a scheme
 * followed by a token68 or by `name=value` parameters whose values are tokens or quoted strings.
 *
 * Written here rather than taken from npm: the small packages there either reject parameters the
 * registries send (`service`) or handle a single challenge with a regular expression.
 */

/** One challenge: the scheme in lower case and its parameters (names in lower case). */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
  /** The token68 form (`Negotiate abc==`), when the challenge used it instead of parameters. */
  token68?: string;
}

const tokenChar = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const token68Pattern = /^[A-Za-z0-9\-._~+/]+=*/;

/** Parses every challenge in a WWW-Authenticate value. Malformed text ends the list; it never throws. */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let i = 0;
  const skip = (chars: RegExp) => {
    while (i < header.length && chars.test(header[i]!)) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < header.length && tokenChar.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  const readBare = (): string => {
    const start = i;
    while (i < header.length && !/[\s,]/.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  const readQuoted = (): string => {
    i++; // opening quote
    let value = "";
    while (i < header.length && header[i] !== '"') {
      if (header[i] === "\\" && i + 1 < header.length) i++;
      value += header[i];
      i++;
    }
    i++; // closing quote (or past the end of an unterminated string)
    return value;
  };

  for (;;) {
    skip(/[\s,]/);
    if (i >= header.length) break;
    const scheme = readToken();
    if (scheme === "") break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    skip(/[ \t]/);
    const token68 = token68Pattern.exec(header.slice(i))?.[0];
    if (
      token68 !== undefined &&
      /^[ \t]*(,|$)/.test(header.slice(i + token68.length)) &&
      !/^[^=]+=[^=]/.test(token68)
    ) {
      challenge.token68 = token68;
      i += token68.length;
      continue;
    }
    // Parameters until the text stops looking like `name=value` (then a new challenge starts).
    for (;;) {
      skip(/[\s,]/);
      const start = i;
      const name = readToken();
      skip(/[ \t]/);
      if (name === "" || header[i] !== "=") {
        i = start;
        break;
      }
      i++;
      skip(/[ \t]/);
      // Unquoted values should be tokens; some servers write URLs bare, so read up to the next separator.
      const value = header[i] === '"' ? readQuoted() : readBare();
      challenge.params[name.toLowerCase()] = value;
    }
    if (i < header.length && !/[\s,]/.test(header[i]!) && !tokenChar.test(header[i]!)) break;
  }
  return challenges;
}
