import { validateDigest } from "./digest.js";
import { InvalidReferenceError } from "./errors.js";
import {
  domainPattern,
  hexIdentifierPattern,
  digestShapePattern,
  maxPathLength,
  pathPattern,
  tagPattern,
} from "./grammar.js";
import { quote } from "./quote.js";

/** Docker Hub's canonical domain in references. */
export const dockerHubDomain = "docker.io";
/** The legacy name of Docker Hub ("the Docker Index"), normalized to {@link dockerHubDomain}. */
export const legacyDockerHubDomain = "index.docker.io";
/** The host that serves Docker Hub's distribution API. */
export const dockerHubApiHost = "registry-1.docker.io";
/** The namespace of Docker Hub's official images. */
const officialNamespace = "library/";
const defaultTag = "latest";

/**
 * A parsed, normalized image reference: `domain/path[:tag][@digest]`.
 *
 * Immutable; the `with*` methods return new references. `domain` is never empty (Docker Hub names
 * are normalized to `docker.io`, and its official images to `library/…`).
 */
export class ImageReference {
  // A true private field: invisible to equality checks and JSON, so a reference stays a plain value.
  #normalized: string | undefined;

  private constructor(
    /** Registry host and optional port, as written (`docker.io`, `localhost:5000`, `[::1]:5000`). */
    readonly domain: string,
    /** Repository path inside the registry (`library/nginx`). */
    readonly path: string,
    /** The tag as written, or undefined when the input had none. */
    readonly tag: string | undefined,
    /** `algorithm:hex`, or undefined when the input had none. */
    readonly digest: string | undefined,
  ) {}

  /** @internal Builds a reference from parts that have already been validated. */
  static fromValidatedParts(domain: string, path: string, tag?: string, digest?: string): ImageReference {
    return new ImageReference(domain, path, tag, digest);
  }

  /** `domain/path`: the repository, without tag or digest. */
  get name(): string {
    return `${this.domain}/${this.path}`;
  }

  /** The host to send distribution API requests to (`registry-1.docker.io` for Docker Hub). */
  get registryHost(): string {
    return this.domain === dockerHubDomain ? dockerHubApiHost : this.domain;
  }

  /** The tag to resolve: the written one, or `latest` when neither tag nor digest was given. */
  get effectiveTag(): string | undefined {
    return this.tag ?? (this.digest === undefined ? defaultTag : undefined);
  }

  /** True when the reference selects an image by digest. */
  get isPinned(): boolean {
    return this.digest !== undefined;
  }

  /**
   * The fully qualified form: `docker.io/library/nginx:latest` for `nginx`. The tag `latest` is
   * added only when the input had neither tag nor digest.
   */
  get normalized(): string {
    // Kept once computed: the webhook keys its maps and caches by it several times per review (issue 16).
    if (this.#normalized === undefined) {
      const tag = this.effectiveTag;
      this.#normalized =
        this.name + (tag !== undefined ? `:${tag}` : "") + (this.digest !== undefined ? `@${this.digest}` : "");
    }
    return this.#normalized;
  }

  /**
   * The short form Docker shows: `nginx`, `user/app:1`, `localhost:5000/app`. Adds no tag the
   * input did not have.
   */
  get familiar(): string {
    return (
      this.familiarName +
      (this.tag !== undefined ? `:${this.tag}` : "") +
      (this.digest !== undefined ? `@${this.digest}` : "")
    );
  }

  /** The repository in familiar form: `nginx`, `user/app`, `quay.io/org/app`. */
  get familiarName(): string {
    if (this.domain !== dockerHubDomain) return this.name;
    if (this.path.startsWith(officialNamespace)) {
      const rest = this.path.slice(officialNamespace.length);
      // Official images have no nested namespaces; library/a/b keeps its prefix.
      if (!rest.includes("/")) return rest;
    }
    return this.path;
  }

  /** The key that identifies the repository across tags and digests (`docker.io/library/nginx`). */
  get repositoryKey(): string {
    return this.name;
  }

  /** The same repository and digest with another tag. @throws InvalidReferenceError `invalid-format`. */
  withTag(tag: string): ImageReference {
    if (!tagPattern.test(tag)) {
      throw new InvalidReferenceError("invalid-format", tag, `invalid tag ${quote(tag)}`);
    }
    return new ImageReference(this.domain, this.path, tag, this.digest);
  }

  /** The same repository and tag with a digest. @throws InvalidReferenceError on a bad digest. */
  withDigest(digest: string): ImageReference {
    return new ImageReference(this.domain, this.path, this.tag, validateDigest(digest));
  }

  /** The same reference without its tag. */
  withoutTag(): ImageReference {
    return new ImageReference(this.domain, this.path, undefined, this.digest);
  }

  /** The same reference without its digest. */
  withoutDigest(): ImageReference {
    return new ImageReference(this.domain, this.path, this.tag, undefined);
  }

