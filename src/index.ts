/**
 * imagepin's public library API. The CLI and the webhook are thin front ends over these exports.
 * Nothing here reads argv or the environment, and nothing starts a server on import.
 */
export { ImagepinError, UsageError, formatLocation, isImagepinError } from "./errors.js";
export type { ImagepinErrorOptions, SourceLocation } from "./errors.js";
export { imagepinVersion, userAgent } from "./version.js";
export * from "./reference/index.js";
export type { Credential, CredentialCandidate, Keychain } from "./credentials/types.js";
export { anonymousKeychain } from "./credentials/types.js";
export {
  createKeychain,
  keychainFromPullSecretObjects,
  keychainFromSources,
  describeCandidates,
  isEmptyCredential,
  CredentialsError,
  parseDockerConfig,
  parsePullSecretFile,
  locateDockerConfig,
} from "./credentials/index.js";
export type {
  CreateKeychainOptions,
  KeychainSources,
  CandidateDescription,
  CredentialsErrorCode,
  DockerConfig,
  PullSecret,
} from "./credentials/index.js";
export {
  loadCredentialProviders,
  parseCredentialProviderConfig,
  CredentialProviderPlugin,
} from "./credentials/index.js";
export type { CredentialProviderSpec, LoadCredentialProvidersOptions } from "./credentials/index.js";
export type { IndexEntry, Resolution, ResolutionSource, ResolveOptions, Resolver } from "./resolve/types.js";
export type { Logger } from "./internal/logger.js";
export { silentLogger } from "./internal/logger.js";
export {
  RegistryClient,
  RegistryError,
  isRegistryError,
  isOutage,
  mediaTypes,
  manifestAccept,
} from "./registry/index.js";
export type { RegistryClientOptions, RegistryErrorCode, ManifestResult, RateLimit } from "./registry/index.js";
export { proxySettingsFromEnv } from "./registry/index.js";
export type { ProxySettings } from "./registry/index.js";
export { RegistryResolver } from "./resolve/index.js";
export type { RegistryResolverOptions, DeriveOptions } from "./resolve/index.js";
export { FallbackResolver, FallbackUnavailableError } from "./resolve/index.js";
export type { FallbackResolverOptions, FallbackResolveOptions } from "./resolve/index.js";
export {
  scanText,
  scanYaml,
  scanDockerfile,
  parseCustomKinds,
  loadManifests,
  collectFiles,
  pinFiles,
  Lockfile,
  applyEdits,
  ignoreAnnotation,
} from "./manifests/index.js";
export type {
  CustomKind,
  FoundImage,
  ManifestFormat,
  ManifestProblem,
  ScannedFile,
  ScanOptions,
  PinOptions,
  PinnedFile,
  PinChange,
  PinFailure,
  LockEntry,
  TextEdit,
} from "./manifests/index.js";
export { defaultManifestLimits, type ManifestLimits } from "./manifests/index.js";
export { lintFiles, lintRules, verifyFiles, verifyRules, formatFindings, sarifLog } from "./policy/index.js";
export type {
  Finding,
  Severity,
  Summary,
  RuleDescription,
  OutputFormat,
  LintResult,
  VerifyOptions,
  VerifyResult,
} from "./policy/index.js";
