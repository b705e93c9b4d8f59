import { generateKeyPairSync, randomBytes } from "node:crypto";
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
  /** Validity of the serving certificate in days; default 825 (the longest most clients accept). The CA gets ten years. */
  days?: number;
  /** Clock for `notBefore`; default now. */
  now?: Date;
}

function rsaKeys(): forge.pki.rsa.KeyPair {
  // Node's generator is native and fast; forge's pure-JS one takes seconds for 2048 bits.
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

function serial(): string {
  // Positive 128-bit serial (RFC 5280 §4.1.2.2): clear the top bit.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString("hex");
}

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
  caCert.validity.notAfter = new Date(now.getTime() + 3650 * 86_400_000);
  const caName = [{ name: "commonName", value: "imagepin webhook CA" }];
  caCert.setSubject(caName);
  caCert.setIssuer(caName);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());

  const leaf = rsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = leaf.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + (options.days ?? 825) * 86_400_000);
  cert.setSubject([{ name: "commonName", value: options.dnsNames[0] ?? "imagepin-webhook" }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: options.dnsNames.map((value) => ({ type: 2, value })) },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.privateKey, forge.md.sha256.create());

  return {
    caCert: forge.pki.certificateToPem(caCert),
    caKey: forge.pki.privateKeyToPem(ca.privateKey),
    cert: forge.pki.certificateToPem(cert),
    key: forge.pki.privateKeyToPem(leaf.privateKey),
  };
}
