import type { Expansion } from "./interpolation.js";
import type { ManifestLimits } from "./limits.js";

/** Which kind of file an image was found in. */
export type ManifestFormat = "kubernetes" | "kustomization" | "compose" | "dockerfile";

/**
 * How the image value is written, so a rewrite can keep the style: a YAML plain, single- or
 * double-quoted scalar, or `raw` text written as is (a Dockerfile word, one line of a block scalar).
 */
export type ScalarStyle = "plain" | "single" | "double" | "raw";

/**
 * Where the pinned value goes. `replace`: the characters `start..end` of the file text are the image
 * value as written (quotes included). `kustomize-digest`: a `digest:` field is added to a Kustomize
 * `images:` entry (or its existing `digest:` value at `start..end` is replaced).
 */
export type ImageSlot =
  | { kind: "replace"; start: number; end: number; style: ScalarStyle; yaml?: PlainContext }
  | { kind: "kustomize-digest"; entry: KustomizeEntrySlot };

/**
 * Where a plain YAML scalar sits, so a new value stays plain when YAML 1.2 allows it there (`flow`: inside
 * `[…]` or `{…}`), and which quote the file uses when it must be quoted.
 */
export interface PlainContext {
  flow: boolean;
  quote: "single" | "double";
}

/** What the rewrite needs to add `digest:` to one Kustomize `images:` entry. */
export interface KustomizeEntrySlot {
  /** Offset just after the entry's last value (block style) or before its closing `}` (flow style). */
  insertAt: number;
  /** `block`: a new line with `indent` spaces; `flow`: `, digest: …` before the brace. */
  layout: "block" | "flow";
  indent: number;
  /** The line ending used where the new line goes (`\n` or `\r\n`). */
  eol: string;
  /** The existing `digest:` value, when there is one. */
  existing?: { start: number; end: number; style: ScalarStyle };
  /** The `newTag: …` pair (key to value), which `--no-keep-tag` replaces by the `digest:` pair. */
  tagPair?: { start: number; end: number };
}

/** One image found in a file, with everything lint, pin and verify report about it. */
export interface FoundImage {
  file: string;
  /** 1-based position of the image value. */
  line: number;
  column: number;
  format: ManifestFormat;
  /** The object's kind (`Deployment`), `Kustomization`, `ComposeService` or `Dockerfile`. */
  kind: string;
  namespace?: string;
  /** The object's metadata.name, the Compose service, or the Dockerfile stage. */
  name?: string;
  /** The container (or volume) the image belongs to. */
  container?: string;
  /** The effective image reference as text (ARG defaults substituted, Kustomize fields joined). */
  image: string;
  /**
   * The image as written, when that differs from `image` (a Dockerfile `FROM nginx:${TAG}`): a pin or
   * an update is written onto this text, so the ARG stays in the file.
   */
  written?: string;
  /**
   * The value parsed into literal and `${…}` parts with what each expanded to (Compose interpolation,
   * Dockerfile ARGs), when it has variables: pins and updates are written on this structure.
   */
  expansion?: Expansion;
  /** `imagePullPolicy` as written, when there is one. */
  pullPolicy?: string;
  /** `--platform` of a Dockerfile FROM, as written. */
  platform?: string;
  /** Rules suppressed for this image by annotation or comment; `*` means all. */
  ignored: ReadonlySet<string>;
  /** Where a pinned value is written; absent when the value cannot be rewritten in place. */
  slot?: ImageSlot;
  /** Why the value cannot be rewritten (ARG substitution, block scalar, …). */
  notRewritable?: string;
  /**
   * Set when the value is present but not a non-empty string (`image:` left empty, `image: 1.25`, a
   * list): the kubelet refuses it, so it is an invalid reference whatever `image` would parse as.
   */
  invalid?: string;
  /**
   * Set when the image comes from a variable nobody gives a value before run time (`image: $IMAGE`,
   * `FROM ${BASE}` without a default, a `{IMAGE}` template): it is unknown, not invalid, and never pinned.
   * The text says which variables.
   */
  fromVariable?: string;
}

/** A document or line that could not be read; the rest of the file is still scanned. */
export interface ManifestProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/**
 * Something the scanner saw that would otherwise pass in silence (a container without an image, a kind
 * it does not know that holds a pod template, an ignore comment Docker reads as arguments). Lint reports
 * it under `rule`; it does not stop a file from being pinned.
 */
export interface ManifestNotice {
  file: string;
  line: number;
  column: number;
  /** The lint rule it is reported under (`image-missing`, `unknown-kind`, `dockerfile-inline-ignore`). */
  rule: string;
  message: string;
  kind?: string;
  namespace?: string;
  name?: string;
  container?: string;
  /** Rules suppressed where the notice is (annotation, comment). */
  ignored?: ReadonlySet<string>;
}

/** The result of scanning one file. */
export interface ScannedFile {
  file: string;
  text: string;
  format: ManifestFormat;
  images: FoundImage[];
  problems: ManifestProblem[];
  /** What lint reports beside the images (absent when there is nothing). */
  notices?: ManifestNotice[];
}

/** Teaches the scanner where other kinds keep their pod templates and images. */
export interface CustomKind {
  kind: string;
  /** Matches any apiVersion when absent. */
  apiVersion?: string;
  /**
   * Dotted paths to pod templates or pod specs (`spec.template`, `spec.jobTemplate.spec.template`),
   * or to image fields (`spec.image`); `[]` walks every item of a list (`spec.workers[].template`).
   */
  paths: string[];
}

/** Options of scanning. */
export interface ScanOptions {
  customKinds?: CustomKind[];
  /** Bounds on the work per file; each one left out is the default (`defaultManifestLimits`). */
  limits?: Partial<ManifestLimits>;
}
