import { isMap, isScalar, type Node } from "yaml";
import { annotationIgnores, type ImageCollector, type ObjectInfo } from "./collector.js";
import { scanKustomization } from "./kustomize.js";
import { containerLists, podSpecPaths } from "./pod-kinds.js";
import { presetFor } from "./kind-presets.js";
import { nearMiss } from "./near-miss.js";
import type { CustomKind } from "./types.js";
import { child, childItems, childMap, childString, rawChild, resolveNode, type YamlContext } from "./yaml-nodes.js";

/** Built-in kinds' pod spec paths in the dotted form custom kinds use (`spec.template.spec`). */
const builtInPaths: Record<string, string[]> = Object.fromEntries(
  Object.entries(podSpecPaths).map(([kind, path]) => [kind, [path.join(".")]]),
);

/** Finds the images of one Kubernetes object (or List), adding them to `collector`. */
export function scanKubernetesObject(
  context: YamlContext,
  root: Node,
  collector: ImageCollector,
  customKinds: CustomKind[],
): void {
  const kind = childString(context, root, "kind") ?? "";
  const apiVersion = childString(context, root, "apiVersion") ?? "";
  if (kind === "List" || (kind.endsWith("List") && child(context, root, "items"))) {
    for (const item of childItems(context, root, "items")) scanKubernetesObject(context, item, collector, customKinds);
    return;
  }
  const metadata = childMap(context, root, "metadata");
  const object: ObjectInfo = {
    format: "kubernetes",
    kind,
    name: childString(context, metadata, "name"),
    namespace: childString(context, metadata, "namespace"),
    ignored: annotationIgnores(context, root),
  };
  // A Component (kustomize.config.k8s.io/v1alpha1) has the same `images:` as a Kustomization.
  if ((kind === "Kustomization" || kind === "Component") && apiVersion.startsWith("kustomize.config.k8s.io/")) {
    scanKustomization(context, root, collector, { ...object, format: "kustomization" });
    return;
  }
  if (kind === "ImageSet" && apiVersion === "operator.tigera.io/v1") {
    scanImageSet(context, root, collector, object);
    return;
  }
  const custom = customKinds.find(
    (entry) => entry.kind === kind && (entry.apiVersion === undefined || entry.apiVersion === apiVersion),
  );
  const paths = custom?.paths ?? builtInPaths[kind];
  if (!paths) {
    unknownKind(context, root, collector, object, apiVersion);
    return;
  }
  const images = custom ? "optional" : looksLikePatch(context, root, object.kind) ? "patch" : "required";
  for (const path of paths) {
    for (const node of nodesAt(context, root, path)) scanPodTemplateOrSpec(context, node, collector, object, images);
  }
}

const builtInKinds = Object.keys(podSpecPaths);

/** The workload kinds whose API object must have `spec.selector` (apps/v1). */
const selectorKinds = new Set(["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"]);

/**
 * A Kustomize strategic-merge patch names a workload and its containers without the rest (no
 * `spec.selector`, which apps/v1 requires of a whole object): its containers may leave the image out.
 */
function looksLikePatch(context: YamlContext, root: Node, kind: string): boolean {
  return selectorKinds.has(kind) && child(context, child(context, root, "spec"), "selector") === undefined;
}

/**
 * Whether a container must have an image: `required` in a whole built-in object, `patch` (only a
 * misspelt key is reported) in a strategic-merge patch, `optional` in a custom kind, whose containers
 * may be patches merged into generated pods (prometheus-operator's spec.containers).
 */
type ImageRequirement = "required" | "patch" | "optional";

/**
 * A kind this scanner does not know is skipped, but not in silence when it looks like a workload: a
 * misspelt built-in kind (`Deploymnet`), or any kind holding a pod template or pod spec where workloads
 * keep one (Argo Rollouts, Knative). Those get an `unknown-kind` notice saying how to teach the kind;
 * pod templates are not scanned by shape, so a custom resource is read only where it is taught to be.
 */
