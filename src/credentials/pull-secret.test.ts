import { describe, expect, it } from "vitest";
import { isImagepinError } from "../errors.js";
import { parsePullSecretFile, pullSecretFromObject } from "./pull-secret.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const configJson = (auths: Record<string, unknown>) => JSON.stringify({ auths });

function failure(run: () => unknown): { code: string; message: string; line?: number; column?: number; file?: string } {
  try {
    run();
  } catch (error) {
    if (!isImagepinError(error)) throw error;
    return {
      code: error.code,
      message: error.message,
      line: error.location?.line,
      column: error.location?.column,
      file: error.location?.file,
    };
  }
  throw new Error("expected an error");
}

const yamlSecret = (name: string, auths: Record<string, unknown>, namespace = "apps") => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ${namespace}
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: ${b64(configJson(auths))}
`;

describe("parsePullSecretFile", () => {
  it("reads a dockerconfigjson Secret in YAML", () => {
    const secrets = parsePullSecretFile(yamlSecret("regcred", { "quay.io": { auth: b64("robot:pw:1") } }), "s.yaml");
    expect(secrets).toEqual([
      {
        name: "regcred",
        namespace: "apps",
        source: "pull-secret:s.yaml#apps/regcred",
        auths: [{ key: "quay.io", credential: { username: "robot", password: "pw:1" } }],
      },
    ]);
  });

  it("reads several documents in order", () => {
    const text = `${yamlSecret("one", { "a.io": { username: "u1", password: "p1" } })}---\n${yamlSecret("two", { "b.io": { username: "u2", password: "p2" } }, "other")}---\n`;
    expect(parsePullSecretFile(text, "s.yaml").map((secret) => secret.source)).toEqual([
      "pull-secret:s.yaml#apps/one",
      "pull-secret:s.yaml#other/two",
    ]);
  });

  it("reads a JSON Secret with stringData, without a namespace", () => {
    const text = JSON.stringify({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "plain" },
      type: "kubernetes.io/dockerconfigjson",
      stringData: { ".dockerconfigjson": configJson({ "r.io:5000": { identitytoken: "refresh" } }) },
    });
    expect(parsePullSecretFile(text, "s.json")).toEqual([
      {
        name: "plain",
        source: "pull-secret:s.json#plain",
        auths: [{ key: "r.io:5000", credential: { identityToken: "refresh" } }],
      },
    ]);
  });

  it("reads a legacy dockercfg Secret (a registry map without auths)", () => {
    const text = `kind: Secret
metadata: {name: legacy, namespace: ns}
type: kubernetes.io/dockercfg
data:
  .dockercfg: ${b64(JSON.stringify({ "https://index.docker.io/v1/": { auth: b64("hubuser:hubpw"), email: "a@b" } }))}
