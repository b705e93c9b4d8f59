// AdmissionReview envelopes (admission.k8s.io v1 and v1beta1): parse a request, build a response.
import { ImagepinError } from "../errors.js";
import type { PatchOperation } from "./patch.js";

/** The AdmissionReview API versions the webhook answers. */
export const admissionVersions = ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"] as const;
/** One of {@link admissionVersions}. */
export type AdmissionVersion = (typeof admissionVersions)[number];

/** The fields of an AdmissionRequest the webhook reads. */
export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  subResource?: string;
  namespace?: string;
  operation: string;
  object?: unknown;
  oldObject?: unknown;
  dryRun?: boolean;
}

/** A parsed AdmissionReview request. */
export interface AdmissionReviewRequest {
  apiVersion: AdmissionVersion;
  request: AdmissionRequest;
}

/** What the webhook decides about one request. */
export interface AdmissionDecision {
  allowed: boolean;
  patch?: PatchOperation[];
  warnings?: string[];
  /** The reason for a denial, shown to the user by kubectl. */
  message?: string;
}

/** A request the webhook cannot answer with an AdmissionReview; the server sends 400 with the message. */
export class BadReviewError extends ImagepinError {
  constructor(code: "invalid-json" | "invalid-review" | "body-too-large" | "unsupported-media-type", message: string) {
    super(code, message);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses an AdmissionReview body.
 * @throws BadReviewError `invalid-json` for text that is not JSON, `invalid-review` for JSON that is not an
 *   AdmissionReview request of a known version with a uid (without a uid no response can be matched).
 */
export function parseAdmissionReview(body: string): AdmissionReviewRequest {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new BadReviewError("invalid-json", `request body is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(value)) throw new BadReviewError("invalid-review", "request body is not an AdmissionReview object");
  if (value.kind !== "AdmissionReview")
    throw new BadReviewError("invalid-review", `kind is ${JSON.stringify(value.kind)}, expected "AdmissionReview"`);
  const apiVersion = value.apiVersion;
  if (typeof apiVersion !== "string" || !(admissionVersions as readonly string[]).includes(apiVersion)) {
    throw new BadReviewError(
      "invalid-review",
      `apiVersion ${JSON.stringify(apiVersion)} is not supported; use ${admissionVersions.join(" or ")}`,
    );
  }
  const request = value.request;
  if (!isObject(request))
    throw new BadReviewError(
      "invalid-review",
      `request ${request === undefined ? "is missing" : `must be an object, not ${typeName(request)}`}`,
    );
  const uid = field(request, "uid", "string", "request.");
  if (uid === undefined || uid === "") throw new BadReviewError("invalid-review", "request.uid is missing");
  const kind = request.kind;
  if (!isObject(kind))
    throw new BadReviewError(
      "invalid-review",
      `request.kind ${kind === undefined ? "is missing" : `must be an object, not ${typeName(kind)}`}`,
    );
  const kindName = field(kind, "kind", "string", "request.kind.");
  if (kindName === undefined) throw new BadReviewError("invalid-review", "request.kind.kind is missing");
  const operation = field(request, "operation", "string", "request.");
  if (operation === undefined) throw new BadReviewError("invalid-review", "request.operation is missing");
  const subResource = field(request, "subResource", "string", "request.");
  const namespace = field(request, "namespace", "string", "request.");
  for (const name of ["object", "oldObject"]) {
    if (request[name] !== undefined && request[name] !== null && !isObject(request[name]))
      throw wrongType(`request.${name}`, "an object", request[name]);
  }
  return {
    apiVersion: apiVersion as AdmissionVersion,
    request: {
      uid,
      kind: {
        group: field(kind, "group", "string", "request.kind.") ?? "",
        version: field(kind, "version", "string", "request.kind.") ?? "",
        kind: kindName,
      },
      ...(subResource ? { subResource } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      operation,
      object: request.object,
      oldObject: request.oldObject,
      ...(field(request, "dryRun", "boolean", "request.") === true ? { dryRun: true } : {}),
    },
  };
}

/**
 * A member of the wrong type is a 400 naming it (`request.namespace must be a string, not an object`),
 * never a value coerced or an engine's message. Absent and null members read as undefined.
 */
function field<T extends "string" | "boolean">(
  object: Record<string, unknown>,
  name: string,
  type: T,
  prefix: string,
): (T extends "string" ? string : boolean) | undefined {
  const value = object[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type) throw wrongType(`${prefix}${name}`, type === "string" ? "a string" : "a boolean", value);
  return value as T extends "string" ? string : boolean;
}

function wrongType(path: string, expected: string, value: unknown): BadReviewError {
  return new BadReviewError("invalid-review", `${path} must be ${expected}, not ${typeName(value)}`);
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** The AdmissionReview response for a decision, in the request's API version, echoing its uid. */
export function admissionResponse(
  apiVersion: AdmissionVersion,
  uid: string,
  decision: AdmissionDecision,
): Record<string, unknown> {
  const response: Record<string, unknown> = { uid, allowed: decision.allowed };
  if (decision.allowed && decision.patch && decision.patch.length > 0) {
    response.patchType = "JSONPatch";
    response.patch = Buffer.from(JSON.stringify(decision.patch)).toString("base64");
  }
  if (!decision.allowed)
    response.status = { code: 403, reason: "Forbidden", message: decision.message ?? "denied by imagepin" };
  if (decision.warnings && decision.warnings.length > 0) response.warnings = decision.warnings.map(shortWarning);
  return { apiVersion, kind: "AdmissionReview", response };
}

// The API server drops or truncates long warnings (k8s.io/apiserver warning limits: 4 KiB total); keep
// each one short enough that several fit.
function shortWarning(text: string): string {
  const clean = text.replace(/[\r\n\t]+/g, " ");
  return clean.length > 240 ? `${clean.slice(0, 239)}…` : clean;
}
