import { isAlias, isMap, isSeq, type Node, type Scalar } from "yaml";
import { templatePlaceholders } from "./interpolation.js";
import { commentIgnores, ignoreAnnotation, parseRuleList } from "./suppression.js";
import type { FoundImage, ManifestFormat, ManifestNotice } from "./types.js";
import {
  childMap,
  childString,
  isScalar,
  positionOf,
  replaceSlot,
  resolveNode,
  type YamlContext,
} from "./yaml-nodes.js";

/** What every image of one object shares: its kind, name, namespace and object-level suppressions. */
export interface ObjectInfo {
  format: ManifestFormat;
  kind: string;
  name?: string;
  namespace?: string;
  ignored: string[];
}

/** Gathers the images of one YAML file with their positions and suppressions. */
export class ImageCollector {
  readonly images: FoundImage[] = [];
  readonly notices: ManifestNotice[] = [];

  constructor(
    readonly file: string,
    /** The whole file text: offsets of slots point into it. */
    readonly source: string,
    readonly lines: readonly string[],
  ) {}

  /**
   * Adds the image whose value is `node` (aliases followed). A value that is not a string is skipped,
   * unless `required`: a container's or image volume's image must be a string, so one that is present
   * but null, a number, a boolean or a collection is added as `invalid` (reported, never pinned).
   */
  addScalar(
    context: YamlContext,
    object: ObjectInfo,
    node: unknown,
    extra: { container?: string; pullPolicy?: string } = {},
    required = false,
  ): void {
    const scalar = resolveNode(context, node);
    if (!isScalar(scalar) || typeof scalar.value !== "string") {
      if (required && scalar) this.addInvalid(context, object, node, scalar, extra);
      return;
    }
    // Reported where it is used (an alias's own line), rewritten where it is written (the anchor).
    const at = isAlias(node) && node.range ? (node as Node) : scalar;
    this.images.push({
      ...this.base(context, object, at),
      ...extra,
      image: scalar.value,
      ...replaceSlot(context, scalar as Scalar, this.source),
      ...placeholders(object.format, scalar.value),
    });
  }

  private addInvalid(
    context: YamlContext,
    object: ObjectInfo,
    node: unknown,
    value: Node,
    extra: { container?: string; pullPolicy?: string },
  ): void {
    const at = isAlias(node) && node.range ? (node as Node) : value;
    const source = value.range ? this.source.slice(value.range[0], value.range[1]) : "";
    const empty = isScalar(value) && (value.value === null || value.value === undefined);
    const what = isMap(value)
      ? "a map"
      : isSeq(value)
        ? "a list"
        : `a ${typeof (value as Scalar).value} (${source}); quote it if it is meant as one`;
    const invalid = empty ? "the image is empty (null)" : `the image must be a string, not ${what}`;
    this.images.push({ ...this.base(context, object, at), ...extra, image: empty ? "" : source, invalid });
  }

  /** Adds a notice about `at` (see {@link ManifestNotice}), with the object's kind, name and suppressions. */
  addNotice(
    context: YamlContext,
    object: ObjectInfo,
    at: Node,
    rule: string,
    message: string,
    container?: string,
  ): void {
    const { file, line, column, kind, name, namespace, ignored } = this.base(context, object, at);
    this.notices.push({ file, line, column, rule, message, kind, name, namespace, container, ignored });
  }

  /** Adds an image built from several fields (Kustomize, ImageSet); `at` is the node it is reported at. */
  addComposed(context: YamlContext, object: ObjectInfo, at: Node, image: string, rest: Partial<FoundImage>): void {
    this.images.push({ ...this.base(context, object, at), image, ...rest });
  }

  private base(context: YamlContext, object: ObjectInfo, at: Node) {
    const { line, column } = positionOf(context, at);
    const ignored = new Set([...object.ignored, ...commentIgnores(this.lines, line)]);
    return {
      file: this.file,
      line,
      column,
      format: object.format,
      kind: object.kind,
      name: object.name,
      namespace: object.namespace,
      ignored,
    };
  }
}

/**
 * A Kubernetes value that is a template placeholder (`$IMAGE`, `${IMAGE}`, `{IMAGE}`, `{{ .Values.image }}`)
 * is filled in by a tool before deploy: unknown here, not invalid. Compose interpolation is read by the
 * Compose scanner itself.
 */
function placeholders(format: ManifestFormat, value: string): Partial<FoundImage> {
  const found = templatePlaceholders(value).filter(
    (placeholder) => format !== "compose" || !placeholder.startsWith("$"),
  );
  if (found.length === 0) return {};
  return {
    slot: undefined,
    fromVariable: `the image is filled in from ${found.join(", ")} before deploy, so it is unknown here; lint and pin the rendered manifest`,
  };
}

/** The rules an object's `imagepin.io/ignore` annotation switches off (none when absent). */
export function annotationIgnores(context: YamlContext, object: unknown): string[] {
  const annotations = childMap(context, childMap(context, object, "metadata"), "annotations");
  const value = annotations ? childString(context, annotations, ignoreAnnotation) : undefined;
  return value === undefined ? [] : parseRuleList(value);
}
