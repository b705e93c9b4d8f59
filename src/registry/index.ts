/**
 * The OCI distribution client: transport (pools, limit, retries), authentication (challenges, tokens,
 * realm checks) and manifest resolution with digest verification and platform selection.
 */
export { RegistryClient, type ManifestResult, type RegistryClientOptions } from "./client.js";
export {
  RegistryError,
  isRegistryError,
  isOutage,
  type RegistryErrorCode,
  type RegistryErrorOptions,
} from "./errors.js";
export { mediaTypes, manifestAccept, isIndexMediaType, isManifestMediaType } from "./media-types.js";
export { selectPlatform, type PlatformEntry } from "./platform.js";
export { parseChallenges, type Challenge } from "./challenge.js";
export { validateRealm, isLoopbackHost, type HostLookup } from "./realm.js";
export { proxySettingsFromEnv, parseNoProxy, ProxyRoutes, type ProxySettings } from "./proxy.js";
export { Transport, type TransportOptions, type HttpRequest, type HttpResponse } from "./transport.js";
export { defaultRetryPolicy, retryDelay, parseRetryAfter, isRetryableStatus, type RetryPolicy } from "./retry.js";
export { TokenCache, fetchToken, type CachedToken } from "./auth.js";
export type { RateLimit } from "./manifest.js";
