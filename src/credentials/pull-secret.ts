/**
 * Kubernetes image pull secrets: Secrets of type `kubernetes.io/dockerconfigjson` (a config.json
 * under `.dockerconfigjson`) and `kubernetes.io/dockercfg` (the legacy registry map under `.dockercfg`).
 * Pure: files are read by the caller, and the webhook hands in objects from the Kubernetes API.
 */

import { LineCounter, parseAllDocuments } from "yaml";
import type { SourceLocation } from "../errors.js";
import { isObject, parseAuthEntries, type AuthEntry } from "./docker-config.js";
import { CredentialsError } from "./errors.js";
import { parseJsonWithPosition } from "../internal/json-syntax.js";

/** A pull secret's credentials, with where they came from. */
export interface PullSecret {
  name: string;
  /** The namespace, or undefined when the object does not say. */
  namespace?: string;
  /** The candidate source: `pull-secret:FILE#namespace/name`, or `pull-secret:namespace/name` for API objects. */
  source: string;
  /** Entries in the order the secret lists them. */
  auths: AuthEntry[];
}

/** The shape of a Secret as the Kubernetes API returns it (values of `data` are base64). */
export interface SecretObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

const dockerConfigJsonType = "kubernetes.io/dockerconfigjson";
const dockerCfgType = "kubernetes.io/dockercfg";

/**
 * Reads every pull secret in a YAML or JSON file: several documents (`---`), and `kind: List`
 * objects (`kubectl get secret -o yaml`), are allowed.
 *
 * @throws CredentialsError `invalid-pull-secret` naming the file (with line and column for YAML
 *   errors) and the secret: text that is not YAML/JSON, an object that is not a Secret, a Secret of
 *   another type, a missing `.dockerconfigjson`/`.dockercfg` key, bad base64 or a bad config inside,
 *   or a file without any Secret.
 */
export function parsePullSecretFile(text: string, file: string): PullSecret[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const secrets: PullSecret[] = [];
  for (const document of Array.isArray(documents) ? documents : []) {
    const error = document.errors[0];
    if (error !== undefined) {
      const position = lineCounter.linePos(error.pos[0]);
      // The yaml package's messages can quote the text (an alias or tag name, a scalar); its code cannot.
      throw new CredentialsError("invalid-pull-secret", `not valid YAML or JSON: ${yamlReason(error.code)}`, {
        location: { file, line: position.line, column: position.col },
      });
    }
    const start = document.contents?.range[0];
    let value: unknown;
    try {
      value = document.toJS();
    } catch {
      // An unresolved alias names itself in the message ("…: hunter2"), so only the position is kept.
      throw new CredentialsError(
        "invalid-pull-secret",
        "not valid YAML: an alias without its anchor, or too many aliases",
        {
          location: { file, ...(start === undefined ? {} : { line: lineCounter.linePos(start).line }) },
        },
      );
    }
    if (value === null || value === undefined) continue;
    const location: SourceLocation = {
      file,
      ...(start === undefined ? {} : { line: lineCounter.linePos(start).line }),
    };
    const items = isObject(value) && value.kind === "List" ? listItems(value, location) : [value];
    for (const item of items) secrets.push(pullSecretFromObject(item, { file, location }));
  }
  if (secrets.length === 0)
    throw new CredentialsError("invalid-pull-secret", "holds no Kubernetes Secret", { location: { file } });
  return secrets;
}

/** A yaml error code (`BAD_INDENT`) as words (`bad indent`). */
function yamlReason(code: string): string {
  return code.toLowerCase().replace(/_/g, " ");
}

function listItems(list: Record<string, unknown>, location: SourceLocation): unknown[] {
  if (list.items === undefined || list.items === null) return [];
  if (!Array.isArray(list.items))
    throw new CredentialsError("invalid-pull-secret", `a List's "items" must be an array`, { location });
  return list.items;
}

/** Where an object came from, for sources and messages. */
export interface PullSecretOrigin {
  /** The file it was read from; absent for objects from the Kubernetes API. */
  file?: string;
  /** A position in that file, for messages. */
  location?: SourceLocation;
}

