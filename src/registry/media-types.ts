/** Media types of the manifests a tag can name (OCI image spec, Docker image manifest v2). */
export const mediaTypes = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
} as const;

/**
 * The Accept header of every manifest request. It is not optional: distribution 2.8 converts a Docker
 * schema 2 manifest to a signed schema 1 (another digest) for a client that does not list schema 2,
 * and answers 404 for OCI content to a client that does not list the OCI types.
 */
export const manifestAccept = [
  mediaTypes.ociIndex,
  mediaTypes.ociManifest,
  mediaTypes.dockerManifestList,
  mediaTypes.dockerManifest,
].join(", ");

const known: ReadonlySet<string> = new Set(Object.values(mediaTypes));

/** The media type without parameters (`; charset=…`), lower-cased. */
export function bareMediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/** True for the four manifest media types imagepin resolves. */
export function isManifestMediaType(mediaType: string): boolean {
  return known.has(mediaType);
}

/** True for an OCI image index or a Docker manifest list: a list of per-platform manifests. */
export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === mediaTypes.ociIndex || mediaType === mediaTypes.dockerManifestList;
}
