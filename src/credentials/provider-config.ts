/**
 * A pure parser for the kubelet's `CredentialProviderConfig` (the file behind
 * `--image-credential-provider-config`), validated the way the kubelet validates it
 * (pkg/credentialprovider/plugin/config.go): strict decoding (unknown or repeated fields, wrong
 * types are errors), then every provider checked. Problems are collected with their file:line:col.
 * No file system access here: `provider-load.ts` reads the files and checks the plugin binaries.
 */

import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { SourceLocation } from "../errors.js";
import { CredentialsError } from "./errors.js";
import { parseMatchPattern } from "./provider-match.js";

/** Config apiVersions the kubelet decodes a `CredentialProviderConfig` from. */
export const providerConfigApiVersions = [
  "kubelet.config.k8s.io/v1",
  "kubelet.config.k8s.io/v1beta1",
  "kubelet.config.k8s.io/v1alpha1",
] as const;
/** Exec protocol versions a provider may name (`credentialprovider.kubelet.k8s.io/…`). */
export const providerApiVersions = [
  "credentialprovider.kubelet.k8s.io/v1",
  "credentialprovider.kubelet.k8s.io/v1alpha1",
  "credentialprovider.kubelet.k8s.io/v1beta1",
] as const;

/** One environment variable a plugin runs with, on top of imagepin's own environment. */
export interface ProviderEnvVar {
  name: string;
  value: string;
}

/** One `providers` entry, validated. */
export interface CredentialProviderSpec {
  /** The plugin's name: the executable `BIN_DIR/NAME`. */
  name: string;
  /** Image patterns the plugin is asked about (`*.dkr.ecr.*.amazonaws.com`). */
  matchImages: string[];
  /** How long an answer without `cacheDuration` is kept, ms; 0 keeps nothing. */
  defaultCacheDurationMs: number;
  /** The exec protocol version the plugin speaks; its responses must carry the same. */
  apiVersion: string;
  args: string[];
  env: ProviderEnvVar[];
  /** Where the entry is written, for messages. */
  location: SourceLocation;
}

/** One problem found in a config, at its place. */
interface Problem {
  message: string;
  location: SourceLocation;
}

type Path = (string | number)[];

const configKeys = new Set(["apiVersion", "kind", "providers"]);
const providerKeys = new Set([
  "name",
  "matchImages",
  "defaultCacheDuration",
  "apiVersion",
  "args",
  "env",
  "tokenAttributes",
]);
const envKeys = new Set(["name", "value"]);

/**
 * Parses one `CredentialProviderConfig` file (YAML or JSON) and validates it as the kubelet does.
 * Pure: `file` is only used in locations.
 *
 * @throws CredentialsError `invalid-provider-config` naming the first problem at file:line:col, with
 *   the others (each with its line and column) in the same message.
 */
export function parseCredentialProviderConfig(text: string, file: string): CredentialProviderSpec[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (path: Path): SourceLocation => locate(doc, lines, file, path);
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const pos = lines.linePos(syntax.pos[0]);
    throw new CredentialsError("invalid-provider-config", `not valid YAML or JSON: ${syntax.message.split("\n")[0]}`, {
      location: { file, line: pos.line, column: pos.col },
    });
  }
  const problems: Problem[] = [];
  const problem = (path: Path, message: string) =>
    problems.push({ message: `${describePath(path)}${message}`, location: at(path) });
  const root: unknown = doc.toJS();
  const specs: CredentialProviderSpec[] = [];
  checkEnvelope(root, problem).forEach((entry, index) => {
    const spec = checkProvider(entry, ["providers", index], problem);
    if (spec !== undefined) specs.push({ ...spec, location: at(["providers", index]) });
  });
  checkNames(specs, problem);
  throwProblems(problems);
  return specs;
}

/** Throws the collected problems as one error located at the first. */
function throwProblems(unsorted: Problem[]): void {
  const problems = [...unsorted].sort(
    (a, b) => (a.location.line ?? 0) - (b.location.line ?? 0) || (a.location.column ?? 0) - (b.location.column ?? 0),
  );
  const first = problems[0];
  if (first === undefined) return;
  const more = problems.slice(1).map((p) => `${formatShort(p.location)}: ${p.message}`);
  const message = more.length === 0 ? first.message : `${first.message} (and ${more.length} more: ${more.join("; ")})`;
  throw new CredentialsError("invalid-provider-config", message, {
    location: first.location,
    hint: "the file is the kubelet's CredentialProviderConfig (kubelet.config.k8s.io/v1); see docs/auth.md",
  });
}

