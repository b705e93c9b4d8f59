import { isMap, type Node } from "yaml";
import { annotationIgnores, type ImageCollector, type ObjectInfo } from "./collector.js";
import { scanKustomization } from "./kustomize.js";
import { containerLists, podSpecPaths } from "./pod-kinds.js";
import type { CustomKind } from "./types.js";
import { child, childItems, childMap, childString, rawChild, resolveNode, type YamlContext } from "./yaml-nodes.js";

/** Built-in kinds' pod spec paths in the dotted form custom kinds use (`spec.template.spec`). */
const builtInPaths: Record<string, string[]> = Object.fromEntries(Object.entries(podSpecPaths).map(([kind, path]) => [kind, [path.join(".")]]));

/** Finds the images of one Kubernetes object (or List), adding them to `collector`. */
export function scanKubernetesObject(context: YamlContext, root: Node, collector: ImageCollector, customKinds: CustomKind[]): void {
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
  const custom = customKinds.find((entry) => entry.kind === kind && (entry.apiVersion === undefined || entry.apiVersion === apiVersion));
  for (const path of custom?.paths ?? builtInPaths[kind] ?? []) {
    for (const node of nodesAt(context, root, path)) scanPodTemplateOrSpec(context, node, collector, object);
  }
}

/** Every node a dotted path (`spec.template`, `spec.workers[].template`) reaches. */
function nodesAt(context: YamlContext, root: Node, path: string): Node[] {
  let nodes: Node[] = [root];
  for (const part of path.split(".").filter((segment) => segment !== "")) {
    const isList = part.endsWith("[]");
    const key = isList ? part.slice(0, -2) : part;
    nodes = nodes.flatMap((node) => (isList ? childItems(context, node, key) : [child(context, node, key)].filter((next): next is Node => next !== undefined)));
  }
  return nodes;
}

/** A path may name a pod template (with `spec`), a pod spec (with containers) or an image string. */
function scanPodTemplateOrSpec(context: YamlContext, node: Node, collector: ImageCollector, object: ObjectInfo): void {
  if (!isMap(node)) {
    collector.addScalar(context, object, node);
    return;
  }
  const isSpec = containerLists.some((key) => child(context, node, key) !== undefined);
  const spec = isSpec ? node : childMap(context, node, "spec");
  if (!spec) return;
  // A template's own annotations count too: they travel to the Pods it creates.
  const withTemplate = isSpec ? object : { ...object, ignored: [...object.ignored, ...annotationIgnores(context, node)] };
  scanPodSpec(context, spec, collector, withTemplate);
}

/** Containers, init and ephemeral containers, and image volumes of one pod spec. */
export function scanPodSpec(context: YamlContext, spec: Node, collector: ImageCollector, object: ObjectInfo): void {
  for (const list of containerLists) {
    for (const container of childItems(context, spec, list)) {
      collector.addScalar(context, object, rawChild(context, container, "image"), {
        container: childString(context, container, "name"),
        pullPolicy: childString(context, container, "imagePullPolicy"),
      }, true);
    }
  }
  for (const volume of childItems(context, spec, "volumes")) {
    const image = childMap(context, volume, "image");
    if (!image) continue;
    collector.addScalar(context, object, rawChild(context, image, "reference"), {
      container: childString(context, volume, "name"),
      pullPolicy: childString(context, image, "pullPolicy"),
    }, true);
  }
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