/**
 * Reads one Secret object (from a file or from the Kubernetes API, where `data` values are base64).
 * `stringData` values, as written in manifests, are plain text and win over `data`.
 *
 * @throws CredentialsError `invalid-pull-secret` naming the secret (and the file, when there is one)
 *   for an object that is not a Secret, a wrong type, a missing key, bad base64 or a bad config inside.
 */
export function pullSecretFromObject(object: unknown, origin: PullSecretOrigin = {}): PullSecret {
  const location = origin.location ?? (origin.file === undefined ? undefined : { file: origin.file });
  const secret = isObject(object) ? (object as SecretObject) : undefined;
  const name = typeof secret?.metadata?.name === "string" ? secret.metadata.name : undefined;
  const namespace =
    typeof secret?.metadata?.namespace === "string" && secret.metadata.namespace !== ""
      ? secret.metadata.namespace
      : undefined;
  const label =
    name === undefined ? "unnamed secret" : `secret ${namespace === undefined ? name : `${namespace}/${name}`}`;
  const problem = (message: string) =>
    new CredentialsError("invalid-pull-secret", `${label}: ${message}`, location ? { location } : {});

  if (secret === undefined) throw problem("not an object");
  if (secret.kind === undefined && secret.type === undefined && secret.metadata === undefined)
    throw problem("is not a Kubernetes Secret (no kind, metadata or type)");
  if (secret.kind !== undefined && secret.kind !== "Secret") throw problem(`is a ${String(secret.kind)}, not a Secret`);
  if (name === undefined) throw problem("has no metadata.name");
  const type = secret.type;
  if (type !== dockerConfigJsonType && type !== dockerCfgType) {
    throw problem(
      `has type ${JSON.stringify(type ?? "Opaque")}; an image pull secret has type ${dockerConfigJsonType} or ${dockerCfgType}`,
    );
  }
  const key = type === dockerConfigJsonType ? ".dockerconfigjson" : ".dockercfg";
  const text = secretValue(secret, key, problem);
  const document = parseNested(text, key, problem);
  let map: unknown = document;
  if (type === dockerConfigJsonType) {
    if (!isObject(document) || !("auths" in document)) throw problem(`${key} has no "auths"`);
    map = document.auths ?? {};
  }
  if (!isObject(map)) throw problem(`${key} must hold a JSON object of registries`);
  const auths = parseAuthEntries(map, (message) => problem(`${key}: ${message}`));
  const id = namespace === undefined ? name : `${namespace}/${name}`;
  return {
    name,
    ...(namespace === undefined ? {} : { namespace }),
    source: origin.file === undefined ? `pull-secret:${id}` : `pull-secret:${origin.file}#${id}`,
    auths,
  };
}

/** The decoded text of `stringData[key]` or `data[key]`. */
function secretValue(secret: SecretObject, key: string, problem: (message: string) => Error): string {
  const plain = isObject(secret.stringData) ? secret.stringData[key] : undefined;
  if (plain !== undefined) {
    if (typeof plain !== "string") throw problem(`stringData["${key}"] must be a string`);
    return plain;
  }
  const encoded = isObject(secret.data) ? secret.data[key] : undefined;
  if (encoded === undefined || encoded === null) throw problem(`has no data["${key}"]`);
  if (typeof encoded !== "string") throw problem(`data["${key}"] must be a base64 string`);
  const compact = encoded.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.replace(/=+$/, "").length % 4 === 1)
    throw problem(`data["${key}"] is not valid base64`);
  return Buffer.from(compact, "base64").toString("utf8");
}

/**
 * Parses the JSON inside a secret. The error names the secret and a position inside the decoded value,
 * never its content: V8's message would quote the text around the error, which is the password.
 */
function parseNested(text: string, key: string, problem: (message: string) => Error): unknown {
  return parseJsonWithPosition(text, ({ reason, line, column }) => {
    throw problem(`${key} is not valid JSON: ${reason} (line ${line} column ${column} of the decoded value)`);
  });
}
