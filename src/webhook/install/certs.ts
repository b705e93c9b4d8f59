import { X509Certificate, generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";

/** A CA and a serving certificate signed by it, PEM. */
export interface ServingCertificates {
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

/** Options of {@link generateServingCertificates}. */
export interface CertificateOptions {
  /** DNS names of the serving certificate (the Service's names). */
  dnsNames: string[];
  /** Validity of the serving certificate in days; default {@link defaultServingDays}. The CA gets ten years. */
  days?: number;
  /** Clock for `notBefore`; default now. */
  now?: Date;
}

function rsaKeys(): forge.pki.rsa.KeyPair {
  // Node's generator is native and fast; forge's pure-JS one takes seconds for 2048 bits.
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

function serial(): string {
  // Positive 128-bit serial (RFC 5280 §4.1.2.2): clear the top bit.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString("hex");
}

const caName = [{ name: "commonName", value: "imagepin webhook CA" }];
const dayMs = 86_400_000;

/** Days of validity of a serving certificate when none is asked for: 825, the longest most clients accept. */
export const defaultServingDays = 825;

/**
 * Generates a self-signed CA and a serving certificate for the webhook's Service, for
 * `imagepin webhook manifests --self-signed DIR` (the CA goes into the webhook's `caBundle`).
 */
export function generateServingCertificates(options: CertificateOptions): ServingCertificates {
  const now = options.now ?? new Date();
  const ca = rsaKeys();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = serial();
  caCert.validity.notBefore = new Date(now.getTime() - 60_000);
  caCert.validity.notAfter = new Date(now.getTime() + 3650 * dayMs);
  caCert.setSubject(caName);
  caCert.setIssuer(caName);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());
  const caPem = { caCert: forge.pki.certificateToPem(caCert), caKey: forge.pki.privateKeyToPem(ca.privateKey) };
  return { ...caPem, ...issueServingCertificate(caPem, options) };
}

/**
 * Issues a new serving certificate (and a new key) from an existing CA, so the webhook's `caBundle`,
 * which holds only the CA, stays valid: what `--self-signed DIR` does when the Service's names or the
 * certificate's expiry no longer fit.
 */
export function issueServingCertificate(
  ca: Pick<ServingCertificates, "caCert" | "caKey">,
  options: CertificateOptions,
): Pick<ServingCertificates, "cert" | "key"> {
  const now = options.now ?? new Date();
  const caCert = forge.pki.certificateFromPem(ca.caCert);
  const caKey = forge.pki.privateKeyFromPem(ca.caKey);
  const leaf = rsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = leaf.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + (options.days ?? defaultServingDays) * dayMs);
  cert.setSubject([{ name: "commonName", value: options.dnsNames[0] ?? "imagepin-webhook" }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: options.dnsNames.map((value) => ({ type: 2, value })) },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(leaf.privateKey) };
}

/** Options of {@link servingCertificateProblem}. */
export interface CertificateCheckOptions {
  /** The names the API server will check: the Service's DNS names. */
  dnsNames: string[];
  /** A certificate with less validity left than this is due; default 30 days. */
  renewBeforeDays?: number;
  /** Default now. */
  now?: Date;
}

/**
 * Why a serving certificate no longer serves the webhook's Service, or undefined when it does: a DNS
 * name it does not cover (the API server connects to `NAME.NAMESPACE.svc` and checks that name), an
 * expiry within `renewBeforeDays`, or a signature the CA does not verify.
 */
export function servingCertificateProblem(
  certPem: string,
  caCertPem: string,
  options: CertificateCheckOptions,
): string | undefined {
  const cert = new X509Certificate(certPem);
  const missing = options.dnsNames.filter((name) => cert.checkHost(name, { wildcards: false }) !== name);
  if (missing.length > 0) return `it does not name ${missing.join(", ")}`;
  if (!cert.verify(new X509Certificate(caCertPem).publicKey)) return "it was not signed by the CA in ca.crt";
  const now = options.now ?? new Date();
  const expires = new Date(cert.validTo);
  if (expires.getTime() - now.getTime() < (options.renewBeforeDays ?? 30) * dayMs)
    return `it expires ${expires.toISOString().slice(0, 10)}`;
  return undefined;
}
