import { rootCertificates } from "node:tls";
import type { Socket } from "node:net";
import { createRequire } from "node:module";
import type {
  Agent as UndiciAgent,
  buildConnector as undiciBuildConnector,
  Dispatcher,
  ProxyAgent as UndiciProxyAgent,
} from "undici";
import { abandonOnAbort } from "../internal/abort.js";
import { userAgent } from "../version.js";
import { RegistryError } from "./errors.js";
import { Limiter } from "./limiter.js";
import { describeProxy, ProxyRoutes, type ProxySettings } from "./proxy.js";
import { defaultRetryPolicy, isRetryableStatus, retryDelay, type RetryPolicy } from "./retry.js";

// undici's index loads every part of it (fetch, WebSocket, caches, mocks): ~150 ms of a resolve's start-up
// on a loaded machine against ~45 ms for the modules used here (issue 16). The package has no exports
// map, so these paths are its files; the types still come from its index. The index is also what adds
// `request` to every dispatcher, so the request function is taken on its own and called on the agent.
const requireUndici = createRequire(import.meta.url);
const Agent = requireUndici("undici/lib/dispatcher/agent.js") as typeof UndiciAgent;
const buildConnector = requireUndici("undici/lib/core/connect.js") as typeof undiciBuildConnector;
const dispatchRequest = requireUndici("undici/lib/api/api-request.js") as (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;
/**
 * undici's ProxyAgent, loaded the first time a proxy applies (most runs have none). It comes from the
 * index, not its own file: it opens tunnels with the `connect` method that the index adds to every
 * dispatcher ("this[kClient].connect is not a function" without it).
 */
let proxyAgentClass: typeof UndiciProxyAgent | undefined;
const loadProxyAgent = () =>
  (proxyAgentClass ??= (requireUndici("undici") as { ProxyAgent: typeof UndiciProxyAgent }).ProxyAgent);

/** One HTTP exchange the client asks for. Redirects are never followed here (see client.ts). */
export interface HttpRequest {
  method: "GET" | "HEAD" | "POST";
  url: URL;
  /** The registry the request is for, named in errors. */
  registry: string;
  headers?: Record<string, string>;
  body?: string;
  /** The largest body read; a longer one is an `invalid-response`. */
  maxBodyBytes: number;
  /** The caller's deadline; aborting it ends the request with `timeout` and stops retries. */
  signal?: AbortSignal;
  /** When the deadline falls (ms since epoch): no retry is scheduled past it. */
  deadline?: number;
  /** Skip certificate verification (`--insecure-registry` hosts only). */
  skipTlsVerify?: boolean;
  /** Retry on 429, 5xx and connection errors; default true. */
  retry?: boolean;
}

/** A response with its body read (empty for HEAD). Header names are lower case. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** Set by the session on a refused (401/403) answer: which credentials were tried, so the error can say. */
  auth?: AuthAttempt;
}

/** What the session tried before a registry refused: never a secret, only sources and user names. */
export interface AuthAttempt {
  /** Credentials the registry refused, as `SOURCE (user NAME)`, in the order tried; empty when only anonymous access was tried. */
  refused: string[];
  /** Credential sources that failed to give a credential (a helper not installed), as their messages. */
  failures: string[];
}

