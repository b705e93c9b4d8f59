/**
 * A pure parser for Docker's `config.json` (and the `auths`-style maps inside pull secrets).
 * No file system access here: {@link locateDockerConfig} in `locate.ts` finds the file.
 */

import type { SourceLocation } from "../errors.js";
import { CredentialsError, type CredentialsErrorCode } from "./errors.js";
import { lineAndColumn, parseJsonWithPosition } from "../internal/json-syntax.js";
import type { Credential } from "./types.js";

/** One `auths` entry that carries a credential. */
export interface AuthEntry {
  /** The key as written (`https://index.docker.io/v1/`, `*.example.com`). */
  key: string;
  credential: Credential;
}

/** A credential helper named for one registry in `credHelpers`. */
export interface HelperEntry {
  /** The registry key as written (`gcr.io`). */
  key: string;
  /** The helper's name: `docker-credential-<helper>` is run. */
  helper: string;
}

/** What a docker config holds for imagepin, in file order. */
export interface DockerConfig {
  /** The file name the config was read from, for messages and candidate sources. */
  source: string;
  /** Entries that carry a credential; empty placeholders (`{}`, as written beside a credsStore) are left out. */
  auths: AuthEntry[];
  credHelpers: HelperEntry[];
  /** The default credential store (`desktop`, `pass`), if any. */
  credsStore?: string;
}

/** Helper names end up in an executable name; keep them to what helpers are really called. */
const helperNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Parses the text of a docker `config.json`: `auths` (`auth` as base64 `user:password`, or
 * `username`/`password`, `identitytoken`, `registrytoken`), `credHelpers` and `credsStore`. Other
 * fields are ignored. Pure: `sourceName` is only used in messages and results.
 *
 * @throws CredentialsError `invalid-config` for text that is not JSON (with line and column when the
 *   JSON parser reports a position), or for entries of the wrong shape or with bad base64. Messages
 *   name the file and the key, never the secret.
 */
export function parseDockerConfig(text: string, sourceName: string): DockerConfig {
  const document = parseJson(text, sourceName, "invalid-config");
  if (!isObject(document))
    throw new CredentialsError("invalid-config", "a docker config must be a JSON object", {
      location: { file: sourceName },
    });
  const problem = (message: string, key?: string) =>
    new CredentialsError("invalid-config", message, { location: locateKey(text, sourceName, key) });

  const config: DockerConfig = { source: sourceName, auths: [], credHelpers: [] };
  if (document.auths !== undefined && document.auths !== null) {
    if (!isObject(document.auths)) throw problem(`"auths" must be an object`, "auths");
    config.auths = parseAuthEntries(document.auths, (message, key) => problem(message, key));
  }
  if (document.credHelpers !== undefined && document.credHelpers !== null) {
    if (!isObject(document.credHelpers)) throw problem(`"credHelpers" must be an object`, "credHelpers");
    for (const [key, helper] of Object.entries(document.credHelpers)) {
      if (typeof helper !== "string" || !helperNamePattern.test(helper)) {
        throw problem(`credHelpers ${JSON.stringify(key)} must name a helper (letters, digits, ".", "_", "-")`, key);
      }
      config.credHelpers.push({ key, helper });
    }
  }
  if (document.credsStore !== undefined && document.credsStore !== null && document.credsStore !== "") {
    if (typeof document.credsStore !== "string" || !helperNamePattern.test(document.credsStore)) {
      throw problem(`"credsStore" must name a helper (letters, digits, ".", "_", "-")`, "credsStore");
    }
    config.credsStore = document.credsStore;
  }
  return config;
}

/**
 * Reads a map of registry key → auth entry (config.json `auths`, or a legacy `.dockercfg`).
 * `problem` builds the error to throw for a bad entry; it is given the entry's key.
 */
export function parseAuthEntries(
  map: Record<string, unknown>,
  problem: (message: string, key: string) => Error,
): AuthEntry[] {
  const entries: AuthEntry[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (!isObject(value)) throw problem(`auth entry ${JSON.stringify(key)} must be an object`, key);
    const credential = parseAuthEntry(value, (message) =>
      problem(`auth entry ${JSON.stringify(key)}: ${message}`, key),
    );
    if (credential !== undefined) entries.push({ key, credential });
  }
  return entries;
}

/** One entry's credential, or undefined for a placeholder with no secret. */
function parseAuthEntry(entry: Record<string, unknown>, problem: (message: string) => Error): Credential | undefined {
  const field = (name: string): string | undefined => {
    const value = entry[name];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") throw problem(`"${name}" must be a string`);
    return value;
  };
  let username = field("username");
  let password = field("password");
  const auth = field("auth");
  if (auth !== undefined) {
    // Docker decodes `auth` and lets it win over username/password written beside it.
    const decoded = decodeBase64(auth);
    if (decoded === undefined) throw problem(`"auth" is not valid base64`);
    const colon = decoded.indexOf(":");
    if (colon === -1) throw problem(`"auth" must decode to user:password`);
    username = decoded.slice(0, colon);
    // The password is everything after the first colon (it may hold colons); Docker trims NULs.
    password = decoded.slice(colon + 1).replace(/^\0+|\0+$/g, "");
  }
  const registryToken = field("registrytoken");
  const identityToken = field("identitytoken");
  const user = username === undefined || username === "" ? {} : { username };
  // A registry token is a ready bearer token; an identity token is exchanged at the realm; both
  // supersede a password stored beside them, as in Docker's own client.
  if (registryToken !== undefined) return { ...user, registryToken };
  if (identityToken !== undefined) return { ...user, identityToken };
  if (password !== undefined) return { username: username ?? "", password };
  return undefined;
}

/** Strict standard base64 (whitespace allowed, padding optional); undefined when malformed. */
function decodeBase64(text: string): string | undefined {
  const compact = text.replace(/\s+/g, "");
  if (!base64Pattern.test(compact) || compact.replace(/=+$/, "").length % 4 === 1) return undefined;
  return Buffer.from(compact, "base64").toString("utf8");
}

/**
 * `JSON.parse` with errors turned into a {@link CredentialsError} at the line and column of the first
 * syntax error, with a reason of fixed words. V8's own message quotes the text around the error, which
 * in a credential file is the secret, so neither it nor the SyntaxError (--debug prints causes) is used.
 */
export function parseJson(text: string, file: string, code: CredentialsErrorCode): unknown {
  return parseJsonWithPosition(text, ({ reason, line, column }) => {
    throw new CredentialsError(code, `not valid JSON: ${reason}`, { location: { file, line, column } });
  });
}

/** The location of the first `"key"` in the text, so an entry error points at its line. */
function locateKey(text: string, file: string, key: string | undefined): SourceLocation {
  if (key === undefined) return { file };
  const at = text.indexOf(JSON.stringify(key));
  return at === -1 ? { file } : { file, ...lineAndColumn(text, at) };
}

/** True for a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
