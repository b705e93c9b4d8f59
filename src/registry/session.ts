import type { Credential, Keychain } from "../credentials/types.js";
import { isEmptyCredential } from "../credentials/types.js";
import type { Logger } from "../internal/logger.js";
import { basicAuthorization, credentialIdentity, fetchToken, TokenCache } from "./auth.js";
import { parseChallenges, type Challenge } from "./challenge.js";
import { ImagepinError } from "../errors.js";
import { isRegistryError, RegistryError } from "./errors.js";
import { proxiedRealmLookup } from "./proxy.js";
import { isLoopbackHost, validateRealm, type HostLookup } from "./realm.js";
import {
  ProxyRefusedError,
  TlsProtocolError,
  type AuthAttempt,
  type HttpRequest,
  type HttpResponse,
  type Transport,
} from "./transport.js";

/** What every client derived from one another shares: connections, tokens and what was learnt of each host. */
export interface SharedState {
  transport: Transport;
  tokens: TokenCache;
  /** The scheme that worked for each host that may use plain http. */
  schemes: Map<string, "https" | "http">;
  /** The last authentication challenge of each host, so later requests authenticate up front. */
  challenges: Map<string, Challenge>;
  /** The first exchange with a host goes alone; the others wait for what it learns (scheme, challenge). */
  firstContact: Map<string, Promise<void>>;
  insecureRegistries: string[];
  lookupHost?: HostLookup;
  now: () => number;
}

/** The time budget of one operation. */
export interface Deadline {
  signal?: AbortSignal;
  deadline?: number;
}

/** A request to a registry's API, before scheme, credentials and redirects are applied. */
export interface ApiRequest {
  method: "GET" | "HEAD";
  /** The registry as written in references (`docker.io`), for credentials and messages. */
  registry: string;
  /** The host the API is served from (`registry-1.docker.io`). */
  host: string;
  repository: string;
  /** Path and query under the origin (`/v2/library/nginx/manifests/1.25`). */
  path: string;
  headers: Record<string, string>;
  maxBodyBytes: number;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const maxRedirects = 5;

/**
 * Sends API requests with the right scheme and credentials: tries each credential the keychain gives
 * for the repository in turn until one is accepted (anonymous when there are none), answers 401
 * challenges (Bearer: a token per realm+service+scope+credential; Basic: the credential itself), and
 * follows redirects itself so that credentials never leave the registry's own origin.
 */
export class Session {
  constructor(
    private readonly shared: SharedState,
    private readonly keychain: Keychain,
    private readonly logger: Logger,
  ) {}

  /** True when `host` may be reached over plain http: loopback, or named with --insecure-registry. */
  plainHttpAllowed(host: string): boolean {
    const hostname = host.replace(/:\d+$/, "");
    return (
      isLoopbackHost(hostname) || this.shared.insecureRegistries.some((entry) => entry === host || entry === hostname)
    );
  }

  /**
   * Sends `request`, authenticating as needed. Resolves with the final response, whatever its status;
   * a 401/403 comes back only when no credential was accepted.
   * @throws RegistryError from the transport or the token server (other than a refused credential).
   */
  async send(request: ApiRequest, budget: Deadline): Promise<HttpResponse> {
    const gate = this.shared.firstContact.get(request.host);
    if (gate) {
      await gate;
      return this.tryCredentials(request, budget);
    }
    let open!: () => void;
    this.shared.firstContact.set(request.host, new Promise<void>((resolve) => (open = resolve)));
    try {
      return await this.tryCredentials(request, budget);
    } finally {
      open();
    }
  }

