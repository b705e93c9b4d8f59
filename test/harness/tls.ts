// Certificates for the harness, made with the openssl CLI: a throw-away CA, a serving certificate it
// signs for 127.0.0.1 and localhost, self-signed serving certificates (the webhook's), and a
// self-signed key pair the token server signs JWTs with.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Files and PEM text of a test CA and the serving certificate it signed. */
export interface TestCertificates {
  caFile: string;
  caPem: string;
  certFile: string;
  keyFile: string;
}

function openssl(args: string[]): void {
  execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/**
 * Writes `ca.crt`/`ca.key` (a P-256 CA) and `server.crt`/`server.key` (signed by it, SAN IP:127.0.0.1,
 * DNS:localhost and `extraDnsNames`, serverAuth) into `dir`. Valid for two days. Throws when openssl fails.
 */
export function makeCertificates(dir: string, extraDnsNames: string[] = []): TestCertificates {
  const caFile = join(dir, "ca.crt");
  const caKey = join(dir, "ca.key");
  const certFile = join(dir, "server.crt");
  const keyFile = join(dir, "server.key");
  const csr = join(dir, "server.csr");
  const ext = join(dir, "server.ext");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    caKey,
    "-out",
    caFile,
    "-days",
    "2",
    "-subj",
    "/CN=imagepin test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  openssl(["req", "-new", ...ec, "-keyout", keyFile, "-out", csr, "-subj", "/CN=127.0.0.1"]);
  const names = ["IP:127.0.0.1", "DNS:localhost", ...extraDnsNames.map((name) => `DNS:${name}`)].join(",");
  writeFileSync(ext, `subjectAltName=${names}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
  openssl([
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    caFile,
    "-CAkey",
    caKey,
    "-CAcreateserial",
    "-out",
    certFile,
    "-days",
    "2",
    "-extfile",
    ext,
  ]);
  return { caFile, caPem: readFileSync(caFile, "utf8"), certFile, keyFile };
}

/** A self-signed P-256 certificate and its key, used to sign registry tokens (ES256). */
export interface SigningKey {
  certFile: string;
  certPem: string;
  keyPem: string;
  /** The certificate's DER bytes in base64, as the JWT `x5c` header carries it. */
  certDerBase64: string;
}

/** Writes `NAME.crt`/`NAME.key`: a self-signed P-256 certificate for two days, with extra openssl args. */
function selfSigned(
  dir: string,
  name: string,
  commonName: string,
  extra: string[] = [],
): { certFile: string; keyFile: string; certPem: string } {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  openssl([
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    keyFile,
    "-out",
    certFile,
    "-days",
    "2",
    "-subj",
    `/CN=${commonName}`,
    ...extra,
  ]);
  return { certFile, keyFile, certPem: readFileSync(certFile, "utf8") };
}

/**
 * Writes `NAME.crt`/`NAME.key`, a self-signed serving certificate (SAN IP:127.0.0.1 and DNS:localhost)
 * whose common name tells certificates apart (the webhook's reload tests). Throws when openssl fails.
 */
export function makeCertificate(
  dir: string,
  name = "serving",
  commonName = "imagepin-test",
): { certFile: string; keyFile: string; cert: string } {
  const { certFile, keyFile, certPem } = selfSigned(dir, name, commonName, [
    "-addext",
    "subjectAltName=IP:127.0.0.1,DNS:localhost",
  ]);
  return { certFile, keyFile, cert: certPem };
}

/** Writes `token.crt`/`token.key` into `dir` (self-signed, two days). Throws when openssl fails. */
export function makeSigningKey(dir: string): SigningKey {
  const { certFile, keyFile, certPem } = selfSigned(dir, "token", "imagepin test token issuer");
  const certDerBase64 = certPem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  return { certFile, certPem, keyPem: readFileSync(keyFile, "utf8"), certDerBase64 };
}
