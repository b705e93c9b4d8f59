export type {
  CustomKind,
  FoundImage,
  ImageSlot,
  KustomizeEntrySlot,
  ManifestFormat,
  ManifestNotice,
  ManifestProblem,
  ScalarStyle,
  ScanOptions,
  ScannedFile,
} from "./types.js";
export { scanText, parseCustomKinds, isDockerfileName, isYamlName } from "./scan.js";
export { defaultManifestLimits, oversizedMessage, type ManifestLimits } from "./limits.js";
export { scanYaml, yamlErrorOffset } from "./yaml-scan.js";
export { scanDockerfile } from "./dockerfile.js";
export { collectFiles, describeFsError, type WalkError } from "./walk.js";
export { ignoreAnnotation, isSuppressed } from "./suppression.js";
export { loadManifests, type LoadOptions, type LoadedManifests } from "./load.js";
export { pinFiles, type PinOptions, type PinnedFile, type PinChange, type PinFailure } from "./pin.js";
export { Lockfile, lockPlatform, type LockEntry } from "./lock.js";
export {
  applyEdits,
  formatScalar,
  imageEdit,
  isPlainSafe,
  withReplacedDigest,
  withWrittenDigest,
  type TextEdit,
} from "./rewrite.js";
export {
  parseInterpolation,
  expand,
  isUnknown,
  templatePlaceholders,
  type Dialect,
  type Expansion,
  type Part,
} from "./interpolation.js";
export {
  krmResults,
  krmSettings,
  pinResourceList,
  type KrmResult,
  type KrmSettings,
  type PinnedResourceList,
  type ResourceListOptions,
} from "./krm.js";
export { kindPresets, presetFor } from "./kind-presets.js";
