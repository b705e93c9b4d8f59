// Seeds a registry through the distribution API the way a real client pushes: blobs by the two-step
// upload (POST for a session, PUT to its Location with the digest; distribution 2.8 has no single-request
// upload), then the manifest with its media type. Images are small but real: a gzip'd empty tar layer
// and a config whose platform and labels make each seed's digest distinct.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { Agent, request, type Dispatcher } from "undici";

const run = promisify(execFile);

/** An OS/architecture pair, as in an image index. */
export interface SeedPlatform {
  os: string;
  architecture: string;
  variant?: string;
}

/** Where to push. */
export interface SeedTarget {
  /** `http(s)://127.0.0.1:PORT`. */
  url: string;
  /** A whole Authorization header value (`Basic …`, `Bearer …`). */
  authorization?: string;
  /** CA that signed the registry's certificate. */
  caFile?: string;
}

/** A manifest as pushed. */
export interface PushedManifest {
  digest: string;
  mediaType: string;
  size: number;
  bytes: Buffer;
}

export const mediaTypes = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayer: "application/vnd.oci.image.layer.v1.tar+gzip",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayer: "application/vnd.docker.image.rootfs.diff.tar.gzip",
} as const;

const sha256 = (data: Buffer): string => `sha256:${createHash("sha256").update(data).digest("hex")}`;
const dispatchers = new Map<string, Dispatcher>();

function dispatcherFor(target: SeedTarget): Dispatcher | undefined {
  if (!target.caFile) return undefined;
  let dispatcher = dispatchers.get(target.caFile);
  if (!dispatcher) {
    dispatcher = new Agent({ connect: { ca: readFileSync(target.caFile, "utf8") } });
    dispatchers.set(target.caFile, dispatcher);
  }
  return dispatcher;
}

async function call(
  target: SeedTarget,
  method: "POST" | "PUT" | "HEAD",
  url: string,
  body?: Buffer,
  contentType?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const headers: Record<string, string> = {};
  if (target.authorization) headers.authorization = target.authorization;
  if (contentType) headers["content-type"] = contentType;
  const dispatcher = dispatcherFor(target);
  const response = await request(url, { method, headers, body: body ?? null, ...(dispatcher ? { dispatcher } : {}) });
  const text = method === "HEAD" ? "" : await response.body.text();
  if (method === "HEAD") await response.body.dump();
  if (response.statusCode >= 300 && !(method === "HEAD" && response.statusCode === 404)) {
    throw new Error(`seed: ${method} ${url} answered ${response.statusCode}: ${text.slice(0, 300)}`);
  }
  return { status: response.statusCode, headers: response.headers };
}

/** Pushes one blob unless the repository has it. Returns its digest. */
export async function pushBlob(target: SeedTarget, repository: string, data: Buffer): Promise<string> {
  const digest = sha256(data);
  const existing = await call(target, "HEAD", `${target.url}/v2/${repository}/blobs/${digest}`);
  if (existing.status === 200) return digest;
  const session = await call(target, "POST", `${target.url}/v2/${repository}/blobs/uploads/`);
  const location = String(session.headers.location ?? "");
  if (!location) throw new Error("seed: upload session without a Location");
  const upload = new URL(location, target.url);
  upload.searchParams.set("digest", digest);
  await call(target, "PUT", upload.toString(), data, "application/octet-stream");
  return digest;
}

/** Puts a manifest under `reference` (a tag or its digest) and returns it as pushed. */
export async function pushManifest(
  target: SeedTarget,
  repository: string,
  reference: string,
  manifest: object,
  mediaType: string,
): Promise<PushedManifest> {
  const bytes = Buffer.from(JSON.stringify(manifest, null, 2));
  const digest = sha256(bytes);
  await call(target, "PUT", `${target.url}/v2/${repository}/manifests/${reference || digest}`, bytes, mediaType);
  return { digest, mediaType, size: bytes.length, bytes };
}

// One empty tar (two zero blocks), gzip'd: a valid layer that costs nothing to store.
const emptyLayer = gzipSync(Buffer.alloc(1024));

/** Options of {@link pushImage}. */
export interface PushImageOptions {
  /** Makes the image distinct: pushing the same tag with another seed "moves" the tag. Default: repository and tag. */
  seed?: string;
  platform?: SeedPlatform;
  /** OCI (default) or Docker schema 2 media types. */
  format?: "oci" | "docker";
}

/**
 * Pushes a single-platform image (config, one layer, manifest) and tags it, or pushes it by digest only
 * when `tag` is undefined.
 */
