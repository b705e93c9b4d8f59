import { describe, expect, it } from "vitest";
import { isImagepinError } from "../errors.js";
import { parseCredentialProviderConfig, parseGoDuration } from "./provider-config.js";

function failure(text: string): { code: string; message: string; line?: number; column?: number } {
  try {
    parseCredentialProviderConfig(text, "providers.yaml");
  } catch (error) {
    if (!isImagepinError(error)) throw error;
    return { code: error.code, message: error.message, line: error.location?.line, column: error.location?.column };
  }
  throw new Error("expected the config to be refused");
}

const eks = `apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
  - name: ecr-credential-provider
    matchImages:
      - "*.dkr.ecr.*.amazonaws.com"
      - "*.dkr.ecr.*.amazonaws.com.cn"
    defaultCacheDuration: "12h"
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    args: [get-credentials]
    env:
      - name: AWS_PROFILE
        value: nodes
`;

describe("parseCredentialProviderConfig", () => {
  it("reads the config EKS nodes carry", () => {
    const [provider] = parseCredentialProviderConfig(eks, "providers.yaml");
    expect(provider).toMatchObject({
      name: "ecr-credential-provider",
      matchImages: ["*.dkr.ecr.*.amazonaws.com", "*.dkr.ecr.*.amazonaws.com.cn"],
      defaultCacheDurationMs: 12 * 3_600_000,
      apiVersion: "credentialprovider.kubelet.k8s.io/v1",
      args: ["get-credentials"],
      env: [{ name: "AWS_PROFILE", value: "nodes" }],
      location: { file: "providers.yaml", line: 4, column: 5 },
    });
  });

  it("reads JSON and v1beta1", () => {
    const json = JSON.stringify(
      {
        apiVersion: "kubelet.config.k8s.io/v1beta1",
        kind: "CredentialProviderConfig",
        providers: [
          {
            name: "acr-credential-provider",
            matchImages: ["*.azurecr.io"],
            defaultCacheDuration: "10m",
            apiVersion: "credentialprovider.kubelet.k8s.io/v1beta1",
          },
        ],
      },
      null,
      2,
    );
    expect(parseCredentialProviderConfig(json, "p.json")[0]?.defaultCacheDurationMs).toBe(600_000);
  });

  // [what, text, line, column, message part]
  const bad: [string, string, number, number, RegExp][] = [
    ["an unknown field", eks.replace("    args:", "    argz:"), 10, 5, /argz: unknown field/],
    ["an unknown top-level field", eks.replace("kind:", "kinds: x\nkind:"), 2, 1, /kinds: unknown field/],
    ["a field written twice", eks.replace("    args:", "    name: again\n    args:"), 10, 5, /not valid YAML or JSON/],
    [
      "the wrong kind",
      eks.replace("kind: CredentialProviderConfig", "kind: KubeletConfiguration"),
      2,
      1,
      /kind: must be CredentialProviderConfig/,
    ],
    [
      "the wrong config apiVersion",
      eks.replace("kubelet.config.k8s.io/v1\n", "kubelet.config.k8s.io/v2\n"),
      1,
      1,
      /apiVersion: must be one of/,
    ],
    [
      "an unsupported provider apiVersion",
      eks.replace("credentialprovider.kubelet.k8s.io/v1", "credentialprovider.kubelet.k8s.io/v2"),
      9,
      5,
      /apiVersion: must be one of/,
    ],
    [
      "a glob in a port",
      eks.replace('"*.dkr.ecr.*.amazonaws.com.cn"', '"*.example.com:*"'),
      7,
      9,
      /matchImages\[1\]: match image "\*\.example\.com:\*" is invalid: invalid port/,
    ],
    [
      "a missing defaultCacheDuration",
      eks.replace('    defaultCacheDuration: "12h"\n', ""),
      4,
      5,
      /defaultCacheDuration: required/,
    ],
    ["a negative defaultCacheDuration", eks.replace('"12h"', '"-1m"'), 8, 5, /greater than or equal to 0/],
    ["a malformed duration", eks.replace('"12h"', '"12 hours"'), 8, 5, /duration such as 12h/],
    ["a name with a slash", eks.replace("name: ecr-credential-provider", "name: ../ecr"), 4, 5, /cannot contain '\/'/],
    ["no matchImages", eks.replace(/ {4}matchImages:\n.*\n.*\n/, ""), 4, 5, /matchImages: at least one pattern/],
    [
      "no providers",
      "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders: []\n",
      3,
      1,
      /at least one provider/,
    ],
    [
      "a number where a string belongs",
      eks.replace("args: [get-credentials]", "args: [1]"),
      10,
      12,
      /args\[0\]: must be a string/,
    ],
    [
      "tokenAttributes",
      eks.replace("    args:", "    tokenAttributes: {serviceAccountTokenAudience: x}\n    args:"),
      10,
      5,
      /not supported by imagepin/,
    ],
    ["not YAML", "apiVersion: [", 1, 14, /not valid YAML/],
  ];
  it.each(bad)("refuses %s at file:line:col", (_what, text, line, column, message) => {
    const error = failure(text);
    expect(error.code).toBe("invalid-provider-config");
    expect(error.message).toMatch(message);
    expect([error.line, error.column]).toEqual([line, column]);
    expect(error.message.startsWith(`providers.yaml:${line}:${column}: `)).toBe(true);
  });

  it("refuses a provider name given twice, at the second", () => {
    const twice = eks + eks.slice(eks.indexOf("  - name:"));
    expect(failure(twice)).toMatchObject({
      code: "invalid-provider-config",
      line: 14,
      column: 5,
      message: expect.stringMatching(/providers\[1\]\.name: duplicate provider name/),
    });
  });

  it("reports every problem, the first at its place", () => {
    const error = failure(eks.replace("    args:", "    argz:").replace('"12h"', '"-1m"'));
    expect([error.line, error.column]).toEqual([8, 5]);
    expect(error.message).toMatch(
      /defaultCacheDuration: must be greater than or equal to 0 \(and 1 more: 10:5: providers\[0\]\.argz: unknown field/,
    );
  });
});

describe("parseGoDuration", () => {
  it.each([
    ["12h", 43_200_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["300ms", 300],
    ["0", 0],
    ["0s", 0],
    ["-1m", -60_000],
    ["90s", 90_000],
  ])("%s is %d ms", (text, ms) => expect(parseGoDuration(text)).toBe(ms));
  it.each(["", "12", "h", "1d", "12 h", "1h-5m", "."])("refuses %j", (text) =>
    expect(parseGoDuration(text)).toBeUndefined(),
  );
});