  /** True when both name the same repository, tag and digest (`nginx` equals `docker.io/library/nginx:latest`). */
  equals(other: ImageReference): boolean {
    return this.normalized === other.normalized;
  }

  /** The normalized form. */
  toString(): string {
    return this.normalized;
  }

  toJSON(): string {
    return this.normalized;
  }
}

/**
 * Parses an image reference the way Docker, containerd and the kubelet do (distribution/reference's
 * `ParseNormalizedNamed`), normalizing Docker Hub names.
 *
 * The first `/`-separated part is a registry domain when it contains `.` or `:`, is `localhost`,
 * or has upper-case letters (repository paths are lowercase, so it cannot be one); otherwise the
 * name is on Docker Hub. `index.docker.io` becomes `docker.io`, and a single-component Docker Hub
 * name gets `library/`.
 *
 * @throws InvalidReferenceError with code `empty`, `invalid-format`, `name-contains-uppercase`,
 *   `name-too-long`, `invalid-digest`, `unsupported-digest-algorithm` or `hex-identifier-name`.
 */
export function parseReference(input: string): ImageReference {
  if (typeof input !== "string") {
    throw new InvalidReferenceError("invalid-format", String(input), "an image reference must be a string");
  }
  if (input === "") throw new InvalidReferenceError("empty", input, "image reference is empty");
  if (hexIdentifierPattern.test(input)) {
    throw new InvalidReferenceError(
      "hex-identifier-name",
      input,
      `invalid reference ${quote(input)}: a 64-character hex string is an image id, not a repository name`,
    );
  }

  const at = input.indexOf("@");
  const beforeDigest = at === -1 ? input : input.slice(0, at);
  const digest = at === -1 ? undefined : input.slice(at + 1);

  const [domain, remainder, writtenPathStart] = splitDomain(beforeDigest);
  const lastSlash = remainder.lastIndexOf("/");
  const tagColon = remainder.indexOf(":", lastSlash + 1);
  const path = tagColon === -1 ? remainder : remainder.slice(0, tagColon);
  const tag = tagColon === -1 ? undefined : remainder.slice(tagColon + 1);

  const invalid = (why: string) =>
    new InvalidReferenceError("invalid-format", input, `invalid reference ${quote(input)}: ${why}`);

  if (!domainPattern.test(domain)) throw invalid(`registry ${quote(domain)} is not a valid host[:port]`);
  if (path !== path.toLowerCase()) {
    throw new InvalidReferenceError(
      "name-contains-uppercase",
      input,
      `invalid reference ${quote(input)}: repository name ${quote(path.slice(writtenPathStart))} must be lowercase`,
      { hint: `use ${quote(path.slice(writtenPathStart).toLowerCase())}` },
    );
  }
  if (!pathPattern.test(path)) {
    throw invalid(
      `repository name ${quote(path)} must be lowercase letters, digits and single separators (. _ __ -) between /-separated parts`,
    );
  }
  if (tag !== undefined && !tagPattern.test(tag)) {
    throw invalid(`tag ${quote(tag)} must be 1 to 128 letters, digits, _ . or -, not starting with . or -`);
  }
  if (digest !== undefined && !digestShapePattern.test(digest))
    throw invalid(`digest ${quote(digest)} is not algorithm:hex`);
  if (path.length > maxPathLength) {
    throw new InvalidReferenceError(
      "name-too-long",
      input,
      `invalid reference ${quote(input)}: repository name is ${path.length} characters, at most ${maxPathLength} are allowed`,
    );
  }
  if (digest !== undefined) validateDigest(digest, input);
  return ImageReference.fromValidatedParts(domain, path, tag, digest);
}

/**
 * Splits `[domain/]rest` by distribution's rule and normalizes Docker Hub; returns the domain, the
 * rest (path with tag), and where the path as written starts in it (after an added `library/`).
 */
function splitDomain(name: string): [string, string, number] {
  const slash = name.indexOf("/");
  if (slash === -1) return [dockerHubDomain, officialNamespace + name, officialNamespace.length];
  const first = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain: string;
  let remainder: string;
  if (first === legacyDockerHubDomain) {
    [domain, remainder] = [dockerHubDomain, rest];
  } else if (first === "localhost" || first.includes(".") || first.includes(":") || first !== first.toLowerCase()) {
    [domain, remainder] = [first, rest];
  } else {
    [domain, remainder] = [dockerHubDomain, name];
  }
  if (domain === dockerHubDomain && !remainder.includes("/"))
    return [domain, officialNamespace + remainder, officialNamespace.length];
  return [domain, remainder, 0];
}

/** Parses like {@link parseReference} but returns the error instead of throwing it. */
export function tryParseReference(input: string): ImageReference | InvalidReferenceError {
  try {
    return parseReference(input);
  } catch (error) {
    if (error instanceof InvalidReferenceError) return error;
    throw error;
  }
}

/** True when `tag` is a valid tag. */
export function isValidTag(tag: string): boolean {
  return tagPattern.test(tag);
}
