export { ImageReference, parseReference, tryParseReference, isValidTag, dockerHubDomain, dockerHubApiHost, legacyDockerHubDomain } from "./reference.js";
export { validateDigest, isValidDigest, digestHexLength } from "./digest.js";
export { InvalidReferenceError, type ReferenceErrorCode } from "./errors.js";
