import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeCandidates } from "./describe.js";
import type { HelperRunner } from "./helper.js";
import { createKeychain, keychainFromPullSecretObjects, keychainFromSources } from "./keychain.js";
import type { PullSecret } from "./pull-secret.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");

function secret(source: string, auths: Record<string, string>): PullSecret {
  return {
    name: source,
    source,
    auths: Object.entries(auths).map(([key, username]) => ({
      key,
      credential: { username, password: `${username}-pw` },
    })),
  };
}

/** A runner that answers from a table and records each call. */
function fakeRunner(answers: Record<string, string | undefined>, calls: string[]): HelperRunner {
  return async (program, _args, input) => {
    calls.push(`${program} ${input}`);
    const user = answers[`${program} ${input}`];
    if (user === undefined) return { exitCode: 1, stdout: "credentials not found in native keychain\n", stderr: "" };
    return {
      exitCode: 0,
      stdout: JSON.stringify({ ServerURL: input, Username: user, Secret: `${user}-secret` }),
      stderr: "",
    };
  };
}

describe("keychainFromSources", () => {
  it("orders sources as given and keys within a source most specific first", async () => {
    const keychain = keychainFromSources({
      pullSecrets: [
        secret("first", {
          "*.example.com": "glob",
          "a.example.com": "exact",
          "a.example.com/team": "team",
          "b.example.com": "other",
        }),
        secret("second", { "https://a.example.com/v1/": "second" }),
      ],
      dockerConfig: {
        source: "/c.json",
        auths: [{ key: "a.example.com", credential: { username: "config", password: "x" } }],
        credHelpers: [],
      },
    });
    const found = await keychain.candidates("a.example.com", "team/app");
    expect(found.map((candidate) => [candidate.source, candidate.key, candidate.username])).toEqual([
      ["first", "a.example.com/team", "team"],
      ["first", "a.example.com", "exact"],
      ["first", "*.example.com", "glob"],
      ["second", "https://a.example.com/v1/", "second"],
      ["docker-config:/c.json", "a.example.com", "config"],
    ]);
    expect(await found[0]?.get()).toEqual({ username: "team", password: "team-pw" });
    expect(await keychain.candidates("c.example.com:5000", "app")).toEqual([]);
  });

  it("puts credHelpers before auths before credsStore, and runs helpers only on get()", async () => {
    const calls: string[] = [];
    const keychain = keychainFromSources({
      dockerConfig: {
        source: "/c.json",
        auths: [{ key: "https://index.docker.io/v1/", credential: { username: "hub", password: "pw" } }],
        credHelpers: [{ key: "docker.io", helper: "hubhelper" }],
        credsStore: "store",
      },
      helperRunner: fakeRunner({ "docker-credential-hubhelper https://index.docker.io/v1/": "from-helper" }, calls),
    });
    const found = await keychain.candidates("docker.io", "library/nginx");
    expect(found.map((candidate) => [candidate.source, candidate.key])).toEqual([
      ["cred-helper:hubhelper (/c.json)", "docker.io"],
      ["docker-config:/c.json", "https://index.docker.io/v1/"],
      ["creds-store:store (/c.json)", "https://index.docker.io/v1/"],
    ]);
    expect(calls).toEqual([]);
    expect(await found[0]?.get()).toEqual({ username: "from-helper", password: "from-helper-secret" });
    expect(await found[2]?.get()).toEqual({});
    // Asked again: answers are kept, helpers are not run twice.
    const again = await keychain.candidates("registry-1.docker.io", "library/nginx");
    await again[0]?.get();
    expect(calls).toEqual([
      "docker-credential-hubhelper https://index.docker.io/v1/",
      "docker-credential-store https://index.docker.io/v1/",
    ]);
  });

  it("hands the store host:port for other registries", async () => {
    const calls: string[] = [];
    const keychain = keychainFromSources({
      dockerConfig: { source: "c", auths: [], credHelpers: [], credsStore: "s" },
      helperRunner: fakeRunner({}, calls),
    });
    const [candidate] = await keychain.candidates("LocalHost:5000", "app");
    await candidate?.get();
    expect(calls).toEqual(["docker-credential-s localhost:5000"]);
  });
});

describe("keychainFromPullSecretObjects", () => {
  it("reads API objects in order", async () => {
    const object = (name: string, user: string) => ({
      metadata: { name, namespace: "team" },
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": b64(JSON.stringify({ auths: { "r.io": { auth: b64(`${user}:pw`) } } })) },
    });
    const keychain = keychainFromPullSecretObjects([object("b", "bee"), object("a", "ay")]);
    expect((await keychain.candidates("r.io", "x")).map((candidate) => [candidate.source, candidate.username])).toEqual(
      [
        ["pull-secret:team/b", "bee"],
        ["pull-secret:team/a", "ay"],
      ],
    );
  });

  it("skips a Secret of another type when asked to, reporting it", async () => {
    const reported: string[] = [];
    const good = {
      metadata: { name: "ok", namespace: "n" },
      type: "kubernetes.io/dockercfg",
      data: { ".dockercfg": b64(JSON.stringify({ "r.io": { auth: b64("u:p") } })) },
    };
    const keychain = keychainFromPullSecretObjects(
      [{ metadata: { name: "tls", namespace: "n" }, type: "kubernetes.io/tls", data: {} }, good],
      {
        onInvalid: (error) => reported.push(error.code),
      },
    );
    expect(reported).toEqual(["invalid-pull-secret"]);
    expect((await keychain.candidates("r.io", "x")).map((candidate) => candidate.source)).toEqual(["pull-secret:n/ok"]);
  });

  it("rejects a Secret of another type", () => {
    expect(() => keychainFromPullSecretObjects([{ metadata: { name: "x" }, type: "Opaque", data: {} }])).toThrow(
      expect.objectContaining({ code: "invalid-pull-secret" }),
    );
  });
});

