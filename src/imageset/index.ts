export {
  createImageSet,
  imageSetYaml,
  type CreateImageSetOptions,
  type ImageSetEntry,
  type ImageSetResult,
  type MissingComponent,
  type DroppedReference,
} from "./create.js";
export {
  verifyImageSet,
  hasErrors,
  type ImageSetProblem,
  type ImageSetVerification,
  type ProblemSeverity,
  type VerifyImageSetOptions,
} from "./verify.js";
export { ImageSetError, type ImageSetErrorCode } from "./errors.js";
export { readInstallation, readOperatorImage, type InstallationSettings, type OperatorImage } from "./cluster-files.js";
export { operatorRepository, hasPullSettings, useDefault, type PullSettings } from "./pull-reference.js";
export { componentNeed, describeMissing, type ComponentNeed } from "./needs.js";
export {
  operatorSeries,
  operatorPatches,
  releaseForOperator,
  releaseForVersion,
  newestRelease,
  variantImages,
  firstAppearance,
  describeRelease,
  compareVersions,
  joinRulesSince,
  quayDefaultSince,
  type Release,
  type ReferenceRules,
  type OperatorSeries,
  type OperatorPatch,
  type ComponentLists,
  type Variant,
} from "./releases.js";