  private async tryCredentials(request: ApiRequest, budget: Deadline): Promise<HttpResponse> {
    const candidates = await this.keychain.candidates(request.registry, request.repository);
    let refusal: HttpResponse | RegistryError | undefined;
    let usable = 0;
    // Kept for the 401 message: without it "refused the credentials" hides that none were tried, or
    // that a helper is not installed (which otherwise only --debug shows).
    const attempt: AuthAttempt = { refused: [], failures: [] };
    for (const candidate of candidates) {
      if (candidate.deferred && !this.shared.challenges.has(request.host)) {
        // A credential provider plugin runs only for a registry that asks for credentials (issue 14).
        const anonymous = await this.probeAnonymously(request, budget);
        if (anonymous !== undefined) return anonymous;
      }
      let credential: Credential;
      try {
        credential = await candidate.get();
      } catch (error) {
        const code = (error as { code?: string }).code;
        this.logger.debug(
          { registry: request.registry, source: candidate.source, code },
          "credential source failed; trying the next",
        );
        // Credential errors never hold a secret; anything else is named by its source and code only.
        attempt.failures.push(
          error instanceof ImagepinError ? error.message : `${candidate.source} failed${code ? ` (${code})` : ""}`,
        );
        continue;
      }
      if (isEmptyCredential(credential)) {
        // A provider plugin ran and its answer held nothing for this image: say so, or the 401 reads "no credentials match".
        if (candidate.deferred)
          attempt.failures.push(
            `${candidate.source} answered no credential for ${request.registry}/${request.repository}`,
          );
        continue;
      }
      usable++;
      const outcome = await this.withCredential(request, credential, budget).catch((error: unknown) => {
        if (isRegistryError(error, "unauthorized") || isRegistryError(error, "denied")) return error;
        throw error;
      });
      if (outcome instanceof RegistryError || outcome.status === 401 || outcome.status === 403) {
        this.logger.debug(
          { registry: request.registry, source: candidate.source },
          "credential not accepted; trying the next",
        );
        attempt.refused.push(`${candidate.source}${candidate.username ? ` (user ${candidate.username})` : ""}`);
        refusal = outcome;
        continue;
      }
      return outcome;
    }
    if (usable === 0) {
      const outcome = await this.withCredential(request, undefined, budget);
      if (outcome.status === 401 || outcome.status === 403) outcome.auth = attempt;
      return outcome;
    }
    if (refusal instanceof RegistryError) throw refusal;
    refusal!.auth = attempt;
    return refusal!;
  }

  /**
   * Sends the request without credentials: the response when the registry answers without a challenge,
   * undefined (with the challenge learnt) when it answers 401.
   */
  private async probeAnonymously(request: ApiRequest, budget: Deadline): Promise<HttpResponse | undefined> {
    const response = await this.sendFollowingRedirects(request, undefined, budget);
    if (response.status !== 401) return response;
    const challenge = pickChallenge(response.headers["www-authenticate"]);
    if (challenge !== undefined) this.shared.challenges.set(request.host, challenge);
    return undefined;
  }

  private async withCredential(
    request: ApiRequest,
    credential: Credential | undefined,
    budget: Deadline,
  ): Promise<HttpResponse> {
    const scopes = [`repository:${request.repository}:pull`];
    const known = this.shared.challenges.get(request.host);
    const first = known ? await this.authorization(known, request, credential, scopes, budget) : undefined;
    const response = await this.sendFollowingRedirects(request, first?.header, budget);
    if (response.status !== 401) return response;
    const challenge = pickChallenge(response.headers["www-authenticate"]);
    if (challenge === undefined) return response;
    this.shared.challenges.set(request.host, challenge);
    if (first?.tokenKey !== undefined) this.shared.tokens.forget(first.tokenKey);
    const second = await this.authorization(challenge, request, credential, scopes, budget);
    if (second === undefined || (second.header === first?.header && second.tokenKey === undefined)) return response;
    return this.sendFollowingRedirects(request, second.header, budget);
  }

  /** The Authorization header a challenge asks for with this credential; undefined when there is none to give. */
  private async authorization(
    challenge: Challenge,
    request: ApiRequest,
    credential: Credential | undefined,
    scopes: string[],
    budget: Deadline,
  ): Promise<{ header: string; tokenKey?: string } | undefined> {
    if (challenge.scheme === "basic") {
      const header = basicAuthorization(credential);
      return header === undefined ? undefined : { header };
    }
    if (credential?.registryToken !== undefined) return { header: `Bearer ${credential.registryToken}` };
    const realmText = challenge.params.realm;
    if (realmText === undefined)
      throw new RegistryError(
        "invalid-response",
        `registry ${request.registry} sent a Bearer challenge without a realm`,
        { registry: request.registry },
      );
    const service = challenge.params.service;
    // Keyed by the realm as the registry wrote it; the check (with its DNS lookup) runs only when a
    // token is to be fetched, not on every request that reuses a cached one.
    const tokenKey = TokenCache.key(realmText, service, scopes, credentialIdentity(credential));
    const token = await this.shared.tokens.get(tokenKey, async () => {
      const realm = await validateRealm(
        realmText,
        await this.origin(request.host),
        request.registry,
        this.realmLookup(realmText),
      );
      // The realm without its query, the service and scopes: enough to debug a 401, and no secret.
      const proxy = this.shared.transport.proxyShownFor(realm);
      this.logger.debug(
        {
          registry: request.registry,
          realm: `${realm.origin}${realm.pathname}`,
          service,
          scopes,
          credential: credential === undefined ? "anonymous" : "configured",
          ...(proxy ? { proxy } : {}),
        },
        "fetching a bearer token",
      );
      return fetchToken(
        this.shared.transport,
        { realm, service, scopes, credential, registry: request.registry, ...budget },
        this.shared.now,
      );
    });
    return { header: `Bearer ${token}`, tokenKey };
  }