function unknownKind(
  context: YamlContext,
  root: Node,
  collector: ImageCollector,
  object: ObjectInfo,
  apiVersion: string,
): void {
  const kindNode = child(context, root, "kind") ?? root;
  // Only the built-in API groups (no dot: v1, apps/v1, batch/v1); a short kind must be one edit away.
  const misspelt = apiVersion.includes(".")
    ? undefined
    : nearMiss(object.kind, builtInKinds, object.kind.length <= 4 ? 1 : 2);
  if (misspelt) {
    collector.addNotice(
      context,
      object,
      kindNode,
      "unknown-kind",
      `kind ${object.kind} is not a kind Kubernetes knows; did you mean ${misspelt}? Its images were not checked`,
    );
    return;
  }
  const template = ["spec.template.spec", "spec.jobTemplate.spec.template.spec", "spec"].find((path) =>
    nodesAt(context, root, path).some((node) =>
      containerLists.some((list) => childItems(context, node, list).length > 0),
    ),
  );
  const preset = presetFor(object.kind, apiVersion);
  if (!template && !preset) return;
  const teach = preset
    ? `--kinds preset:${preset}`
    : `--kinds FILE with {kind: ${object.kind}, paths: [${template!.replace(/\.spec$/, "")}]}`;
  const where = template ? `holds a pod spec at ${template}` : "holds images";
  collector.addNotice(
    context,
    object,
    kindNode,
    "unknown-kind",
    `${object.kind} (${apiVersion || "no apiVersion"}) is not a kind imagepin knows, and it ${where}: its images were not checked; teach it with ${teach}`,
  );
}

/** Every node a dotted path (`spec.template`, `spec.workers[].template`) reaches. */
function nodesAt(context: YamlContext, root: Node, path: string): Node[] {
  let nodes: Node[] = [root];
  for (const part of path.split(".").filter((segment) => segment !== "")) {
    const isList = part.endsWith("[]");
    const key = isList ? part.slice(0, -2) : part;
    nodes = nodes.flatMap((node) =>
      isList
        ? childItems(context, node, key)
        : [child(context, node, key)].filter((next): next is Node => next !== undefined),
    );
  }
  return nodes;
}

/** A path may name a pod template (with `spec`), a pod spec (with containers) or an image string. */
function scanPodTemplateOrSpec(
  context: YamlContext,
  node: Node,
  collector: ImageCollector,
  object: ObjectInfo,
  images: ImageRequirement,
): void {
  if (!isMap(node)) {
    collector.addScalar(context, object, node);
    return;
  }
  const isSpec = containerLists.some((key) => child(context, node, key) !== undefined);
  const spec = isSpec ? node : childMap(context, node, "spec");
  if (!spec) return;
  // A template's own annotations count too: they travel to the Pods it creates.
  const withTemplate = isSpec
    ? object
    : { ...object, ignored: [...object.ignored, ...annotationIgnores(context, node)] };
  scanPodSpec(context, spec, collector, withTemplate, images);
}

/**
 * Containers, init and ephemeral containers, and image volumes of one pod spec. A container without an
 * image (or with the key misspelt, `imgae:`) is an `image-missing` notice as `images` requires.
 */
export function scanPodSpec(
  context: YamlContext,
  spec: Node,
  collector: ImageCollector,
  object: ObjectInfo,
  images: ImageRequirement = "required",
): void {
  for (const list of containerLists) {
    for (const container of childItems(context, spec, list)) {
      if (images !== "optional" && rawChild(context, container, "image") === undefined)
        missingImage(context, container, collector, object, list, images === "required");
      collector.addScalar(
        context,
        object,
        rawChild(context, container, "image"),
        {
          container: childString(context, container, "name"),
          pullPolicy: childString(context, container, "imagePullPolicy"),
        },
        true,
      );
    }
  }
  for (const volume of childItems(context, spec, "volumes")) {
    const image = childMap(context, volume, "image");
    if (!image) continue;
    collector.addScalar(
      context,
      object,
      rawChild(context, image, "reference"),
      {
        container: childString(context, volume, "name"),
        pullPolicy: childString(context, image, "pullPolicy"),
      },
      true,
    );
  }
}

function missingImage(
  context: YamlContext,
  container: Node,
  collector: ImageCollector,
  object: ObjectInfo,
  list: string,
  required: boolean,
): void {
  const name = childString(context, container, "name");
  const keys = isMap(container) ? container.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : "")) : [];
  const misspelt = keys.find((key) => key !== "imagePullPolicy" && nearMiss(key, ["image"]) !== undefined);
  if (!required && !misspelt) return;
  const which = name === undefined ? `a container in ${list}` : `container ${name}`;
  const hint = misspelt ? `; is ${misspelt}: meant to be image:?` : "";
  collector.addNotice(context, object, container, "image-missing", `${which} has no image${hint}`, name);
}

/** Calico's ImageSet: `spec.images[]` of `{image, digest}`; the images are pinned by their digest field. */
function scanImageSet(context: YamlContext, root: Node, collector: ImageCollector, object: ObjectInfo): void {
  for (const entry of childItems(context, child(context, root, "spec") ?? root, "images")) {
    const imageNode = resolveNode(context, child(context, entry, "image"));
    const image = childString(context, entry, "image");
    if (!imageNode || image === undefined) continue;
    const digest = childString(context, entry, "digest");
    collector.addComposed(context, object, imageNode, digest ? `${image}@${digest}` : image, {
      notRewritable: "ImageSet digests are written by `imagepin imageset create`",
    });
  }
}
