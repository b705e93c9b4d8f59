import { createHash } from "node:crypto";
import type { Credential } from "../credentials/types.js";
import { Memo } from "../internal/memo.js";
import { RegistryError } from "./errors.js";
import { statusError } from "./manifest.js";
import type { Transport } from "./transport.js";
import { JsonTooDeepError, parseBoundedJson } from "../internal/bounded-json.js";

/** The largest token response read: tokens are JWTs of a few KiB; anything near this is not one. */
export const maxTokenBytes = 1 << 20;

/** A bearer token and when it stops being used (ms since epoch, already shortened by a margin). */
export interface CachedToken {
  token: string;
  expiresAt: number;
}

/** `Basic base64(user:password)` for a credential with a user name, else undefined. */
export function basicAuthorization(credential: Credential | undefined): string | undefined {
  if (credential?.username === undefined || credential.password === undefined) return undefined;
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString("base64")}`;
}

/**
 * A stable, one-way name for a credential, so tokens obtained with one credential are never handed to a
 * request made with another (the webhook resolves with many tenants' pull secrets). Never shown.
 */
export function credentialIdentity(credential: Credential | undefined): string {
  if (credential === undefined) return "anonymous";
  const canonical = JSON.stringify([
    credential.username ?? null,
    credential.password ?? null,
    credential.identityToken ?? null,
    credential.registryToken ?? null,
  ]);
  return createHash("sha256").update(canonical).digest("hex").slice(0, 32);
}

/**
 * How many bearer tokens are kept: one per realm + service + scope set + credential, so a webhook that
 * resolves for many tenants' pull secrets across many repositories needs a few thousand; each is a few KiB.
 */
export const maxCachedTokens = 4096;

/**
 * Bearer tokens per realm + service + scope + credential, kept until shortly before they expire, with
 * one fetch in flight per key however many requests need the token at once; a failed fetch is not kept.
 */
export class TokenCache {
  private readonly memo: Memo<CachedToken>;

  constructor(private readonly now: () => number = Date.now) {
    this.memo = new Memo<CachedToken>({
      maxEntries: maxCachedTokens,
      ttlMs: (token) => token.expiresAt - this.now(),
      now,
    });
  }

  /** The cache key; `scopes` order does not matter. */
  static key(realm: string, service: string | undefined, scopes: string[], credentialId: string): string {
    return [realm, service ?? "", [...scopes].sort().join(" "), credentialId].join("\n");
  }

  /** A token still valid for `key`, if any. */
  peek(key: string): string | undefined {
    return this.memo.peek(key)?.token;
  }

  /** The cached token for `key`, or the result of `fetch` (shared by concurrent callers). */
  async get(key: string, fetch: () => Promise<CachedToken>): Promise<string> {
    return (await this.memo.get(key, fetch)).token;
  }

  /** Forgets a token the registry refused (it was revoked, or expired early). */
  forget(key: string): void {
    this.memo.delete(key);
  }
}

/** What a token request needs. */
export interface TokenRequest {
  /** The validated realm. */
  realm: URL;
  service?: string;
  scopes: string[];
  credential?: Credential;
  registry: string;
  signal?: AbortSignal;
  deadline?: number;
}

/**
 * Fetches a bearer token: the OAuth2 refresh-token POST for an `identitytoken`, else the Docker token
 * GET with basic credentials (or none). Redirects are not followed. The expiry is `expires_in`
 * (default 60 s, the distribution spec's), less a margin so a token is not used as it lapses.
 * @throws RegistryError `unauthorized` (401), `denied` (403), `invalid-response` (redirect, no token,
 *   not JSON), `too-many-requests`, `server-error`, `unreachable`, `timeout`.
 */
export async function fetchToken(
  transport: Transport,
  request: TokenRequest,
  now: () => number = Date.now,
): Promise<CachedToken> {
  const { realm, service, scopes, credential, registry } = request;
  const url = new URL(realm);
  let response;
  if (credential?.identityToken !== undefined) {
    const form = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: credential.identityToken,
      client_id: "imagepin",
    });
    if (service !== undefined) form.set("service", service);
    if (scopes.length > 0) form.set("scope", scopes.join(" "));
    response = await transport.send({
      method: "POST",
      url,
      registry,
      body: form.toString(),
      maxBodyBytes: maxTokenBytes,
      signal: request.signal,
      deadline: request.deadline,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
  } else {
    if (service !== undefined) url.searchParams.set("service", service);
    for (const scope of scopes) url.searchParams.append("scope", scope);
    const authorization = basicAuthorization(credential);
    response = await transport.send({
      method: "GET",
      url,
      registry,
      maxBodyBytes: maxTokenBytes,
      signal: request.signal,
      deadline: request.deadline,
      headers: authorization ? { authorization } : {},
    });
  }
  const where = `the token server of registry ${registry} (${realm.origin}${realm.pathname})`;
  if (response.status >= 300 && response.status < 400) {
    throw new RegistryError(
      "invalid-response",
      `${where} answered a redirect (${response.status}); token requests do not follow redirects`,
      { registry, status: response.status },
    );
  }
  if (response.status !== 200)
    throw statusError(response, { registry, where: scopes.length > 0 ? `${where} for ${scopes.join(" ")}` : where });
  let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    body = parseBoundedJson(response.body.toString("utf8")) as typeof body;
  } catch (error) {
    throw new RegistryError(
      "invalid-response",
      `${where} answered something that is not JSON${error instanceof JsonTooDeepError ? ` (${error.message})` : ""}`,
      { registry, status: 200 },
    );
  }
  if (typeof body !== "object" || body === null)
    throw new RegistryError("invalid-response", `${where} answered something that is not a JSON object`, {
      registry,
      status: 200,
    });
  const token = typeof body.token === "string" && body.token !== "" ? body.token : body.access_token;
  if (typeof token !== "string" || token === "")
    throw new RegistryError("invalid-response", `${where} answered without a token`, { registry, status: 200 });
  const lifetimeMs = (typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 60) * 1000;
  return { token, expiresAt: now() + lifetimeMs - Math.min(10_000, lifetimeMs / 10) };
}
