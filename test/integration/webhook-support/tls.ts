// Self-signed serving certificates for the webhook tests, made with openssl.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Writes `NAME.crt` and `NAME.key` (P-256, SAN IP:127.0.0.1 and DNS:localhost) into dir; returns their paths and the PEM. */
export function makeCertificate(dir: string, name = "serving", commonName = "imagepin-test"): { certFile: string; keyFile: string; cert: string } {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", `/CN=${commonName}`,
    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
  ], { stdio: "ignore" });
  return { certFile, keyFile, cert: readFileSync(certFile, "utf8") };
}
