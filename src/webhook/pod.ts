// Where images sit in the objects the webhook sees: Pods, the old EphemeralContainers subresource
// object, and (when enabled) the pod templates of workloads.
import { containerLists, podSpecPaths } from "../manifests/pod-kinds.js";

/** A JSON object as it arrives in an AdmissionReview. */
export type JsonObject = Record<string, unknown>;

/** One image field: where it is, what it says, and a stable label for messages and annotations. */
export interface ImageSite {
  /** JSON Pointer tokens of the field. */
  path: (string | number)[];
  /** The image string as written. */
  image: string;
  /** `containers/app`, `initContainers/setup`, `ephemeralContainers/debug`, `volumes/models`. */
  label: string;
}

/** The images of an object and where its annotations live. */
export interface ImageSites {
  sites: ImageSite[];
  /** Tokens of the metadata the webhook annotates. */
  metadataPath: (string | number)[];
  /** What the object's `metadata` member holds (undefined when missing; not always an object). */
  metadata: unknown;
  /** The object's current annotations. */
  annotations: Record<string, unknown> | undefined;
  /** The pod spec (for imagePullSecrets and serviceAccountName), when there is one. */
  podSpec: JsonObject | undefined;
}

/** Kinds whose pod template the webhook pins when `mutateWorkloads` is on, with the template spec's path. */
export const workloadTemplatePaths: Record<string, readonly string[]> = Object.fromEntries(
  Object.entries(podSpecPaths).filter(([kind]) => kind !== "Pod" && kind !== "PodTemplate"),
);

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function at(object: unknown, path: readonly string[]): unknown {
  let current = object;
  for (const token of path) {
    if (!isObject(current)) return undefined;
    current = current[token];
  }
  return current;
}

/**
 * The image sites of an admitted object of `kind`, or undefined for kinds the webhook does not handle.
 * Entries without a string image are skipped (the API server rejects them anyway).
 */
export function findImageSites(object: unknown, kind: string, workloads: boolean): ImageSites | undefined {
  if (!isObject(object)) return undefined;
  let specPath: readonly string[];
  if (kind === "Pod") specPath = ["spec"];
  else if (kind === "EphemeralContainers") specPath = [];
  else if (workloads && workloadTemplatePaths[kind]) specPath = workloadTemplatePaths[kind];
  else return undefined;
  const spec = specPath.length === 0 ? object : at(object, specPath);
  const sites: ImageSite[] = [];
  if (isObject(spec)) {
    for (const list of containerLists) {
      const entries = spec[list];
      if (!Array.isArray(entries)) continue;
      entries.forEach((entry: unknown, index) => {
        if (!isObject(entry) || typeof entry.image !== "string") return;
        const name = typeof entry.name === "string" ? entry.name : String(index);
        sites.push({ path: [...specPath, list, index, "image"], image: entry.image, label: `${list}/${name}` });
      });
    }
    // Image volumes (KEP-4639): spec.volumes[].image.reference.
    const volumes = spec.volumes;
    if (Array.isArray(volumes)) {
      volumes.forEach((volume: unknown, index) => {
        if (!isObject(volume) || !isObject(volume.image) || typeof volume.image.reference !== "string") return;
        const name = typeof volume.name === "string" ? volume.name : String(index);
        sites.push({
          path: [...specPath, "volumes", index, "image", "reference"],
          image: volume.image.reference,
          label: `volumes/${name}`,
        });
      });
    }
  }
  const metadata = at(object, ["metadata"]);
  const annotations = isObject(metadata) && isObject(metadata.annotations) ? metadata.annotations : undefined;
  return {
    sites,
    metadataPath: ["metadata"],
    metadata,
    annotations,
    podSpec: kind === "EphemeralContainers" || !isObject(spec) ? undefined : spec,
  };
}

/**
 * The sites an UPDATE introduced: those whose label is new or whose image changed since `oldObject`.
 * Pinning an unchanged image of a running Pod would change its spec and restart the container, so
 * only what the update itself brought in is touched.
 */
export function changedSites(sites: ImageSite[], oldObject: unknown, kind: string, workloads: boolean): ImageSite[] {
  const old = findImageSites(oldObject, kind, workloads);
  if (!old) return sites;
  const before = new Map(old.sites.map((site) => [site.label, site.image]));
  return sites.filter((site) => before.get(site.label) !== site.image);
}

/** The object's name for messages and events: `metadata.name`, else `generateName…`, else `(unnamed)`. */
export function objectName(object: unknown): string {
  const metadata = at(object, ["metadata"]);
  if (isObject(metadata)) {
    if (typeof metadata.name === "string" && metadata.name) return metadata.name;
    if (typeof metadata.generateName === "string" && metadata.generateName) return `${metadata.generateName}…`;
  }
  return "(unnamed)";
}
