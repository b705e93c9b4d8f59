/**
 * What a credential source yields. Exactly one of the secret forms is set:
 * - `username` + `password`: basic credentials (also sent to a bearer realm as basic auth);
 * - `identityToken`: an OAuth2 refresh token (config.json `identitytoken`), exchanged at the realm;
 * - `registryToken`: a bearer token to send as is (config.json `registrytoken`).
 */
export interface Credential {
  username?: string;
  password?: string;
  identityToken?: string;
  registryToken?: string;
}

/** One credential that may be tried for a registry, with where it came from (never the secret). */
export interface CredentialCandidate {
  /** Where it came from: `pull-secret:FILE#namespace/name`, `docker-config:PATH`, `cred-helper:NAME`, … */
  source: string;
  /** The config key that matched (`*.example.com`, `https://index.docker.io/v1/`). */
  key: string;
  /** The user name, safe to show; undefined for token-only credentials. */
  username?: string;
  /**
   * True when `get()` runs a kubelet credential provider plugin: the registry client asks for it only
   * once the registry has challenged (never for a registry that answers anonymously).
   */
  deferred?: boolean;
  /**
   * Fetches the secret; credential helpers run only when this is called, at most once per
   * candidate (the answer is kept).
   *
   * Resolves to an empty credential `{}` (see {@link isEmptyCredential}) when the source turns out to
   * hold nothing for this registry: a credential helper answered "credentials not found". Callers
   * skip such a candidate as if it were not listed. Rejects with an ImagepinError with code
   * `credential-helper-failed` when a helper is missing, fails or times out (the message never
   * holds the secret); callers may report it and go on to the next candidate.
   */
  get(): Promise<Credential>;
}

/** True when a credential carries no secret at all: the source had nothing for the registry. */
export function isEmptyCredential(credential: Credential): boolean {
  return (
    credential.password === undefined &&
    credential.identityToken === undefined &&
    credential.registryToken === undefined &&
    credential.username === undefined
  );
}

/**
 * Answers which credentials to try for an image, in order. The registry client tries them in turn
 * until the registry accepts one, then anonymous access only if there were none.
 */
export interface Keychain {
  /**
   * @param registry the registry as written in the reference (`docker.io`, `localhost:5000`).
   * @param repository the repository path (`library/nginx`).
   */
  candidates(registry: string, repository: string): Promise<CredentialCandidate[]>;
}

/** A keychain with no credentials: every registry is accessed anonymously. */
export const anonymousKeychain: Keychain = {
  candidates: async () => [],
};