/** Settings of a {@link Transport}; every one has a default. */
export interface TransportOptions {
  /** Requests in flight at once, across all registries; default 16. */
  concurrency?: number;
  /** Extra trusted CA certificates (PEM text), added to Node's bundled roots. */
  caCertificates?: string[];
  /** How long one attempt may take, connecting included; default 15 s. */
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** HTTP(S) proxies and NO_PROXY (see proxySettingsFromEnv); default none: every registry directly. */
  proxy?: ProxySettings;
  /** Called once per HTTP response with its status, or "error" when no response came, and the registry's host[:port]. */
  onResponse?: (status: number | "error", host: string) => void;
  /** Injected for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

// Certificate problems: the server speaks TLS but we do not trust it. Retrying will not help; --ca-file will.
const certificateErrors = new Set([
  "CERT_HAS_EXPIRED",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_UNTRUSTED",
  "CERT_NOT_YET_VALID",
]);
const timeoutErrors = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);
// The peer answered, but not in HTTP/1.1 a client can read (a 100 KB header, bytes of another protocol): an
// answer that is not the distribution API (`invalid-response`), not an outage to bridge with a fallback.
const protocolErrors = new Set([
  "UND_ERR_HEADERS_OVERFLOW",
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
  "UND_ERR_RES_EXCEEDED_MAX_SIZE",
]);

/** A connection that failed because the peer does not speak TLS (a plain-http registry asked over https). */
export class TlsProtocolError extends RegistryError {}

/** A proxy refused to forward a request (its status, such as 407 or a CONNECT to a port it does not allow: 403). */
export class ProxyRefusedError extends RegistryError {
  proxyStatus = 0;
}

/**
 * The HTTP layer every registry request goes through: keep-alive connection pools per origin (undici's
 * Agent keeps one Pool per origin), a global concurrency limit, a timeout per attempt, and retries
 * with backoff on 429, 5xx and connection errors honouring Retry-After. It knows nothing of auth.
 */
export class Transport {
  private readonly verifying: UndiciAgent;
  private insecureAgent?: UndiciAgent;
  private readonly limiter: Limiter;
  private readonly policy: RetryPolicy;
  private readonly requestTimeoutMs: number;
  private readonly userAgent = userAgent();
  private readonly ca?: string[];
  // Aborted by close(): requests still in flight then were abandoned by their callers (a webhook review
  // that hit its deadline), and waiting for them would hold up a shutdown for a registry's timeout.
  private readonly closing = new AbortController();
  // Sockets still connecting: undici finishes a connect (up to its 10 s timeout) even when the request
  // that wanted it was aborted, and that pending handshake would keep the process alive after close().
  private readonly sockets = new Set<Socket>();
  private readonly routes: ProxyRoutes;
  // One ProxyAgent per proxy and verification mode; each keeps a pool per registry origin behind it.
  private readonly proxyAgents = new Map<string, UndiciProxyAgent>();

  constructor(private readonly options: TransportOptions = {}) {
    this.routes = new ProxyRoutes(options.proxy);
    this.limiter = new Limiter(options.concurrency ?? 16);
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    // `ca` replaces Node's roots, so the bundled ones go in beside the user's.
    if (options.caCertificates && options.caCertificates.length > 0)
      this.ca = [...rootCertificates, ...options.caCertificates];
    this.verifying = this.makeAgent(true);
  }

  private makeAgent(verify: boolean): UndiciAgent {
    const connector = buildConnector({
      ...(this.ca ? { ca: this.ca } : {}),
      rejectUnauthorized: verify,
      timeout: this.requestTimeoutMs,
    });
    return new Agent({
      keepAliveTimeout: 30_000,
      connect: (options, callback) => {
        // undici's connector returns the socket it creates, though its type says void.
        const socket = (connector as (...args: Parameters<typeof connector>) => unknown)(options, callback);
        if (socket && typeof (socket as Socket).destroy === "function") {
          this.sockets.add(socket as Socket);
          (socket as Socket).once("close", () => this.sockets.delete(socket as Socket));
        }
      },
    });
  }

  /**
   * The dispatcher for `url`: the direct agent, or a ProxyAgent when a proxy applies. Through an http
   * proxy, https goes through a CONNECT tunnel and plain http as absolute-form requests
   * (`proxyTunnel: false`), since many proxies allow CONNECT only to port 443.
   */
  private dispatcherFor(url: URL, skipTlsVerify: boolean): Dispatcher {
    const proxy = this.routes.proxyFor(url);
    if (proxy === undefined) return skipTlsVerify ? (this.insecureAgent ??= this.makeAgent(false)) : this.verifying;
    const key = `${proxy.href} ${skipTlsVerify ? "insecure" : "verify"}`;
    let agent = this.proxyAgents.get(key);
    if (agent === undefined) {
      const tls = { ...(this.ca ? { ca: this.ca } : {}), timeout: this.requestTimeoutMs };
      // The proxy's credentials come from its URL's user info; undici sends them only to the proxy.
      agent = new (loadProxyAgent())({
        uri: proxy.href,
        proxyTunnel: false,
        keepAliveTimeout: 30_000,
        requestTls: { ...tls, rejectUnauthorized: !skipTlsVerify },
        proxyTls: tls,
      });
      this.proxyAgents.set(key, agent);
    }
    return agent;
  }