function formatShort(location: SourceLocation): string {
  return location.line === undefined ? location.file : `${location.line}:${location.column ?? 1}`;
}

/** The `apiVersion`, `kind` and `providers` of the document; the providers list (possibly empty). */
function checkEnvelope(root: unknown, problem: (path: Path, message: string) => void): unknown[] {
  if (!isObject(root)) {
    problem([], "a CredentialProviderConfig must be a mapping with apiVersion, kind and providers");
    return [];
  }
  for (const key of Object.keys(root))
    if (!configKeys.has(key))
      problem([key], `unknown field; a CredentialProviderConfig has apiVersion, kind and providers`);
  if (root.kind !== "CredentialProviderConfig")
    problem(root.kind == null ? [] : ["kind"], `${root.kind == null ? "kind: " : ""}must be CredentialProviderConfig`);
  if (
    typeof root.apiVersion !== "string" ||
    !(providerConfigApiVersions as readonly string[]).includes(root.apiVersion)
  ) {
    problem(
      root.apiVersion == null ? [] : ["apiVersion"],
      `${root.apiVersion == null ? "apiVersion: " : ""}must be one of ${providerConfigApiVersions.join(", ")}`,
    );
  }
  const providers = root.providers ?? null;
  if (providers !== null && !Array.isArray(providers)) {
    problem(["providers"], "must be a list");
    return [];
  }
  if (providers === null || providers.length === 0)
    problem(
      providers === null ? [] : ["providers"],
      `${providers === null ? "providers: " : ""}at least one provider is required`,
    );
  return providers ?? [];
}

/** Checks one provider entry; undefined when it is not a mapping at all. */
function checkProvider(
  entry: unknown,
  path: Path,
  problem: (path: Path, message: string) => void,
): Omit<CredentialProviderSpec, "location"> | undefined {
  if (!isObject(entry)) {
    problem(path, "must be a mapping with name, matchImages, defaultCacheDuration and apiVersion");
    return undefined;
  }
  for (const key of Object.keys(entry)) {
    if (!providerKeys.has(key))
      problem(
        [...path, key],
        `unknown field; a provider has ${[...providerKeys].filter((k) => k !== "tokenAttributes").join(", ")}`,
      );
  }
  if (entry.tokenAttributes !== undefined && entry.tokenAttributes !== null) {
    // Service account token mode needs a Pod's own token, which imagepin does not have.
    problem([...path, "tokenAttributes"], "service account token mode (tokenAttributes) is not supported by imagepin");
  }
  const name = stringField(entry, "name", path, problem);
  if (name === "")
    problem(entry.name == null ? path : [...path, "name"], entry.name == null ? "name: required" : "required");
  else if (name !== undefined) checkName(name, [...path, "name"], problem);
  const apiVersion = stringField(entry, "apiVersion", path, problem);
  if (apiVersion === "")
    problem(
      entry.apiVersion == null ? path : [...path, "apiVersion"],
      entry.apiVersion == null ? "apiVersion: required" : "required",
    );
  else if (apiVersion !== undefined && !(providerApiVersions as readonly string[]).includes(apiVersion)) {
    problem([...path, "apiVersion"], `must be one of ${providerApiVersions.join(", ")}`);
  }
  const matchImages = stringList(entry, "matchImages", path, problem);
  if (matchImages.length === 0)
    problem(
      entry.matchImages == null ? path : [...path, "matchImages"],
      `${entry.matchImages == null ? "matchImages: " : ""}at least one pattern is required`,
    );
  matchImages.forEach((pattern, index) => {
    const parsed = parseMatchPattern(pattern);
    if (typeof parsed === "string")
      problem([...path, "matchImages", index], `match image ${JSON.stringify(pattern)} is invalid: ${parsed}`);
  });
  const defaultCacheDurationMs = durationField(entry, path, problem);
  const args = stringList(entry, "args", path, problem);
  const env = envList(entry, path, problem);
  return {
    name: name ?? "",
    matchImages,
    defaultCacheDurationMs: defaultCacheDurationMs ?? 0,
    apiVersion: apiVersion ?? "",
    args,
    env,
  };
}

/** The kubelet's name rules: the name becomes a file name in the plugin directory. */
function checkName(name: string, path: Path, problem: (path: Path, message: string) => void): void {
  if (name.includes("/")) problem(path, "provider name cannot contain '/'");
  if (name.includes(" ")) problem(path, "provider name cannot contain spaces");
  if (name === "." || name === "..") problem(path, `provider name cannot be '${name}'`);
}

