import { isImagepinError } from "../errors.js";
import { parseReference, type ImageReference } from "../reference/index.js";
import { isEmptyCredential, type Keychain } from "./types.js";

/** One credential that would be tried, as `imagepin auth which` shows it: never the secret. */
export interface CandidateDescription {
  /** Where it comes from (`pull-secret:FILE#namespace/name`, `docker-config:PATH`, `cred-helper:NAME (PATH)`). */
  source: string;
  /** The config key that matched. */
  key: string;
  /** The user name, or null for token-only credentials (and helpers that were not run). */
  username: string | null;
  /** Why a credential helper could not answer; the candidate would be skipped. */
  error?: { code: string; message: string };
}

/** Options of {@link describeCandidates}. */
export interface DescribeCandidatesOptions {
  /**
   * Run credential helpers to learn their user names and to leave out those that have nothing
   * for the registry; default true. When false, helper candidates are listed with a null user name.
   */
  runHelpers?: boolean;
}

/**
 * Lists the credentials the keychain would try for an image, in order, without any secret: what
 * `imagepin auth which` prints. Candidates whose helper answers "credentials not found" are left
 * out, as the registry client would skip them; a helper that fails is listed with its error.
 *
 * @throws InvalidReferenceError when `image` is a string that is not a valid reference.
 */
export async function describeCandidates(
  keychain: Keychain,
  image: string | ImageReference,
  options: DescribeCandidatesOptions = {},
): Promise<CandidateDescription[]> {
  const reference = typeof image === "string" ? parseReference(image) : image;
  const descriptions: CandidateDescription[] = [];
  for (const candidate of await keychain.candidates(reference.domain, reference.path)) {
    const base = { source: candidate.source, key: candidate.key };
    if (candidate.username !== undefined) {
      descriptions.push({ ...base, username: candidate.username });
      continue;
    }
    if (options.runHelpers === false) {
      descriptions.push({ ...base, username: null });
      continue;
    }
    try {
      const credential = await candidate.get();
      if (isEmptyCredential(credential)) continue;
      descriptions.push({ ...base, username: credential.username || null });
    } catch (error) {
      if (!isImagepinError(error)) throw error;
      descriptions.push({ ...base, username: null, error: { code: error.code, message: error.message } });
    }
  }
  return descriptions;
}
