import {
  LineCounter,
  parseAllDocuments,
  isCollection,
  isMap,
  isScalar,
  visit,
  type Document,
  type Node,
  type YAMLError,
} from "yaml";
import { ImageCollector } from "./collector.js";
import { looksLikeCompose, scanCompose } from "./compose.js";
import { scanKubernetesObject } from "./kubernetes.js";
import { scanKustomization } from "./kustomize.js";
import { limitsOf, oversizedFile } from "./limits.js";
import { boundYaml } from "./yaml-bounds.js";
import { splitLines } from "./suppression.js";
import type { ManifestProblem, ScanOptions, ScannedFile } from "./types.js";
import { childString, type YamlContext } from "./yaml-nodes.js";

const kustomizationFile = /(^|[\\/])(kustomization\.ya?ml|Kustomization)$/;

/**
 * Finds the images in a YAML file of one or more documents: Kubernetes objects and Lists, Kustomize
 * kustomizations, Compose files. A malformed document is reported as a problem and its images are
 * left out (it cannot be rewritten safely); the other documents are still scanned. So is a document
 * over one of the bounds of `options.limits` (see {@link boundYaml}); a file over the byte bound is
 * not parsed at all.
 */
export function scanYaml(file: string, text: string, options: ScanOptions = {}): ScannedFile {
  const limits = limitsOf(options);
  if (text.length > limits.maxBytes) return oversizedFile(file, Buffer.byteLength(text), false, limits);
  const bounded = boundYaml(text, limits);
  const lines = new LineCounter();
  const documents = parseAllDocuments(bounded.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const scanned = scanDocuments(file, text, Array.isArray(documents) ? documents : [], lines, options);
  for (const { offset, message } of bounded.problems) {
    const { line, col } = lines.linePos(offset);
    scanned.problems.push({ file, line, column: col, message });
  }
  return scanned;
}

/** {@link scanYaml} of documents already parsed from `text` (with `lines` as their line counter). */
export function scanDocuments(
  file: string,
  text: string,
  documents: Document.Parsed[],
  lines: LineCounter,
  options: ScanOptions = {},
): ScannedFile {
  const collector = new ImageCollector(file, text, splitLines(text));
  const problems: ManifestProblem[] = [];
  let format: ScannedFile["format"] = "kubernetes";
  for (const document of documents) {
    if (document.errors.length > 0) {
      const error = document.errors[0]!;
      const { line, col } = lines.linePos(yamlErrorOffset(document, error));
      problems.push({ file, line, column: col, message: `malformed YAML document: ${error.message.split("\n")[0]}` });
      continue;
    }
    const root = document.contents as Node | null;
    if (!isMap(root)) continue;
    const context: YamlContext = { document, lines };
    if (childString(context, root, "kind") !== undefined) {
      scanKubernetesObject(context, root, collector, options.customKinds ?? []);
    } else if (kustomizationFile.test(file)) {
      format = "kustomization";
      scanKustomization(context, root, collector, { format, kind: "Kustomization", ignored: [] });
    } else if (looksLikeCompose(context, root)) {
      format = "compose";
      scanCompose(context, root, collector);
    }
  }
  return {
    file,
    text,
    format,
    images: collector.images,
    problems,
    ...(collector.notices.length > 0 ? { notices: collector.notices } : {}),
  };
}

/**
 * Where to report a YAML error. The parser notices an unclosed flow collection (`image: [a`) or
 * quoted scalar only where the next block starts (often the following `---`), so for those the
 * offset is the start of the node that is still open when the error is raised: the line to fix.
 */
export function yamlErrorOffset(document: Document.Parsed, error: YAMLError): number {
  const at = error.pos[0];
  const unclosed =
    error.code === "MISSING_CHAR" || (error.code === "BAD_INDENT" && /^Flow (sequence|map)/.test(error.message));
  if (!unclosed) return at;
  let start: number | undefined;
  visit(document, {
    Node(_key, node) {
      const open =
        (isCollection(node) && node.flow) ||
        (isScalar(node) && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE"));
      // The innermost open node ends where the error is; it started last.
      if (
        open &&
        node.range &&
        node.range[0] < at &&
        node.range[1] >= at &&
        (start === undefined || node.range[0] > start)
      )
        start = node.range[0];
    },
  });
  return start ?? at;
}
