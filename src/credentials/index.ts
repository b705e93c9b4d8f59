/**
 * Credentials: where registry credentials come from (pull secrets, the docker config, credential
 * helpers) and which of them apply to an image (Kubernetes' rules for config.json keys).
 */
export type { Credential, CredentialCandidate, Keychain } from "./types.js";
export { anonymousKeychain, isEmptyCredential } from "./types.js";
export { CredentialsError, type CredentialsErrorCode } from "./errors.js";
export { parseDockerConfig, type AuthEntry, type DockerConfig, type HelperEntry } from "./docker-config.js";
export {
  locateDockerConfig,
  locateContainersAuthFiles,
  readCredentialsFile,
  type LocateDockerConfigOptions,
} from "./locate.js";
export {
  runCredentialHelper,
  spawnHelperRunner,
  defaultHelperTimeoutMs,
  type CredentialHelperOptions,
  type HelperRunner,
  type HelperRunOptions,
  type HelperRunResult,
} from "./helper.js";
export {
  parsePullSecretFile,
  pullSecretFromObject,
  type PullSecret,
  type PullSecretOrigin,
  type SecretObject,
} from "./pull-secret.js";
export {
  parseConfigKey,
  matchTarget,
  keyMatches,
  compareSpecificity,
  credentialStoreServerUrl,
  type ConfigKey,
  type MatchTarget,
} from "./match.js";
export {
  createKeychain,
  keychainFromSources,
  keychainFromPullSecretObjects,
  type CreateKeychainOptions,
  type KeychainHelperOptions,
  type KeychainSources,
  type PullSecretObjectsOptions,
} from "./keychain.js";
export { describeCandidates, type CandidateDescription, type DescribeCandidatesOptions } from "./describe.js";
export {
  parseCredentialProviderConfig,
  parseGoDuration,
  type CredentialProviderSpec,
  type ProviderEnvVar,
} from "./provider-config.js";
export {
  CredentialProviderPlugin,
  defaultProviderTimeoutMs,
  type ProviderAnswer,
  type ProviderAuthEntry,
  type ProviderRuntimeOptions,
} from "./provider.js";
export { loadCredentialProviders, type LoadCredentialProvidersOptions } from "./provider-load.js";
export { parseMatchPattern, matchPatternMatches, type MatchPattern } from "./provider-match.js";