describe("createKeychain with files and a real credential helper", () => {
  const root = mkdtempSync(join(tmpdir(), "imagepin-keychain-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const bin = join(root, "bin");
  mkdirSync(bin);
  const log = join(root, "helper.log");
  const helper = join(bin, "docker-credential-test");
  writeFileSync(
    helper,
    `#!/bin/sh\nurl=$(cat)\necho "$url" >> "${log}"\ncase "$url" in\n  reg.example.com) printf '{"Username":"helper-user","Secret":"helper-secret"}' ;;\n  *) echo "credentials not found in native keychain"; exit 1 ;;\nesac\n`,
  );
  chmodSync(helper, 0o755);
  const write = (name: string, content: unknown) => {
    const path = join(root, name);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
    return path;
  };
  const explicit = write("explicit/config.json", {
    auths: { "reg.example.com": { auth: b64("explicit-user:pw") } },
    credHelpers: { "reg.example.com": "test" },
  });
  const envConfig = write("envdir/config.json", { auths: { "reg.example.com": { auth: b64("env-user:pw") } } });
  write("home/.docker/config.json", { auths: { "reg.example.com": { auth: b64("home-user:pw") } } });
  const secrets = write(
    "secrets.yaml",
    `kind: Secret\nmetadata: {name: regcred, namespace: ns}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{"auths": {"*.example.com": {"auth": "${b64("secret-user:pw")}"}}}'\n`,
  );
  const env = {
    PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    HOME: join(root, "home"),
    DOCKER_CONFIG: join(root, "envdir"),
  };

  it("uses pull secrets, then the explicit config instead of DOCKER_CONFIG and HOME", async () => {
    const keychain = await createKeychain({
      pullSecretFiles: [secrets],
      dockerConfigPath: join(root, "explicit"),
      env,
    });
    expect(await describeCandidates(keychain, "reg.example.com/app:1")).toEqual([
      { source: `pull-secret:${secrets}#ns/regcred`, key: "*.example.com", username: "secret-user" },
      { source: `cred-helper:test (${explicit})`, key: "reg.example.com", username: "helper-user" },
      { source: `docker-config:${explicit}`, key: "reg.example.com", username: "explicit-user" },
    ]);
  });

  it("uses DOCKER_CONFIG before HOME, and HOME last", async () => {
    expect(
      (await describeCandidates(await createKeychain({ env }), "reg.example.com/app")).map((entry) => entry.username),
    ).toEqual(["env-user"]);
    expect(
      (
        await describeCandidates(
          await createKeychain({ env: { ...env, DOCKER_CONFIG: undefined } }),
          "reg.example.com/app",
        )
      ).map((entry) => entry.username),
    ).toEqual(["home-user"]);
    expect(envConfig).toContain("envdir");
  });

  it("leaves out a helper that has nothing, lists a failing one with its error", async () => {
    const config = write("other/config.json", {
      credHelpers: { "other.example.com": "test", "broken.example.com": "absent" },
    });
    const keychain = await createKeychain({ dockerConfigPath: config, env });
    expect(await describeCandidates(keychain, "other.example.com/app")).toEqual([]);
    const broken = await describeCandidates(keychain, "broken.example.com/app");
    expect(broken).toMatchObject([
      { source: `cred-helper:absent (${config})`, username: null, error: { code: "credential-helper-failed" } },
    ]);
    expect(readFileSync(log, "utf8")).toContain("other.example.com");
  });

  it("can describe without running helpers", async () => {
    const keychain = await createKeychain({ dockerConfigPath: join(root, "explicit"), env });
    expect((await describeCandidates(keychain, "reg.example.com/app", { runHelpers: false }))[0]).toEqual({
      source: `cred-helper:test (${explicit})`,
      key: "reg.example.com",
      username: null,
    });
  });

  it("fails up front on a missing or malformed file", async () => {
    await expect(createKeychain({ pullSecretFiles: [join(root, "missing.yaml")], env })).rejects.toMatchObject({
      code: "config-not-found",
    });
    await expect(createKeychain({ dockerConfigPath: join(root, "missing.json"), env })).rejects.toMatchObject({
      code: "config-not-found",
    });
    await expect(createKeychain({ dockerConfigPath: write("bad.json", "{"), env })).rejects.toMatchObject({
      code: "invalid-config",
    });
    await expect(
      createKeychain({ pullSecretFiles: [write("bad.yaml", "kind: ConfigMap\nmetadata: {name: x}\n")], env }),
    ).rejects.toMatchObject({ code: "invalid-pull-secret" });
  });
});
