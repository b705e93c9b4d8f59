import { basename } from "node:path";
import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { ImagepinError } from "../errors.js";
import { scanDockerfile } from "./dockerfile.js";
import { limitsOf, oversizedFile } from "./limits.js";
import type { CustomKind, ScanOptions, ScannedFile } from "./types.js";
import { scanYaml, yamlErrorOffset } from "./yaml-scan.js";

/** Dockerfile, Containerfile, Dockerfile.dev, app.Dockerfile. */
export function isDockerfileName(path: string): boolean {
  const name = basename(path);
  return /^(Dockerfile|Containerfile)(\..+)?$/i.test(name) || /\.(dockerfile|containerfile)$/i.test(name);
}

/** YAML files, which covers Kubernetes, Kustomize and Compose files. */
export function isYamlName(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/**
 * True for text that starts (after blank lines, comments and parser directives) with a Dockerfile
 * `FROM` or `ARG` instruction: standard input has no name to tell. As YAML such a text would be one
 * plain string, never a manifest, so nothing YAML is taken for a Dockerfile.
 */
export function looksLikeDockerfile(text: string): boolean {
  const first = text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .find((line) => line.trim() !== "" && !line.trim().startsWith("#"));
  return first !== undefined && /^\s*(FROM|ARG)\s+\S/i.test(first) && !/^\s*(FROM|ARG)\s*:/i.test(first);
}

/**
 * Finds the images of one file's text; the kind of file is told by its name (YAML unless a Dockerfile),
 * and for standard input (`-`) by its first instruction.
 */
export function scanText(file: string, text: string, options: ScanOptions = {}): ScannedFile {
  const limits = limitsOf(options);
  const dockerfile = file === "-" ? looksLikeDockerfile(text) : isDockerfileName(file);
  // Bytes only matter past the bound, and UTF-8 never has fewer bytes than UTF-16 code units.
  if (
    text.length > limits.maxBytes ||
    (text.length * 3 > limits.maxBytes && Buffer.byteLength(text) > limits.maxBytes)
  ) {
    return oversizedFile(file, Buffer.byteLength(text), dockerfile, limits);
  }
  return dockerfile ? scanDockerfile(file, text) : scanYaml(file, text, options);
}

/**
 * Reads a custom-kinds config (YAML or JSON):
 * `kinds: [{kind: Rollout, apiVersion: argoproj.io/v1alpha1, paths: [spec.template]}]`.
 * @throws ImagepinError `invalid-config` naming what is wrong at `file:line:col`.
 */
export function parseCustomKinds(text: string, file: string): CustomKind[] {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
  const syntax = document.errors[0];
  if (syntax)
    throw new ImagepinError("invalid-config", `not valid YAML: ${syntax.message.split("\n")[0]}`, {
      location: at(yamlErrorOffset(document, syntax)),
      cause: syntax,
    });
  const root = document.contents;
  const kinds = isMap(root) ? root.get("kinds", true) : undefined;
  if (!isSeq(kinds)) {
    const node = (kinds ?? root) as Node | null | undefined;
    throw new ImagepinError("invalid-config", "expected `kinds:`, a list of {kind, apiVersion?, paths}", {
      location: at(node?.range?.[0] ?? 0),
    });
  }
  return kinds.items.map((node, index) => {
    const { kind, apiVersion, paths } = (isMap(node) ? node.toJSON() : {}) as Record<string, unknown>;
    const valid =
      typeof kind === "string" &&
      (apiVersion === undefined || typeof apiVersion === "string") &&
      Array.isArray(paths) &&
      paths.every((path) => typeof path === "string");
    if (!valid) {
      const offset = (node as Node | null)?.range?.[0] ?? kinds.range?.[0] ?? 0;
      throw new ImagepinError(
        "invalid-config",
        `kinds[${index}] needs kind (string), paths (list of strings) and optionally apiVersion`,
        { location: at(offset) },
      );
    }
    return { kind, apiVersion, paths } as CustomKind;
  });
}
