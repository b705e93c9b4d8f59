export {
  ImageReference,
  parseReference,
  tryParseReference,
  isValidTag,
  dockerHubDomain,
  dockerHubApiHost,
  legacyDockerHubDomain,
} from "./reference.js";
export { validateDigest, isValidDigest, digestHexLength } from "./digest.js";
export {
  defaultVariant,
  formatPlatform,
  normalizePlatform,
  parsePlatform,
  platformMatches,
  type Platform,
} from "./platform.js";
export { InvalidReferenceError, type ReferenceErrorCode } from "./errors.js";