  /**
   * How a realm's host name is checked: through a proxy the client often cannot resolve names (the
   * proxy does), so only the realm's literal address and name are checked; directly, what it resolves to.
   */
  private realmLookup(realmText: string): HostLookup | undefined {
    let url: URL | undefined;
    try {
      url = new URL(realmText);
    } catch {
      // validateRealm refuses it.
    }
    return url !== undefined && this.shared.transport.proxyShownFor(url) !== undefined
      ? proxiedRealmLookup
      : this.shared.lookupHost;
  }

  /** The origin of a host's API: https, or the scheme that worked for a host allowed plain http. */
  async origin(host: string): Promise<URL> {
    const scheme = this.plainHttpAllowed(host) ? (this.shared.schemes.get(host) ?? "https") : "https";
    return new URL(`${scheme}://${host}`);
  }

  private async sendFollowingRedirects(
    request: ApiRequest,
    authorization: string | undefined,
    budget: Deadline,
  ): Promise<HttpResponse> {
    const origin = await this.origin(request.host);
    let url = new URL(request.path, origin);
    for (let hop = 0; hop <= maxRedirects; hop++) {
      // Credentials belong to the registry's origin: never to another host, never down from https to http.
      const sendCredentials = authorization !== undefined && url.origin === origin.origin;
      const httpRequest: HttpRequest = {
        method: request.method,
        url,
        registry: request.registry,
        maxBodyBytes: request.maxBodyBytes,
        ...budget,
        headers: { ...request.headers, ...(sendCredentials ? { authorization } : {}) },
        skipTlsVerify: this.shared.insecureRegistries.some((entry) => entry === url.host || entry === url.hostname),
      };
      let response: HttpResponse;
      try {
        response = await this.shared.transport.send(httpRequest);
      } catch (error) {
        // A loopback or --insecure-registry host that does not speak TLS, or whose port a proxy will not
        // tunnel to (many allow CONNECT to 443 only): use http from now on.
        const noTls =
          error instanceof TlsProtocolError || (error instanceof ProxyRefusedError && error.proxyStatus !== 407);
        if (noTls && hop === 0 && origin.protocol === "https:" && this.plainHttpAllowed(request.host)) {
          this.shared.schemes.set(request.host, "http");
          return this.sendFollowingRedirects(request, authorization, budget);
        }
        throw error;
      }
      if (hop === 0 && this.plainHttpAllowed(request.host))
        this.shared.schemes.set(request.host, origin.protocol === "http:" ? "http" : "https");
      const proxy = this.shared.transport.proxyShownFor(url);
      this.logger.debug(
        {
          registry: request.registry,
          method: request.method,
          url: `${url.origin}${url.pathname}`,
          status: response.status,
          ...(proxy ? { proxy } : {}),
        },
        "registry exchange",
      );
      const location = response.headers.location;
      if (!redirectStatuses.has(response.status) || location === undefined) return response;
      const next = new URL(location, url);
      if (next.protocol !== "https:" && next.protocol !== "http:") {
        throw new RegistryError(
          "invalid-response",
          `registry ${request.registry} redirected to a ${next.protocol} URL`,
          { registry: request.registry },
        );
      }
      url = next;
    }
    throw new RegistryError(
      "invalid-response",
      `registry ${request.registry} redirected more than ${maxRedirects} times`,
      { registry: request.registry },
    );
  }
}

/** The challenge to answer: Bearer when offered, else Basic; undefined for none of those. */
function pickChallenge(header: string | undefined): Challenge | undefined {
  const challenges = parseChallenges(header ?? "");
  return challenges.find((c) => c.scheme === "bearer") ?? challenges.find((c) => c.scheme === "basic");
}
