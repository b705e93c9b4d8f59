// The token server for registries in `auth: token` mode: the Docker token protocol (GET with optional
// basic credentials) and the OAuth2 form POST (grant_type=password|refresh_token), signing ES256 JWTs
// the distribution registry accepts. Distribution 2.8 takes the signing key from the JWT's `x5c`
// header and checks that chain against its `rootcertbundle`; we put the self-signed signing
// certificate itself in `x5c` and in the bundle, which is the simplest chain that verifies.
import { createSign, randomBytes } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { SigningKey } from "./tls.js";

/** A user the token server and htpasswd file know. */
export interface TestUser {
  username: string;
  password: string;
}

/** Decides which actions `user` (undefined: anonymous) gets for one requested scope `type:name:actions`. */
export type TokenAccess = (user: string | undefined, scope: string) => string[];

/** One request the token server received, in arrival order. */
export interface TokenRequest {
  method: "GET" | "POST";
  /** The raw Authorization header, when one was sent. */
  authorization?: string;
  /** The user the request authenticated as (basic credentials, password grant or refresh token). */
  username?: string;
  /** The query string (GET) or form body (POST), without the leading `?`. */
  query: string;
  /** Requested scopes, as sent. */
  scopes: string[];
  /** `password` or `refresh_token` for POSTs. */
  grantType?: string;
  /** HTTP status the token server answered. */
  status: number;
}

/** Settings of {@link startTokenServer}. */
export interface TokenServerOptions {
  users: TestUser[];
  signingKey: SigningKey;
  issuer: string;
  service: string;
  /** Overrides the default grants: all requested actions for known users, none (or pull) for anonymous. */
  tokenAccess?: TokenAccess;
  /** Grant `pull` to anonymous requests (default false). */
  anonymousPull?: boolean;
  /** Token lifetime in seconds (default 300). */
  expiresIn?: number;
  /** Serve https with this certificate and key instead of http. */
  tls?: { certFile: string; keyFile: string };
}

/** A running token server. */
export interface TokenServer {
  /** The realm URL, `http(s)://127.0.0.1:PORT/token`. */
  url: string;
  /** Every request so far. */
  requests(): TokenRequest[];
  /** Forgets the recorded requests (not the issued refresh tokens). */
  clearRequests(): void;
  /** Issues a refresh token for `username`, as a config.json `identitytoken` would hold. */
  issueRefreshToken(username: string): string;
  close(): Promise<void>;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

function parseScope(scope: string): { type: string; name: string; actions: string[] } | undefined {
  const first = scope.indexOf(":");
  const last = scope.lastIndexOf(":");
  if (first < 0 || last <= first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(",")
      .filter(Boolean),
  };
}

/** Starts the token server on 127.0.0.1 and a port the OS picks. Rejects when it cannot listen. */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const log: TokenRequest[] = [];
  const refreshTokens = new Map<string, string>();
  const expiresIn = options.expiresIn ?? 300;
  const known = (username: string, password: string): boolean =>
    options.users.some((u) => u.username === username && u.password === password);
  const grant: TokenAccess =
    options.tokenAccess ?? ((user) => (user !== undefined ? ["*"] : options.anonymousPull ? ["pull"] : []));

  const sign = (user: string | undefined, scopes: string[]): string => {
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.flatMap((scope) => {
      const parsed = parseScope(scope);
      if (!parsed) return [];
      const allowed = grant(user, scope);
      const actions = allowed.includes("*") ? parsed.actions : parsed.actions.filter((a) => allowed.includes(a));
      return actions.length > 0 ? [{ type: parsed.type, name: parsed.name, actions }] : [];
    });
    const header = { typ: "JWT", alg: "ES256", x5c: [options.signingKey.certDerBase64] };
    const claims = {
      iss: options.issuer,
      sub: user ?? "",
      aud: options.service,
      exp: now + expiresIn,
      nbf: now - 60,
      iat: now,
      jti: randomBytes(12).toString("hex"),
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    // JWS wants the raw r||s signature, not node's default DER encoding
    const signature = createSign("SHA256")
      .update(input)
      .sign({ key: options.signingKey.keyPem, dsaEncoding: "ieee-p1363" });
    return `${input}.${b64url(signature)}`;
  };
  const issueRefreshToken = (username: string): string => {
    const token = `rt-${randomBytes(16).toString("hex")}`;
    refreshTokens.set(token, username);
    return token;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://token.invalid");
    const method = req.method === "POST" ? "POST" : "GET";
    let params = url.searchParams;
    if (method === "POST") {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      params = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    }
    const entry: TokenRequest = {
      method,
      query: params.toString(),
      scopes: params.getAll("scope").flatMap((s) => s.split(" ").filter(Boolean)),
      status: 0,
    };
    if (req.headers.authorization) entry.authorization = req.headers.authorization;
    log.push(entry);
    const reply = (status: number, body: object): void => {
      entry.status = status;
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    if (url.pathname !== "/token" || (req.method !== "GET" && req.method !== "POST"))
      return reply(404, { errors: [{ code: "NOT_FOUND" }] });

    let user: string | undefined;
    let offline = params.get("offline_token") === "true" || params.get("access_type") === "offline";
    if (method === "POST") {
      entry.grantType = params.get("grant_type") ?? "";
      if (entry.grantType === "password") {
        if (!known(params.get("username") ?? "", params.get("password") ?? ""))
          return reply(401, { error: "invalid_grant" });
        user = params.get("username") ?? undefined;
      } else if (entry.grantType === "refresh_token") {
        user = refreshTokens.get(params.get("refresh_token") ?? "");
        if (user === undefined) return reply(401, { error: "invalid_grant" });
        offline = false; // the client keeps the refresh token it has
      } else return reply(400, { error: "unsupported_grant_type" });
    } else if (req.headers.authorization) {
      const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization);
      const decoded = match?.[1] ? Buffer.from(match[1], "base64").toString("utf8") : "";
      const colon = decoded.indexOf(":");
      if (colon < 0 || !known(decoded.slice(0, colon), decoded.slice(colon + 1)))
        return reply(401, { errors: [{ code: "UNAUTHORIZED", message: "bad credentials" }] });
      user = decoded.slice(0, colon);
    }
    if (user !== undefined) entry.username = user;
    if (params.get("service") !== options.service)
      return reply(400, { errors: [{ code: "DENIED", message: "unknown service" }] });
    const token = sign(user, entry.scopes);
    const body: Record<string, unknown> = {
      token,
      access_token: token,
      expires_in: expiresIn,
      issued_at: new Date().toISOString(),
    };
    if (offline && user !== undefined) body.refresh_token = issueRefreshToken(user);
    reply(200, body);
  };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) }, listener)
    : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}/token`,
    requests: () => log.slice(),
    clearRequests: () => void log.splice(0),
    issueRefreshToken,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