export async function pushImage(
  target: SeedTarget,
  repository: string,
  tag: string | undefined,
  options: PushImageOptions = {},
): Promise<PushedManifest> {
  const platform = options.platform ?? { os: "linux", architecture: "amd64" };
  const docker = options.format === "docker";
  const config = Buffer.from(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      config: { Labels: { "org.imagepin.seed": options.seed ?? `${repository}:${tag ?? "untagged"}` } },
      rootfs: { type: "layers", diff_ids: [sha256(Buffer.alloc(1024))] },
    }),
  );
  const configDigest = await pushBlob(target, repository, config);
  const layerDigest = await pushBlob(target, repository, emptyLayer);
  const manifest = {
    schemaVersion: 2,
    mediaType: docker ? mediaTypes.dockerManifest : mediaTypes.ociManifest,
    config: {
      mediaType: docker ? mediaTypes.dockerConfig : mediaTypes.ociConfig,
      digest: configDigest,
      size: config.length,
    },
    layers: [
      {
        mediaType: docker ? mediaTypes.dockerLayer : mediaTypes.ociLayer,
        digest: layerDigest,
        size: emptyLayer.length,
      },
    ],
  };
  return pushManifest(target, repository, tag ?? "", manifest, manifest.mediaType);
}

/** A pushed index and the platform manifests it lists. */
export interface PushedIndex extends PushedManifest {
  manifests: { digest: string; platform: SeedPlatform }[];
}

/** Pushes one image per platform (by digest), then an index (OCI) or manifest list (Docker) tagged `tag`. */
export async function pushIndex(
  target: SeedTarget,
  repository: string,
  tag: string,
  platforms: SeedPlatform[],
  options: { seed?: string; format?: "oci" | "docker" } = {},
): Promise<PushedIndex> {
  const docker = options.format === "docker";
  const manifests: { digest: string; platform: SeedPlatform; mediaType: string; size: number }[] = [];
  for (const platform of platforms) {
    const seed = `${options.seed ?? `${repository}:${tag}`}/${platform.os}/${platform.architecture}/${platform.variant ?? ""}`;
    const pushed = await pushImage(target, repository, undefined, { seed, platform, format: options.format ?? "oci" });
    manifests.push({ digest: pushed.digest, platform, mediaType: pushed.mediaType, size: pushed.size });
  }
  const index = {
    schemaVersion: 2,
    mediaType: docker ? mediaTypes.dockerList : mediaTypes.ociIndex,
    manifests: manifests.map((m) => ({ mediaType: m.mediaType, digest: m.digest, size: m.size, platform: m.platform })),
  };
  const pushed = await pushManifest(target, repository, tag, index, index.mediaType);
  return { ...pushed, manifests: manifests.map(({ digest, platform }) => ({ digest, platform })) };
}

/** Options of the skopeo cross-checks. */
export interface SkopeoOptions {
  /** Verify TLS (default false: the test registries are http or use a test CA). */
  tlsVerify?: boolean;
  /** `user:password`. */
  creds?: string;
  /** Directory with the CA certificate (`*.crt`) for TLS verification. */
  certDir?: string;
}

function skopeoArgs(options: SkopeoOptions): string[] {
  const args = [`--tls-verify=${options.tlsVerify ?? false}`];
  if (options.creds) args.push("--creds", options.creds);
  if (options.certDir) args.push("--cert-dir", options.certDir);
  return args;
}

/**
 * The digest skopeo sees for `reference` (`127.0.0.1:PORT/repo:tag`): sha256 of the exact manifest bytes
 * skopeo fetched (`inspect --raw`), which is what a tag resolves to, index or not.
 */
export async function skopeoDigest(reference: string, options: SkopeoOptions = {}): Promise<string> {
  const { stdout } = await run("skopeo", ["inspect", "--raw", ...skopeoArgs(options), `docker://${reference}`], {
    encoding: "buffer",
    maxBuffer: 4 << 20,
  });
  return sha256(stdout);
}

/**
 * The digest of the platform manifest skopeo picks for `os/arch[/variant]` out of an index: skopeo
 * copies that one image into a `dir:` layout, and the sha256 of the manifest it wrote is the digest
 * (`inspect` would report the index's own digest).
 */
export async function skopeoPlatformDigest(
  reference: string,
  platform: SeedPlatform,
  options: SkopeoOptions = {},
): Promise<string> {
  const args = ["--override-os", platform.os, "--override-arch", platform.architecture];
  if (platform.variant) args.push("--override-variant", platform.variant);
  const dir = mkdtempSync(join(tmpdir(), "imagepin-skopeo-"));
  try {
    const tls = skopeoArgs(options).map((arg) =>
      arg
        .replace(/^--tls-verify/, "--src-tls-verify")
        .replace(/^--creds$/, "--src-creds")
        .replace(/^--cert-dir$/, "--src-cert-dir"),
    );
    await run("skopeo", [...args, "copy", "--quiet", ...tls, `docker://${reference}`, `dir:${dir}`]);
    return sha256(readFileSync(join(dir, "manifest.json")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
