import { describe, expect, it } from "vitest";
import { readInstallation, readOperatorImage } from "./cluster-files.js";

const customResources = `# custom-resources.yaml, as users apply it
apiVersion: operator.tigera.io/v1
kind: Installation
metadata:
  name: overlay
spec:
  registry: ignored.example.com/
---
apiVersion: operator.tigera.io/v1
kind: Installation
metadata:
  name: default
spec:
  variant: TigeraSecureEnterprise
  registry: registry.example.com/
  imagePath: mirror
  imagePrefix: calico-
  calicoNetwork:
    ipPools: [{ cidr: 192.168.0.0/16 }]
---
apiVersion: operator.tigera.io/v1
kind: APIServer
metadata:
  name: default
spec: {}
`;

describe("readInstallation", () => {
  it("reads the default Installation's image settings and variant from a multi-document file", () => {
    expect(readInstallation(customResources, "cr.yaml")).toEqual({
      name: "default",
      registry: "registry.example.com/",
      imagePath: "mirror",
      imagePrefix: "calico-",
      variant: "enterprise",
    });
  });

  it("leaves out what the Installation does not set", () => {
    expect(
      readInstallation(
        "apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata: {name: default}\nspec: {}\n",
        "cr.yaml",
      ),
    ).toEqual({
      name: "default",
      registry: undefined,
      imagePath: undefined,
      imagePrefix: undefined,
      variant: undefined,
    });
  });

  it("says what is wrong with the file", () => {
    expect(() => readInstallation("kind: APIServer\n", "cr.yaml")).toThrow(
      expect.objectContaining({ code: "no-installation" }),
    );
    expect(() =>
      readInstallation("apiVersion: operator.tigera.io/v1\nkind: Installation\nspec: {variant: Other}\n", "cr.yaml"),
    ).toThrow(expect.objectContaining({ code: "invalid-installation" }));
    expect(() =>
      readInstallation("apiVersion: operator.tigera.io/v1\nkind: Installation\nspec: {registry: [a]}\n", "cr.yaml"),
    ).toThrow(expect.objectContaining({ code: "invalid-installation" }));
    expect(() => readInstallation("spec: [\n", "cr.yaml")).toThrow(
      expect.objectContaining({
        code: "invalid-installation",
        location: expect.objectContaining({ line: expect.any(Number) }),
      }),
    );
  });
});

describe("readOperatorImage", () => {
  const deployment = (image: string) =>
    `apiVersion: v1\nkind: Namespace\nmetadata: {name: tigera-operator}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: tigera-operator}\nspec:\n  template:\n    spec:\n      containers:\n        - name: tigera-operator\n          image: ${image}\n`;

  it("finds the operator container and its release, pinned or not, at any registry", () => {
    expect(readOperatorImage(deployment("quay.io/tigera/operator:v1.42.4"), "op.yaml")).toEqual({
      image: "quay.io/tigera/operator:v1.42.4",
      version: "v1.42.4",
      line: 13,
    });
    expect(
      readOperatorImage(
        deployment(`registry.example.com/mirror/tigera/operator:v1.40.15@sha256:${"a".repeat(64)}`),
        "op.yaml",
      ).version,
    ).toBe("v1.40.15");
    expect(
      readOperatorImage(deployment(`quay.io/tigera/operator@sha256:${"a".repeat(64)}`), "op.yaml").version,
    ).toBeUndefined();
    expect(
      readOperatorImage(deployment("registry.example.com/mirror/quay/calico-operator:v1.42.4"), "op.yaml").version,
    ).toBe("v1.42.4");
    expect(() =>
      readOperatorImage(
        deployment("quay.io/prometheus-operator/prometheus-operator:v0.80.0").replaceAll(
          "name: tigera-operator}",
          "name: monitoring}",
        ),
        "op.yaml",
      ),
    ).toThrow(expect.objectContaining({ code: "no-operator-deployment" }));
  });

  it("fails clearly without an operator Deployment", () => {
    expect(() => readOperatorImage(deployment("nginx:1.25"), "op.yaml")).toThrow(
      expect.objectContaining({ code: "no-operator-deployment" }),
    );
  });
});
