import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateServingCertificates, issueServingCertificate, servingCertificateProblem } from "./certs.js";

const names = ["imagepin-webhook", "imagepin-webhook.imagepin-system.svc"];

describe("servingCertificateProblem", () => {
  const first = generateServingCertificates({ dnsNames: names });

  it("finds nothing wrong with a fresh certificate for the Service's names", () => {
    expect(servingCertificateProblem(first.cert, first.caCert, { dnsNames: names })).toBeUndefined();
  });

  it("names what the certificate does not cover", () => {
    expect(servingCertificateProblem(first.cert, first.caCert, { dnsNames: ["imagepin-webhook.other.svc"] })).toBe(
      "it does not name imagepin-webhook.other.svc",
    );
  });

  it("reports a certificate another CA signed, and one about to expire", () => {
    const other = generateServingCertificates({ dnsNames: names });
    expect(servingCertificateProblem(first.cert, other.caCert, { dnsNames: names })).toBe(
      "it was not signed by the CA in ca.crt",
    );
    const later = new Date(Date.now() + 800 * 86_400_000);
    expect(servingCertificateProblem(first.cert, first.caCert, { dnsNames: names, now: later })).toMatch(
      /^it expires \d{4}-\d{2}-\d{2}$/,
    );
  });

  it("issues from the same CA: the old caBundle verifies the new certificate", () => {
    const reissued = issueServingCertificate(first, { dnsNames: ["imagepin-webhook.other.svc"] });
    const cert = new X509Certificate(reissued.cert);
    expect(cert.verify(new X509Certificate(first.caCert).publicKey)).toBe(true);
    expect(cert.checkHost("imagepin-webhook.other.svc")).toBe("imagepin-webhook.other.svc");
    expect(cert.issuer).toBe(new X509Certificate(first.caCert).subject);
  });
});
