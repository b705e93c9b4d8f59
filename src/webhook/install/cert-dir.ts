import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ImagepinError } from "../../errors.js";
import { writeFileAtomic } from "../../internal/atomic-write.js";
import { describeFsError } from "../../internal/fs-errors.js";
import {
  generateServingCertificates,
  issueServingCertificate,
  servingCertificateProblem,
  type ServingCertificates,
} from "./certs.js";

/** The files of a `--self-signed DIR`, by the field of {@link ServingCertificates} they hold. */
export const certificateFiles = {
  caCert: "ca.crt",
  caKey: "ca.key",
  cert: "tls.crt",
  key: "tls.key",
} as const satisfies Record<keyof ServingCertificates, string>;

/** What {@link selfSignedCertificates} did with the directory. */
export interface CertificateDirectory {
  certificates: ServingCertificates;
  /** `created`: a new CA and certificate; `reused`: all four files as they were; `reissued`: the CA kept, a new serving certificate. */
  action: "created" | "reused" | "reissued";
  /** Why the serving certificate was re-issued (`it does not name imagepin-webhook.other.svc`). */
  reason?: string;
}

/** The DNS names the API server may use for a Service: short, namespaced, `.svc` and the cluster domain. */
export function serviceDnsNames(name: string, namespace: string): string[] {
  return [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
}

/**
 * The certificates of `imagepin webhook manifests --self-signed DIR`. A directory without them gets a
 * new CA and serving certificate. An existing CA is always kept, so the `caBundle` of an installed
 * webhook stays valid; its serving certificate is kept too unless it no longer fits (names other than
 * the Service's, not signed by the CA, or expiring within 30 days), in which case a new one is issued
 * from the same CA (issue 11: reusing a certificate for another namespace made the API server's TLS
 * check fail, and under `failurePolicy: Ignore` every Pod was admitted unpinned). Files are written
 * atomically, keys with mode 0600.
 *
 * @throws ImagepinError `invalid-option` when the directory holds some of the files but not the CA
 *   pair, or a file cannot be read or written.
 */
export async function selfSignedCertificates(
  dir: string,
  dnsNames: string[],
  now = new Date(),
): Promise<CertificateDirectory> {
  const paths = Object.fromEntries(
    Object.entries(certificateFiles).map(([field, file]) => [field, join(dir, file)]),
  ) as Record<keyof ServingCertificates, string>;
  const present = (field: keyof ServingCertificates) => existsSync(paths[field]);
  if (!present("caCert") || !present("caKey")) {
    const strays = Object.values(certificateFiles).filter((_, index) =>
      existsSync(Object.values(paths)[index] as string),
    );
    if (strays.length > 0)
      throw new ImagepinError(
        "invalid-option",
        `${dir} holds ${strays.join(" and ")} but not the CA (ca.crt and ca.key)`,
        { hint: "remove the directory to start over with a new CA, or restore ca.crt and ca.key" },
      );
    const certificates = generateServingCertificates({ dnsNames, now });
    await writeAll(dir, paths, certificates, Object.keys(certificateFiles) as (keyof ServingCertificates)[]);
    return { certificates, action: "created" };
  }
  const read = async (field: keyof ServingCertificates) =>
    readFile(paths[field], "utf8").catch((error: unknown) => {
      throw new ImagepinError("invalid-option", `cannot read ${paths[field]}: ${describeFsError(error)}`, {
        cause: error,
      });
    });
  const ca = { caCert: await read("caCert"), caKey: await read("caKey") };
  const current = present("cert") && present("key") ? { cert: await read("cert"), key: await read("key") } : undefined;
  const reason = current ? servingProblem(current.cert, ca.caCert, dnsNames, now, paths.cert) : "there is none";
  if (current && reason === undefined) return { certificates: { ...ca, ...current }, action: "reused" };
  let serving;
  try {
    serving = issueServingCertificate(ca, { dnsNames, now });
  } catch (error) {
    throw new ImagepinError(
      "invalid-option",
      `cannot issue a certificate with the CA in ${dir}: ${(error as Error).message}`,
      { cause: error, hint: "ca.crt and ca.key must be a PEM certificate and its RSA key" },
    );
  }
  const certificates = { ...ca, ...serving };
  await writeAll(dir, paths, certificates, ["cert", "key"]);
  return { certificates, action: "reissued", reason: reason ?? "" };
}

function servingProblem(cert: string, caCert: string, dnsNames: string[], now: Date, path: string): string | undefined {
  try {
    return servingCertificateProblem(cert, caCert, { dnsNames, now });
  } catch (error) {
    // An unparsable tls.crt is as unusable as one for other names; ca.crt itself is checked by signing with it.
    return `${path} cannot be read as a certificate (${(error as Error).message})`;
  }
}

async function writeAll(
  dir: string,
  paths: Record<keyof ServingCertificates, string>,
  certificates: ServingCertificates,
  fields: (keyof ServingCertificates)[],
): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    for (const field of fields)
      await writeFileAtomic(paths[field], certificates[field], {
        mode: field === "caKey" || field === "key" ? 0o600 : 0o644,
      });
  } catch (error) {
    throw new ImagepinError("invalid-option", `cannot write the certificates into ${dir}: ${describeFsError(error)}`, {
      cause: error,
    });
  }
}
