import { X509Certificate } from "node:crypto";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { generateServingCertificates } from "./certs.js";
import { installManifests } from "./manifests.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function objects(text: string): Obj[] {
  return parseAllDocuments(text).map((doc) => doc.toJS() as Obj);
}
const byKind = (list: Obj[], kind: string) => list.filter((o) => o.kind === kind);

describe("installManifests", () => {
  it("with cert-manager: issuers, certificates, the inject annotation, and no secret RBAC by default", () => {
    const list = objects(installManifests({ tls: { mode: "cert-manager" }, image: "example.com/imagepin:1" }));
    expect(list.map((o) => o.kind)).toEqual([
      "Namespace",
      "ServiceAccount",
      "ClusterRole",
      "ClusterRoleBinding",
      "ConfigMap",
      "Issuer",
      "Certificate",
      "Issuer",
      "Certificate",
      "Deployment",
      "Service",
      "PodDisruptionBudget",
      "MutatingWebhookConfiguration",
    ]);
    const role = byKind(list, "ClusterRole")[0] as Obj;
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["events"], verbs: ["create"] }]);
    const webhookConfig = byKind(list, "MutatingWebhookConfiguration")[0] as Obj;
    expect(webhookConfig.metadata.annotations["cert-manager.io/inject-ca-from"]).toBe(
      "imagepin-system/imagepin-webhook",
    );
    expect(webhookConfig.webhooks[0]).toMatchObject({
      failurePolicy: "Ignore",
      reinvocationPolicy: "IfNeeded",
      sideEffects: "None",
      timeoutSeconds: 15,
      admissionReviewVersions: ["v1"],
      namespaceSelector: { matchLabels: { "digest-resolution": "enabled" } },
      rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] }],
      clientConfig: { service: { name: "imagepin-webhook", namespace: "imagepin-system", path: "/mutate", port: 443 } },
    });
    const serving = byKind(list, "Certificate")[1] as Obj;
    expect(serving.spec.dnsNames).toContain("imagepin-webhook.imagepin-system.svc");
    const deploy = byKind(list, "Deployment")[0] as Obj;
    expect(deploy.spec.replicas).toBe(2);
    const container = deploy.spec.template.spec.containers[0];
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
    });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: "/readyz", scheme: "HTTPS" });
    expect(container.resources.requests).toBeDefined();
    expect(deploy.spec.template.spec.affinity.podAntiAffinity).toBeDefined();
    expect(byKind(list, "PodDisruptionBudget")[0]?.spec.minAvailable).toBe(1);
  });

  it("with pull secrets: get on secrets and serviceaccounts only", () => {
    const list = objects(
      installManifests({
        tls: { mode: "cert-manager" },
        image: "x",
        pullSecrets: true,
        events: false,
        namespaceLabel: { key: "pin", value: "yes" },
      }),
    );
    expect((byKind(list, "ClusterRole")[0] as Obj).rules).toEqual([
      { apiGroups: [""], resources: ["secrets", "serviceaccounts"], verbs: ["get"] },
    ]);
    expect((byKind(list, "MutatingWebhookConfiguration")[0] as Obj).webhooks[0].namespaceSelector).toEqual({
      matchLabels: { pin: "yes" },
    });
  });

  it("self-signed: a TLS secret and a caBundle that verifies the serving certificate", () => {
    const certificates = generateServingCertificates({
      dnsNames: ["imagepin-webhook", "imagepin-webhook.imagepin-system.svc"],
    });
    const list = objects(installManifests({ tls: { mode: "self-signed", certificates }, image: "x", events: false }));
    expect(byKind(list, "ClusterRole")).toEqual([]);
    expect(byKind(list, "Certificate")).toEqual([]);
    const secret = byKind(list, "Secret")[0] as Obj;
    expect(secret.type).toBe("kubernetes.io/tls");
    const webhookConfig = byKind(list, "MutatingWebhookConfiguration")[0] as Obj;
    expect(webhookConfig.metadata.annotations).toBeUndefined();
    const ca = new X509Certificate(Buffer.from(webhookConfig.webhooks[0].clientConfig.caBundle, "base64"));
    const serving = new X509Certificate(Buffer.from(secret.data["tls.crt"], "base64"));
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.checkHost("imagepin-webhook.imagepin-system.svc")).toBe("imagepin-webhook.imagepin-system.svc");
    expect(ca.ca).toBe(true);
  });

  it("rejects names Kubernetes would reject", () => {
    expect(() => installManifests({ tls: { mode: "cert-manager" }, image: "x", namespace: "Bad_NS" })).toThrow(
      expect.objectContaining({ code: "invalid-option" }),
    );
  });
});
