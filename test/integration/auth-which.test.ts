// `imagepin auth which` end to end: the built CLI, real files, a real credential helper on PATH.
// It checks the order of candidates across every source and that no secret ever reaches the output.
import { spawnSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { imagepinBin, tempTree } from "../harness/cli.js";

const bin = imagepinBin;
const b64 = (text: string) => Buffer.from(text).toString("base64");

// Every secret in the fixtures; none may appear in any output.
const secrets = [
  "PS-pass-111",
  "PS-legacy-222",
  "CFG-pass-333",
  "CFG-identity-444",
  "HELPER-secret-555",
  "STORE-secret-666",
  "JSON-pass-777",
];

const tree = tempTree("imagepin-auth-which-");
const root = tree.root;
afterAll(() => tree.remove());
const write = tree.write;

const helper = write(
  "bin/docker-credential-test",
  `#!/bin/sh
url=$(cat)
case "$url" in
  reg.example.com) printf '{"ServerURL":"reg.example.com","Username":"helper-user","Secret":"HELPER-secret-555"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`,
);
chmodSync(helper, 0o755);
const store = write(
  "bin/docker-credential-store",
  `#!/bin/sh
url=$(cat)
case "$url" in
  reg.example.com|https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"store-user","Secret":"STORE-secret-666"}' "$url" ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`,
);
chmodSync(store, 0o755);

const yamlSecrets = write(
  "secrets.yaml",
  `apiVersion: v1
kind: Secret
metadata:
  name: regcred
  namespace: team
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: ${b64(JSON.stringify({ auths: { "*.example.com": { auth: b64("glob-user:PS-pass-111") }, "reg.example.com/app": { auth: b64("path-user:PS-pass-111") } } }))}
---
apiVersion: v1
kind: Secret
metadata:
  name: legacy
  namespace: team
type: kubernetes.io/dockercfg
data:
  .dockercfg: ${b64(JSON.stringify({ "https://reg.example.com": { auth: b64("legacy-user:PS-legacy-222") } }))}
`,
);
const jsonSecret = write(
  "secret.json",
  JSON.stringify({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "json-cred", namespace: "other" },
    type: "kubernetes.io/dockerconfigjson",
    stringData: {
      ".dockerconfigjson": JSON.stringify({
        auths: { "reg.example.com": { username: "json-user", password: "JSON-pass-777" } },
      }),
    },
  }),
);
const config = write(
  "docker/config.json",
  JSON.stringify({
    auths: {
      "reg.example.com": { auth: b64("config-user:CFG-pass-333") },
      "https://index.docker.io/v1/": { auth: b64("hub-user:"), identitytoken: "CFG-identity-444" },
    },
    credHelpers: { "reg.example.com": "test" },
    credsStore: "store",
  }),
);
// A config in the default place that must NOT be used when --docker-config is given.
write(
  "home/.docker/config.json",
  JSON.stringify({ auths: { "reg.example.com": { auth: b64("home-user:CFG-pass-333") } } }),
);

const env = { PATH: `${join(root, "bin")}:${process.env.PATH ?? "/usr/bin:/bin"}`, HOME: join(root, "home") };

function run(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env });
  for (const secret of secrets) {
    expect(result.stdout, `stdout leaks ${secret}`).not.toContain(secret);
    expect(result.stderr, `stderr leaks ${secret}`).not.toContain(secret);
  }
  return result;
}

describe("imagepin auth which", () => {
  it("lists candidates in order as JSON, with no secret anywhere", () => {
    const result = run([
      "auth",
      "which",
      "--json",
      "--pull-secret",
      yamlSecrets,
      "--pull-secret",
      jsonSecret,
      "--docker-config",
      config,
      "reg.example.com/app:1",
      "nginx",
      "quay.io/none",
    ]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([
      {
        image: "reg.example.com/app:1",
        candidates: [
          { source: `pull-secret:${yamlSecrets}#team/regcred`, key: "reg.example.com/app", username: "path-user" },
          { source: `pull-secret:${yamlSecrets}#team/regcred`, key: "*.example.com", username: "glob-user" },
          { source: `pull-secret:${yamlSecrets}#team/legacy`, key: "https://reg.example.com", username: "legacy-user" },
          { source: `pull-secret:${jsonSecret}#other/json-cred`, key: "reg.example.com", username: "json-user" },
          { source: `cred-helper:test (${config})`, key: "reg.example.com", username: "helper-user" },
          { source: `docker-config:${config}`, key: "reg.example.com", username: "config-user" },
          { source: `creds-store:store (${config})`, key: "reg.example.com", username: "store-user" },
        ],
      },
      {
        image: "nginx",
        candidates: [
          { source: `docker-config:${config}`, key: "https://index.docker.io/v1/", username: "hub-user" },
          { source: `creds-store:store (${config})`, key: "https://index.docker.io/v1/", username: "store-user" },
        ],
      },
      { image: "quay.io/none", candidates: [] },
    ]);
  });

  it("prints the same in text form", () => {
    const result = run([
      "auth",
      "which",
      "--pull-secret",
      jsonSecret,
      "--docker-config",
      join(root, "docker"),
      "reg.example.com/app",
      "quay.io/none",
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout.split("\n")).toEqual([
      "reg.example.com/app",
      `  pull-secret:${jsonSecret}#other/json-cred  key reg.example.com  user json-user`,
      `  cred-helper:test (${config})  key reg.example.com  user helper-user`,
      `  docker-config:${config}  key reg.example.com  user config-user`,
      `  creds-store:store (${config})  key reg.example.com  user store-user`,
      "quay.io/none",
      "  no credentials match: anonymous access",
      "",
    ]);
  });

  it("falls back to ~/.docker/config.json", () => {
    const result = run(["auth", "which", "--json", "reg.example.com/app"]);
    expect(JSON.parse(result.stdout)).toEqual({
      image: "reg.example.com/app",
      candidates: [
        {
          source: `docker-config:${join(root, "home/.docker/config.json")}`,
          key: "reg.example.com",
          username: "home-user",
        },
      ],
    });
  });

  it("exits 2 naming the file for missing or malformed input, without leaking what it read", () => {
    const missing = run(["auth", "which", "nginx", "--pull-secret", join(root, "missing.yaml")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("missing.yaml");

    const badConfig = write("bad/config.json", `{"auths": {"reg.example.com": {"auth": "CFG-pass-333!!"}}}`);
    const bad = run(["auth", "which", "nginx", "--docker-config", badConfig, "--debug"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(badConfig);

    const opaque = write(
      "opaque.yaml",
      `kind: Secret\nmetadata: {name: tls, namespace: team}\ntype: Opaque\nstringData: {password: PS-pass-111}\n`,
    );
    const wrongType = run(["auth", "which", "nginx", "--pull-secret", opaque]);
    expect(wrongType.status).toBe(2);
    expect(wrongType.stderr).toContain("opaque.yaml");
    expect(wrongType.stderr).toContain("team/tls");
    expect(wrongType.stdout).toBe("");
  });

  it("exits 2 for an invalid image", () => {
    expect(run(["auth", "which", "Not/Valid:::"]).status).toBe(2);
  });
});
