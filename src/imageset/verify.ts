import { LineCounter, parseDocument, isMap, isSeq, type Node } from "yaml";
import { isValidDigest, parseReference } from "../reference/index.js";
import type { Resolver } from "../resolve/types.js";
import { findRelease, isExcluded, isKnownComponent, newestRelease, variantOwner } from "./components.js";
import { pullLocation } from "./create.js";
import type { Variant } from "./releases.js";

/** One thing wrong with an ImageSet, with where it is. */
export interface ImageSetProblem {
  code: "invalid-imageset" | "invalid-name" | "unknown-image" | "invalid-digest" | "duplicate-image" | "missing-component" | "digest-not-found" | "registry-error";
  message: string;
  line?: number;
  column?: number;
  image?: string;
}

/** Options of {@link verifyImageSet}. */
export interface VerifyImageSetOptions {
  /** The file's text. */
  text: string;
  /** Registry the images are pulled from, like the Installation's `registry`; default the variant's (quay.io). */
  registry?: string;
  /** Replaces the owner path, like the Installation's `imagePath`. */
  imagePath?: string;
  resolver: Resolver;
  signal?: AbortSignal;
}

/** Where each variant's images come from when the Installation names no registry. */
export const defaultRegistry: Record<Variant, string> = { calico: "quay.io", enterprise: "quay.io" };

const imageNamePattern = /^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/;
const namePattern = /^(calico|enterprise)-(v\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)$/;

/**
 * Checks an ImageSet before it is applied: its name (`calico-vX.Y.Z` or `enterprise-vX.Y.Z`), that every
 * image is a component the operator knows for that release, that each digest is well formed, and
 * that each digest exists at the registry. Returns every problem found; an empty list means it is fine.
 */
export async function verifyImageSet(options: VerifyImageSetOptions): Promise<ImageSetProblem[]> {
  const lines = new LineCounter();
  const document = parseDocument(options.text, { lineCounter: lines, prettyErrors: false });
  const at = (node: Node | null | undefined) => {
    if (!node?.range) return {};
    const { line, col } = lines.linePos(node.range[0]);
    return { line, column: col };
  };
  const problems: ImageSetProblem[] = [];
  for (const error of document.errors) {
    const { line, col } = lines.linePos(error.pos[0]);
    problems.push({ code: "invalid-imageset", message: `not valid YAML: ${error.message.split("\n")[0]}`, line, column: col });
  }
  if (problems.length > 0) return problems;

  const root = document.contents;
  const value = document.toJS() as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } } | null;
  if (!isMap(root) || value?.kind !== "ImageSet" || value.apiVersion !== "operator.tigera.io/v1") {
    return [{ code: "invalid-imageset", message: "not an ImageSet (apiVersion operator.tigera.io/v1, kind ImageSet)", ...at(root) }];
  }
  const nameNode = root.getIn(["metadata", "name"], true) as Node | undefined;
  const name = typeof value.metadata?.name === "string" ? value.metadata.name : "";
  const nameMatch = namePattern.exec(name);
  if (!nameMatch) {
    problems.push({ code: "invalid-name", message: `name ${JSON.stringify(name)} must be calico-<version> or enterprise-<version> (e.g. calico-v3.32.0)`, ...at(nameNode ?? root) });
  }
  const variant: Variant = (nameMatch?.[1] as Variant | undefined) ?? "calico";
  const release = nameMatch ? findRelease(variant, nameMatch[2]!) : undefined;
  const list = (release ?? newestRelease(variant)).variants[variant]!;

  const imagesNode = root.getIn(["spec", "images"], true);
  if (!isSeq(imagesNode)) return [...problems, { code: "invalid-imageset", message: "spec.images must be a list of {image, digest}", ...at(root) }];

  const seen = new Set<string>();
  const checks: Promise<void>[] = [];
  // An unreachable registry or refused credentials fail every image there alike: said once per registry and kind of failure.
  const registryFailures = new Map<string, { image: string; message: string; line?: number; column?: number }[]>();
  for (const item of imagesNode.items) {
    if (!isMap(item)) {
      problems.push({ code: "invalid-imageset", message: "each spec.images entry must be {image, digest}", ...at(item as Node) });
      continue;
    }
    const image = String(item.get("image") ?? "");
    const digest = String(item.get("digest") ?? "");
    const imageAt = at(item.get("image", true) as Node | undefined);
    const digestAt = at(item.get("digest", true) as Node | undefined);
    if (seen.has(image)) problems.push({ code: "duplicate-image", message: `${image} is listed twice`, image, ...imageAt });
    seen.add(image);
    // Without a list for this release, any image of the variant's owner is given the benefit of the doubt.
    const known = release ? isKnownComponent(list, image) : isKnownComponent(list, image) || image.startsWith(`${variantOwner[variant]}/`);
    if (!imageNamePattern.test(image) || isExcluded(list, image) || !known) {
      problems.push({ code: "unknown-image", message: `${JSON.stringify(image)} is not an image the operator deploys for ${name || variant}`, image, ...imageAt });
      continue;
    }
    if (!isValidDigest(digest)) {
      problems.push({ code: "invalid-digest", message: `${image}: digest ${JSON.stringify(digest)} is not sha256:<64 hex> or sha512:<128 hex>`, image, ...digestAt });
      continue;
    }
    const location = pullLocation(parseReference(`${(options.registry ?? defaultRegistry[variant]).replace(/\/+$/, "")}/${image}`), options.registry, options.imagePath).withDigest(digest);
    checks.push(
      options.resolver.resolve(location, { signal: options.signal }).then(
        () => undefined,
        (error: { code?: string; message?: string }) => {
          if (error.code === "not-found") {
            problems.push({ code: "digest-not-found", message: `${image}: ${digest} does not exist at ${location.name}`, image, ...digestAt });
            return;
          }
          const failure = { image, message: error.message ?? String(error), ...digestAt };
          const key = `${location.domain} ${error.code ?? "error"}`;
          registryFailures.set(key, [...(registryFailures.get(key) ?? []), failure]);
        },
      ),
    );
  }
  await Promise.all(checks);
  for (const failures of registryFailures.values()) {
    const [first] = failures.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) as [(typeof failures)[number]];
    const others = failures.length > 1 ? ` (and ${failures.length - 1} more image(s) not checked for the same reason)` : "";
    problems.push({ code: "registry-error", message: `${first.image}: ${first.message}${others}`, image: first.image, line: first.line, column: first.column });
  }
  for (const component of release ? list.images : []) {
    if (!seen.has(component) && !isExcluded(list, component)) {
      problems.push({ code: "missing-component", message: `${component} is missing: the operator deploys it for ${name} and refuses a set without it`, image: component, ...at(imagesNode) });
    }
  }
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