`;
    expect(parsePullSecretFile(text, "s.yaml")[0]?.auths).toEqual([
      { key: "https://index.docker.io/v1/", credential: { username: "hubuser", password: "hubpw" } },
    ]);
  });

  it("reads kind: List (kubectl get secret -o yaml)", () => {
    const list = {
      apiVersion: "v1",
      kind: "List",
      items: [
        {
          kind: "Secret",
          metadata: { name: "a", namespace: "n" },
          type: "kubernetes.io/dockerconfigjson",
          data: { ".dockerconfigjson": b64(configJson({ "a.io": { auth: b64("a:1") } })) },
        },
        {
          kind: "Secret",
          metadata: { name: "b", namespace: "n" },
          type: "kubernetes.io/dockercfg",
          data: { ".dockercfg": b64(JSON.stringify({ "b.io": { auth: b64("b:2") } })) },
        },
      ],
    };
    const secrets = parsePullSecretFile(JSON.stringify(list), "list.json");
    expect(secrets.map((secret) => [secret.source, secret.auths[0]?.credential.username])).toEqual([
      ["pull-secret:list.json#n/a", "a"],
      ["pull-secret:list.json#n/b", "b"],
    ]);
  });

  it.each([
    ["an Opaque secret", `kind: Secret\nmetadata: {name: s}\ntype: Opaque\ndata: {x: eA==}\n`, "s"],
    ["a secret without type", `kind: Secret\nmetadata: {name: s}\ndata: {x: eA==}\n`, "s"],
    [
      "a missing key",
      `kind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/dockerconfigjson\ndata: {.dockercfg: e30=}\n`,
      "s",
    ],
    [
      "the wrong key for dockercfg",
      `kind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/dockercfg\ndata: {.dockerconfigjson: e30=}\n`,
      "s",
    ],
    [
      "bad base64",
      `kind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/dockerconfigjson\ndata: {.dockerconfigjson: "!!!"}\n`,
      "s",
    ],
    [
      "JSON that is not JSON",
      `kind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/dockerconfigjson\nstringData: {.dockerconfigjson: "{nope"}\n`,
      "s",
    ],
    [
      "a config without auths",
      `kind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/dockerconfigjson\nstringData: {.dockerconfigjson: '{"r.io": {}}'}\n`,
      "s",
    ],
    [
      "a bad entry",
      `kind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/dockerconfigjson\nstringData: {.dockerconfigjson: '{"auths": {"r.io": {"auth": "???"}}}'}\n`,
      "s",
    ],
    ["a ConfigMap", `kind: ConfigMap\nmetadata: {name: s}\ndata: {}\n`, "s"],
    ["a secret without a name", `kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata: {}\n`, "unnamed"],
  ])("rejects %s with invalid-pull-secret naming file and secret", (_name, text, secretName) => {
    const error = failure(() => parsePullSecretFile(text, "bad.yaml"));
    expect(error.code).toBe("invalid-pull-secret");
    expect(error.file).toBe("bad.yaml");
    expect(error.message).toContain("bad.yaml");
    expect(error.message).toContain(secretName);
  });

  it("points YAML syntax errors at line and column", () => {
    const error = failure(() => parsePullSecretFile("kind: Secret\nmetadata:\n  name: [unclosed\n", "bad.yaml"));
    expect(error).toMatchObject({ code: "invalid-pull-secret", file: "bad.yaml" });
    expect(error.line).toBeGreaterThanOrEqual(3);
  });

  it("points a bad secret at its document's line", () => {
    const text = `${yamlSecret("good", {})}---\nkind: Secret\nmetadata: {name: bad}\ntype: Opaque\n`;
    expect(failure(() => parsePullSecretFile(text, "s.yaml")).line).toBe(10);
  });

  it("rejects a file without any Secret", () => {
    expect(failure(() => parsePullSecretFile("# nothing\n", "empty.yaml")).code).toBe("invalid-pull-secret");
    expect(failure(() => parsePullSecretFile(`{"kind": "List", "items": []}`, "empty.json")).code).toBe(
      "invalid-pull-secret",
    );
  });

  it("never quotes the secret's content in errors", () => {
    const text = `kind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/dockerconfigjson\nstringData: {.dockerconfigjson: "hunter2-secret"}\n`;
    expect(failure(() => parsePullSecretFile(text, "s.yaml")).message).not.toContain("hunter2");
  });
});

describe("pullSecretFromObject (objects from the Kubernetes API)", () => {
  it("names the source by namespace/name", () => {
    const secret = pullSecretFromObject({
      metadata: { name: "regcred", namespace: "team" },
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": b64(configJson({ "*.example.com": { auth: b64("u:p") } })) },
    });
    expect(secret).toEqual({
      name: "regcred",
      namespace: "team",
      source: "pull-secret:team/regcred",
      auths: [{ key: "*.example.com", credential: { username: "u", password: "p" } }],
    });
  });

  it("rejects a wrong type with invalid-pull-secret", () => {
    const error = failure(() =>
      pullSecretFromObject({ metadata: { name: "tls", namespace: "team" }, type: "kubernetes.io/tls", data: {} }),
    );
    expect(error.code).toBe("invalid-pull-secret");
    expect(error.message).toContain("team/tls");
  });
});
