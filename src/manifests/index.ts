export type { CustomKind, FoundImage, ImageSlot, KustomizeEntrySlot, ManifestFormat, ManifestProblem, ScalarStyle, ScanOptions, ScannedFile } from "./types.js";
export { scanText, parseCustomKinds, isDockerfileName, isYamlName } from "./scan.js";
export { scanYaml } from "./yaml-scan.js";
export { scanDockerfile } from "./dockerfile.js";
export { collectFiles, describeFsError, type WalkError } from "./walk.js";
export { ignoreAnnotation } from "./suppression.js";
export { loadManifests, type LoadOptions, type LoadedManifests } from "./load.js";
