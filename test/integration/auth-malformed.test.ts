// Malformed credential files through the built CLI: every parse path (docker config, pull secrets of
// both types in data and stringData, legacy dockercfg, YAML errors, credential helper output) must say
// file:line:col and why, and never print any part of the text it could not parse: there, the text
// around the error is the password. The secret and its base64 forms are searched for in all output.
import { spawnSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { imagepinBin, tempTree } from "../harness/cli.js";

const bin = imagepinBin;
const b64 = (text: string) => Buffer.from(text).toString("base64");
const secret = "hunter2SECRET";
const forbidden = [
  secret,
  "hunter2SEC",
  "hunter2",
  b64(`robot:${secret}`),
  b64(`robot:${secret}`).slice(0, 12),
  b64(secret),
];

const tree = tempTree("imagepin-auth-malformed-");
const root = tree.root;
afterAll(() => tree.remove());
const write = tree.write;
const env = { PATH: `${join(root, "bin")}:${process.env.PATH ?? "/usr/bin:/bin"}`, HOME: join(root, "home") };

function run(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args, "--debug"], { encoding: "utf8", env, timeout: 30_000 });
  const output = result.stdout + result.stderr;
  for (const text of forbidden) expect(output, `output leaks ${text}`).not.toContain(text);
  return result;
}

const secretYaml = (type: string, field: "data" | "stringData", key: string, value: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: n\n  namespace: s\ntype: ${type}\n${field}:\n  ${key}: ${field === "data" ? b64(value) : JSON.stringify(value)}\n`;

const badJson = {
  "unquoted password": `{"auths":{"r":{"username":"robot","password":${secret}}}}`,
  "unquoted auth": `{"auths":{"r":{"auth":${b64(`robot:${secret}`)}}}}`,
  "line break in a string": `{"auths":{"r":{"username":"robot","password":"${secret}\n"}}}`,
  "text after the value": `{"auths":{}} ${secret}`,
  "cut short": `{"auths":{"r":{"username":"robot","password":"${secret}`,
};

describe("malformed docker configs", () => {
  for (const [what, text] of Object.entries(badJson)) {
    it(`${what}: file:line:col and a reason, no source text`, () => {
      const file = write(`config-${what.replace(/ /g, "-")}.json`, text);
      for (const command of [
        ["resolve", "127.0.0.1:9/x:1"],
        ["auth", "which", "127.0.0.1:9/x"],
      ]) {
        const result = run([...command, "--docker-config", file]);
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(
          new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:1:\\d+: not valid JSON: [a-z]`),
        );
      }
    });
  }

  it("points at the line of the error", () => {
    const file = write("multi-line.json", `{\n  "auths": {\n    "r": {"password": ${secret}}\n  }\n}\n`);
    const result = run(["auth", "which", "r/x", "--docker-config", file]);
    expect(result.stderr).toContain(`${file}:3:23: not valid JSON`);
  });
});

describe("malformed pull secrets", () => {
  const cases: [string, string][] = [];
  for (const field of ["data", "stringData"] as const) {
    cases.push([
      `dockerconfigjson in ${field}`,
      secretYaml("kubernetes.io/dockerconfigjson", field, ".dockerconfigjson", badJson["unquoted password"]),
    ]);
    cases.push([
      `dockercfg in ${field}`,
      secretYaml("kubernetes.io/dockercfg", field, ".dockercfg", `{"r":{"auth":${b64(`robot:${secret}`)}}}`),
    ]);
  }
  for (const [what, text] of cases) {
    it(`${what}: names the file, the secret and the position, not the value`, () => {
      const file = write(`ps-${what.replace(/ /g, "-")}.yaml`, text);
      for (const command of [
        ["resolve", "127.0.0.1:9/x:1"],
        ["auth", "which", "127.0.0.1:9/x"],
      ]) {
        const result = run([...command, "--pull-secret", file]);
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(
          /secret s\/n: \.docker(configjson|cfg) is not valid JSON: [a-z ]+.*\(line 1 column \d+ of the decoded value\)/,
        );
      }
    });
  }

  it("YAML errors give the yaml error code, not the text", () => {
    const texts = [
      `kind: Secret\nmetadata: {name: n}\ntype: kubernetes.io/dockerconfigjson\nstringData: {password: *${secret}}\n`,
      `kind: Secret\nmetadata: {name: n}\nstringData:\n  ".dockerconfigjson": "{\\"auths\\": ${secret}\n`,
      `kind: Secret\nstringData: {a: ${secret}, b: !<tag:${secret}> x, "c": [${secret}\n`,
    ];
    texts.forEach((text, i) => {
      const file = write(`yaml-${i}.yaml`, text);
      const result = run(["auth", "which", "r/x", "--pull-secret", file]);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(file);
    });
  });
});

describe("credential helper output", () => {
  const helper = (name: string, body: string) =>
    chmodSync(write(`bin/docker-credential-${name}`, `#!/bin/sh\ncat >/dev/null\n${body}\n`), 0o755);
  helper("garbage", `printf '{"Username":"robot","Secret":${secret}}'`);
  helper("bare", `echo '${secret}'; exit 1`);
  helper("json-fail", `echo '{"Secret":"${secret}"}'; exit 1`);

  for (const name of ["garbage", "bare", "json-fail"]) {
    it(`${name}: reports the helper's failure without its output`, () => {
      const file = write(`helper-${name}.json`, JSON.stringify({ credHelpers: { "r.example.com": name } }));
      const result = run(["auth", "which", "r.example.com/x", "--docker-config", file]);
      expect(result.stdout + result.stderr).toContain(`docker-credential-${name}`);
    });
  }
});