  /** The proxy a request to `url` goes through, without its user info (`http://proxy:3128`); undefined when direct. */
  proxyShownFor(url: URL): string | undefined {
    const proxy = this.routes.proxyFor(url);
    return proxy === undefined ? undefined : describeProxy(proxy);
  }

  /**
   * Sends a request, retrying as the policy allows, and reads the body up to its cap.
   * @throws RegistryError `unreachable` (connection or TLS failure; TlsProtocolError when the peer is
   *   not TLS), `timeout`, `invalid-response` (body over the cap).
   */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const now = this.options.now ?? Date.now;
    for (let attempt = 0; ; attempt++) {
      if (this.closing.signal.aborted) throw closedError(request);
      let failure: RegistryError | undefined;
      let response: HttpResponse | undefined;
      try {
        response = await this.limiter.run(() => this.attempt(request));
      } catch (error) {
        if (!(error instanceof RegistryError)) throw error;
        failure = error;
      }
      const retryable =
        request.retry !== false &&
        attempt < this.policy.maxRetries &&
        (failure ? failure.temporary && !request.signal?.aborted : isRetryableStatus(response!.status));
      if (!retryable) {
        if (failure) throw failure;
        return response!;
      }
      const remainingMs = request.deadline === undefined ? undefined : request.deadline - now();
      const delay = retryDelay(attempt, response?.headers["retry-after"], {
        policy: this.policy,
        now: now(),
        random: this.options.random ?? Math.random,
        remainingMs,
      });
      if (delay === undefined) {
        if (failure) throw failure;
        return response!;
      }
      try {
        await (this.options.sleep ?? sleep)(
          delay,
          request.signal ? AbortSignal.any([request.signal, this.closing.signal]) : this.closing.signal,
        );
      } catch {
        throw this.closing.signal.aborted ? closedError(request) : deadlineError(request);
      }
    }
  }

  private async attempt(request: HttpRequest): Promise<HttpResponse> {
    if (request.signal?.aborted) throw deadlineError(request);
    const attemptTimeout = AbortSignal.timeout(this.requestTimeoutMs);
    const signal = AbortSignal.any([...(request.signal ? [request.signal] : []), attemptTimeout, this.closing.signal]);
    const agent = this.dispatcherFor(request.url, request.skipTlsVerify === true);
    let data: Dispatcher.ResponseData;
    try {
      // undici does not end a request whose connection is still being made (TCP or TLS) when its signal
      // aborts: it waits for its connect timeout. Abandoning it keeps --timeout a hard budget (issue 12);
      // close() destroys the socket left connecting.
      data = await abandonOnAbort(
        dispatchRequest.call(agent, {
          origin: request.url.origin,
          path: request.url.pathname + request.url.search,
          method: request.method,
          headers: { "user-agent": this.userAgent, ...request.headers },
          body: request.body,
          signal,
          headersTimeout: this.requestTimeoutMs,
          bodyTimeout: this.requestTimeoutMs,
        }),
        signal,
        () => signal.reason as Error,
      );
    } catch (error) {
      this.options.onResponse?.("error", request.url.host);
      throw this.connectionError(error, request, attemptTimeout);
    }
    this.options.onResponse?.(data.statusCode, request.url.host);
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(data.headers))
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    try {
      const body =
        request.method === "HEAD" ? Buffer.alloc(0) : await readCapped(data.body, request.maxBodyBytes, request);
      if (request.method === "HEAD") await data.body.dump();
      return { status: data.statusCode, headers, body };
    } catch (error) {
      data.body.destroy();
      if (error instanceof RegistryError) throw error;
      throw this.connectionError(error, request, attemptTimeout);
    }
  }

  private connectionError(error: unknown, request: HttpRequest, attemptTimeout: AbortSignal): RegistryError {
    const proxy = this.proxyShownFor(request.url);
    const where = `${request.registry} (${request.method} ${request.url.origin}${request.url.pathname}${proxy ? ` through proxy ${proxy}` : ""})`;
    if (this.closing.signal.aborted) return closedError(request, error);
    if (request.signal?.aborted) return deadlineError(request, error);
    const refusal = proxy === undefined ? undefined : proxyRefusal(error);
    if (refusal !== undefined) {
      return Object.assign(
        new ProxyRefusedError(
          "unreachable",
          `proxy ${proxy} refused the request to registry ${where.replace(` through proxy ${proxy}`, "")}: ${refusal}${refusal === 407 ? " Proxy Authentication Required" : ""}`,
          {
            registry: request.registry,
            cause: error,
            temporary: refusal !== 407 && refusal !== 403,
            hint:
              refusal === 407
                ? "give the proxy's user name and password in the proxy variable: https_proxy=http://USER:PASSWORD@HOST:PORT"
                : "check that the proxy allows this registry, or add the registry to NO_PROXY",
          },
        ),
        { proxyStatus: refusal },
      );
    }
    const code = errorCode(error);
    if (attemptTimeout.aborted || (code !== undefined && timeoutErrors.has(code))) {
      return new RegistryError("timeout", `registry ${where} did not answer within ${this.requestTimeoutMs / 1000} s`, {
        registry: request.registry,
        cause: error,
      });
    }
    if (code !== undefined && certificateErrors.has(code)) {
      return new RegistryError("unreachable", `registry ${where}: TLS certificate not trusted (${code})`, {
        registry: request.registry,
        cause: error,
        temporary: false,
        hint: "pass --ca-file with the CA that signed the registry's certificate",
      });
    }
    if (
      code === "EPROTO" ||
      code === "ERR_SSL_WRONG_VERSION_NUMBER" ||
      /wrong version number|packet length too long/i.test(String((error as Error)?.message))
    ) {
      return new TlsProtocolError("unreachable", `registry ${where} does not speak TLS`, {
        registry: request.registry,
        cause: error,
        temporary: false,
        hint: "pass --insecure-registry to use http",
      });
    }
    if (isProtocolError(error)) {
      return new RegistryError(
        "invalid-response",
        `registry ${where} answered something that is not HTTP/1.1: ${code ?? (error as Error).message}`,
        { registry: request.registry, cause: error },
      );
    }
    return new RegistryError(
      "unreachable",
      `cannot reach registry ${where}: ${code ?? (error as Error)?.message ?? String(error)}`,
      { registry: request.registry, cause: error },
    );
  }

  /** Closes every pooled connection, ending requests still in flight (with `unreachable`, not retried). */
  async close(): Promise<void> {
    this.closing.abort();
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([
      this.verifying.destroy(),
      this.insecureAgent?.destroy(),
      ...[...this.proxyAgents.values()].map((agent) => agent.destroy()),
    ]);
  }
}

