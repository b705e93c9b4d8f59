export { createImageSet, imageSetYaml, pullLocation, type CreateImageSetOptions, type ImageSetEntry, type ImageSetResult } from "./create.js";
export { verifyImageSet, defaultRegistry, type ImageSetProblem, type VerifyImageSetOptions } from "./verify.js";
export { ImageSetError, type ImageSetErrorCode } from "./errors.js";
export { operatorReleases, type OperatorRelease, type ComponentList, type Variant } from "./releases.js";
export { findRelease, defaultImageName } from "./components.js";