function checkNames(specs: CredentialProviderSpec[], problem: (path: Path, message: string) => void): void {
  const seen = new Set<string>();
  specs.forEach((spec, index) => {
    if (spec.name !== "" && seen.has(spec.name))
      problem(["providers", index, "name"], `duplicate provider name ${JSON.stringify(spec.name)}`);
    seen.add(spec.name);
  });
}

function stringField(
  entry: Record<string, unknown>,
  key: string,
  path: Path,
  problem: (path: Path, message: string) => void,
): string | undefined {
  const value = entry[key];
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") {
    problem([...path, key], `must be a string`);
    return undefined;
  }
  return value;
}

function stringList(
  entry: Record<string, unknown>,
  key: string,
  path: Path,
  problem: (path: Path, message: string) => void,
): string[] {
  const value = entry[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problem([...path, key], "must be a list of strings");
    return [];
  }
  return value.flatMap((item, index) => {
    if (typeof item === "string") return [item];
    problem([...path, key, index], "must be a string");
    return [];
  });
}

function envList(
  entry: Record<string, unknown>,
  path: Path,
  problem: (path: Path, message: string) => void,
): ProviderEnvVar[] {
  const value = entry.env;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problem([...path, "env"], "must be a list of {name, value}");
    return [];
  }
  return value.flatMap((item, index) => {
    const at = [...path, "env", index];
    if (!isObject(item)) {
      problem(at, "must be a mapping with name and value");
      return [];
    }
    for (const key of Object.keys(item))
      if (!envKeys.has(key)) problem([...at, key], "unknown field; an env entry has name and value");
    const name = stringField(item, "name", at, problem);
    const envValue = stringField(item, "value", at, problem);
    return name === undefined || envValue === undefined ? [] : [{ name, value: envValue }];
  });
}

function durationField(
  entry: Record<string, unknown>,
  path: Path,
  problem: (path: Path, message: string) => void,
): number | undefined {
  const value = entry.defaultCacheDuration;
  if (value === undefined || value === null) {
    problem(path, "defaultCacheDuration: required (such as 12h, or 0 to keep nothing)");
    return undefined;
  }
  const ms = typeof value === "string" ? parseGoDuration(value) : undefined;
  if (ms === undefined) {
    problem([...path, "defaultCacheDuration"], "must be a duration such as 12h, 30m or 1h30m");
    return undefined;
  }
  if (ms < 0) problem([...path, "defaultCacheDuration"], "must be greater than or equal to 0");
  return ms;
}

const durationUnits: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * A Go `time.ParseDuration` string (`12h`, `1h30m`, `1.5h`, `300ms`, `0`, `-1m`) in milliseconds, as
 * `metav1.Duration` fields are written; undefined when malformed.
 */
export function parseGoDuration(text: string): number | undefined {
  const match = /^([-+]?)(.*)$/.exec(text) as RegExpExecArray;
  const sign = match[1] === "-" ? -1 : 1;
  const body = match[2] as string;
  if (body === "0") return 0;
  if (body === "") return undefined;
  let total = 0;
  let rest = body;
  while (rest !== "") {
    const part = /^(\d*(?:\.\d*)?)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (part === null || part[1] === "" || part[1] === ".") return undefined;
    total += Number(part[1]) * (durationUnits[part[2] as string] as number);
    rest = rest.slice(part[0].length);
  }
  return sign * total;
}

/** The location of the node at `path`, or of the nearest ancestor that exists. */
function locate(doc: Document, lines: LineCounter, file: string, path: Path): SourceLocation {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = (depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true)) as Node | null | undefined;
    // A key's position reads better than its value's for "unknown field" and wrong types alike.
    const keyed = depth > 0 ? keyNode(doc, path.slice(0, depth)) : undefined;
    const range = (keyed ?? node)?.range;
    if (range) {
      const pos = lines.linePos(range[0]);
      return { file, line: pos.line, column: pos.col };
    }
  }
  return { file };
}

/** The key node of the last path step when its parent is a mapping. */
function keyNode(doc: Document, path: Path): Node | undefined {
  const parentPath = path.slice(0, -1);
  const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
  if (!isMap(parent)) return undefined;
  const last = path[path.length - 1];
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
  return isScalar(pair?.key) ? pair.key : undefined;
}

function describePath(path: Path): string {
  if (path.length === 0) return "";
  const text = path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
  return `${text}: `;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