/** The status a proxy refused a request with (CONNECT answered other than 200, or 407 to an absolute-form request), from undici's error. */
function proxyRefusal(error: unknown): number | undefined {
  const message = String((error as Error)?.message ?? "");
  const status = /Proxy response \((\d{3})\)|Proxy Authentication Required \((407)\)/.exec(message);
  return status ? Number(status[1] ?? status[2]) : undefined;
}

function closedError(request: HttpRequest, cause?: unknown): RegistryError {
  return new RegistryError(
    "unreachable",
    `the registry client was closed before registry ${request.registry} answered`,
    { registry: request.registry, cause, temporary: false },
  );
}

function deadlineError(request: HttpRequest, cause?: unknown): RegistryError {
  return new RegistryError("timeout", `deadline exceeded talking to registry ${request.registry}`, {
    registry: request.registry,
    cause,
  });
}

function errorCode(error: unknown): string | undefined {
  // undici wraps socket errors; the system code sits on the cause.
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string" && code !== "UND_ERR_SOCKET" && code !== "UND_ERR_ABORTED" && code !== "ABORT_ERR")
      return code;
    current = current.cause;
  }
  const top = (error as Error & { code?: unknown })?.code;
  return typeof top === "string" ? top : undefined;
}

/** True when undici could not read the response as HTTP (llhttp's parse errors, a header overflow). */
function isProtocolError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (
      current.name === "HTTPParserError" ||
      (typeof code === "string" && (protocolErrors.has(code) || code.startsWith("HPE_")))
    )
      return true;
    current = current.cause;
  }
  return false;
}

async function readCapped(
  body: AsyncIterable<Buffer | Uint8Array>,
  cap: number,
  request: HttpRequest,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    length += chunk.length;
    if (length > cap) {
      throw new RegistryError(
        "invalid-response",
        `registry ${request.registry} sent more than ${cap} bytes for ${request.url.pathname}`,
        { registry: request.registry },
      );
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
