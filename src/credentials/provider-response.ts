/**
 * The `CredentialProviderResponse` a kubelet credential provider plugin writes on standard output,
 * decoded as strictly as the kubelet decodes it: JSON only; the apiVersion must be the one the config
 * names; kind `CredentialProviderResponse`; unknown or repeated fields are errors; `cacheKeyType` one
 * of Image, Registry, Global; `cacheDuration` a Go duration. Nothing from the text is ever quoted in a
 * message except its apiVersion and kind: the rest may be a password.
 */

import { visit } from "jsonc-parser";
import { findJsonSyntaxError } from "../internal/json-syntax.js";
import { parseGoDuration } from "./provider-config.js";

/** How far an answer may be reused (credentialprovider API `PluginCacheKeyType`). */
export type CacheKeyType = "Image" | "Registry" | "Global";

/** A decoded response. */
export interface ProviderResponse {
  cacheKeyType: CacheKeyType;
  /** The plugin's `cacheDuration` in ms, or undefined when it left it out (the config's default applies). */
  cacheDurationMs: number | undefined;
  /** `auth` entries in the order written: a config.json-style key and its user name and password. */
  auth: { key: string; username: string; password: string }[];
}

const cacheKeyTypes: readonly CacheKeyType[] = ["Image", "Registry", "Global"];
const responseKeys = new Set(["kind", "apiVersion", "cacheKeyType", "cacheDuration", "auth"]);
const authConfigKeys = new Set(["username", "password"]);

/**
 * Decodes a plugin's standard output. Returns the response, or the reason it was refused: a sentence
 * of fixed words (and the apiVersion or kind it carried), never the text itself.
 */
export function decodeProviderResponse(text: string, expectedApiVersion: string): ProviderResponse | string {
  if (text.trim() === "") return "wrote nothing on standard output";
  if (findJsonSyntaxError(text) !== undefined) return "answered with something that is not JSON";
  if (hasDuplicateKeys(text)) return "answered JSON with a field written twice";
  const body: unknown = JSON.parse(text);
  if (!isObject(body)) return "answered JSON that is not an object";
  if (typeof body.apiVersion !== "string" || body.apiVersion !== expectedApiVersion) {
    const actual = typeof body.apiVersion === "string" ? JSON.stringify(body.apiVersion.slice(0, 100)) : "none";
    return `answered apiVersion ${actual}, but the config names ${expectedApiVersion}`;
  }
  if (body.kind !== "CredentialProviderResponse") {
    return `answered kind ${typeof body.kind === "string" ? JSON.stringify(body.kind.slice(0, 100)) : "none"}, not CredentialProviderResponse`;
  }
  const unknown = Object.keys(body).filter((key) => !responseKeys.has(key));
  if (unknown.length > 0)
    return `answered ${unknown.length === 1 ? "a field" : `${unknown.length} fields`} a CredentialProviderResponse does not have`;
  if (body.cacheKeyType !== undefined && body.cacheKeyType !== null && typeof body.cacheKeyType !== "string")
    return "answered a cacheKeyType that is not a string";
  const cacheKeyType = body.cacheKeyType ?? "";
  if (!(cacheKeyTypes as readonly unknown[]).includes(cacheKeyType))
    return `did not answer a valid cacheKeyType (Image, Registry or Global)`;
  let cacheDurationMs: number | undefined;
  if (body.cacheDuration !== undefined && body.cacheDuration !== null) {
    cacheDurationMs = typeof body.cacheDuration === "string" ? parseGoDuration(body.cacheDuration) : undefined;
    if (cacheDurationMs === undefined) return "answered a cacheDuration that is not a duration such as 5m";
  }
  const auth = decodeAuth(body.auth);
  if (typeof auth === "string") return auth;
  return { cacheKeyType: cacheKeyType as CacheKeyType, cacheDurationMs, auth };
}

function decodeAuth(value: unknown): ProviderResponse["auth"] | string {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) return "answered an auth that is not a map of image patterns";
  const entries: ProviderResponse["auth"] = [];
  for (const [key, config] of Object.entries(value)) {
    if (config === null) {
      entries.push({ key, username: "", password: "" });
      continue;
    }
    if (!isObject(config)) return "answered an auth entry that is not an object";
    if (Object.keys(config).some((field) => !authConfigKeys.has(field)))
      return "answered an auth entry with a field other than username and password";
    const username = config.username ?? "";
    const password = config.password ?? "";
    if (typeof username !== "string" || typeof password !== "string")
      return "answered an auth entry whose username or password is not a string";
    entries.push({ key, username, password });
  }
  return entries;
}

/** True when some object in the JSON text names one property twice (the kubelet's strict decoder refuses that). */
function hasDuplicateKeys(text: string): boolean {
  const stack: Set<string>[] = [];
  let duplicate = false;
  visit(text, {
    onObjectBegin: () => void stack.push(new Set()),
    onObjectEnd: () => void stack.pop(),
    onObjectProperty: (property) => {
      const keys = stack[stack.length - 1];
      if (keys === undefined) return;
      if (keys.has(property)) duplicate = true;
      keys.add(property);
    },
  });
  return duplicate;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
