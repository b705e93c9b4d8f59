import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { parseWebhookConfig } from "../config.js";
import { installManifests } from "./manifests.js";

// Objects of the stream, read loosely: the tests reach into the fields they check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

const providerConfig = "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders: []\n";

describe("webhook manifests with kubelet credential providers", () => {
  const objects = () =>
    parseAllDocuments(
      installManifests({
        tls: { mode: "cert-manager" },
        image: "imagepin/webhook:0.1.0",
        credentialProvider: { config: providerConfig, binDir: "/etc/eks/image-credential-provider" },
      }),
    ).map((doc) => doc.toJS() as Loose);

  it("ships the provider config in the ConfigMap and names it, with the plugin directory, in the webhook config", () => {
    const configMap = objects().find((o) => o.kind === "ConfigMap")!;
    expect(configMap.data["credential-providers.yaml"]).toBe(providerConfig);
    const config = parseWebhookConfig(configMap.data["config.yaml"], "config.yaml");
    expect(config.credentialProviderConfig).toBe("/etc/imagepin/config/credential-providers.yaml");
    expect(config.credentialProviderBinDir).toBe("/etc/eks/image-credential-provider");
  });

  it("mounts the nodes' plugin directory read-only at the same path", () => {
    const pod = objects().find((o) => o.kind === "Deployment")!.spec.template.spec;
    expect(pod.volumes).toContainEqual({
      name: "credential-provider-bin",
      hostPath: { path: "/etc/eks/image-credential-provider", type: "Directory" },
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: "credential-provider-bin",
      mountPath: "/etc/eks/image-credential-provider",
      readOnly: true,
    });
  });

  it("adds nothing without providers", () => {
    const text = installManifests({ tls: { mode: "cert-manager" }, image: "imagepin/webhook:0.1.0" });
    expect(text).not.toMatch(/credential/i);
  });
});

describe("webhook config credential provider keys", () => {
  it("reads both keys", () => {
    const config = parseWebhookConfig(
      "credentialProviderConfig: /etc/p.yaml\ncredentialProviderBinDir: /opt/plugins\n",
    );
    expect(config).toMatchObject({ credentialProviderConfig: "/etc/p.yaml", credentialProviderBinDir: "/opt/plugins" });
  });

  it("refuses one without the other, at its line", () => {
    expect(() => parseWebhookConfig("events: true\ncredentialProviderConfig: /etc/p.yaml\n", "c.yaml")).toThrow(
      /^c\.yaml:2:27: credentialProviderConfig: .*given together/,
    );
  });
});
