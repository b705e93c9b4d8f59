import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isImagepinError } from "../errors.js";
import { parseDockerConfig } from "./docker-config.js";
import { locateDockerConfig, readCredentialsFile } from "./locate.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");

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

describe("parseDockerConfig", () => {
  it("reads auth as base64 user:password, keeping colons in the password", () => {
    const config = parseDockerConfig(
      JSON.stringify({ auths: { "quay.io": { auth: b64("robot:pa:ss:word") } } }),
      "c.json",
    );
    expect(config).toEqual({
      source: "c.json",
      auths: [{ key: "quay.io", credential: { username: "robot", password: "pa:ss:word" } }],
      credHelpers: [],
    });
  });

  it("reads username and password fields", () => {
    const config = parseDockerConfig(
      JSON.stringify({ auths: { "r.io": { username: "u", password: "p", email: "x@y" } } }),
      "c.json",
    );
    expect(config.auths).toEqual([{ key: "r.io", credential: { username: "u", password: "p" } }]);
  });

  it("lets auth win over username/password beside it", () => {
    const config = parseDockerConfig(
      JSON.stringify({ auths: { "r.io": { auth: b64("a:b"), username: "u", password: "p" } } }),
      "c.json",
    );
    expect(config.auths[0]?.credential).toEqual({ username: "a", password: "b" });
  });

  it("reads identity and registry tokens", () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: {
          "a.io": { auth: b64("user:"), identitytoken: "refresh-1" },
          "b.io": { registrytoken: "bearer-1" },
          "c.io": { identitytoken: "refresh-2" },
        },
      }),
      "c.json",
    );
    expect(config.auths.map((entry) => entry.credential)).toEqual([
      { username: "user", identityToken: "refresh-1" },
      { registryToken: "bearer-1" },
      { identityToken: "refresh-2" },
    ]);
  });

  it("skips empty placeholders and keeps file order", () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: {
          "z.io": { auth: b64("z:1") },
          "placeholder.io": {},
          "a.io": { auth: "", username: "a", password: "2" },
        },
      }),
      "c.json",
    );
    expect(config.auths.map((entry) => entry.key)).toEqual(["z.io", "a.io"]);
  });

  it("reads credHelpers and credsStore", () => {
    const config = parseDockerConfig(
      JSON.stringify({ credHelpers: { "gcr.io": "gcloud", "x.io": "ecr-login" }, credsStore: "desktop" }),
      "c.json",
    );
    expect(config.credHelpers).toEqual([
      { key: "gcr.io", helper: "gcloud" },
      { key: "x.io", helper: "ecr-login" },
    ]);
    expect(config.credsStore).toBe("desktop");
  });

  it("accepts an empty object, an empty credsStore and a BOM", () => {
    expect(parseDockerConfig("\uFEFF{}", "c.json")).toEqual({ source: "c.json", auths: [], credHelpers: [] });
    expect(parseDockerConfig(`{"credsStore": "", "auths": null}`, "c.json").credsStore).toBeUndefined();
  });

  it("accepts base64 without padding or with line breaks", () => {
    const unpadded = b64("ab:c").replace(/=+$/, "");
    expect(
      parseDockerConfig(JSON.stringify({ auths: { "r.io": { auth: unpadded } } }), "c.json").auths[0]?.credential,
    ).toEqual({ username: "ab", password: "c" });
  });

  it.each([
    ["trailing comma", `{\n  "auths": {},\n}`, 3, 1],
    ["missing colon", `{\n  "auths" {}\n}`, 2, 11],
    ["unterminated", `{\n  "auths": {`, 2, 13],
    ["empty file", ``, 1, 1],
  ])("reports malformed JSON (%s) with line and column", (_name, text, line, column) => {
    const error = failure(() => parseDockerConfig(text, "/tmp/config.json"));
    expect(error).toMatchObject({ code: "invalid-config", file: "/tmp/config.json", line, column });
    expect(error.message.startsWith("/tmp/config.json:")).toBe(true);
  });

  it("never echoes the text of a config that is not JSON at all", () => {
    const error = failure(() => parseDockerConfig("s3cr3t-token-value", "c.json"));
    expect(error.code).toBe("invalid-config");
    expect(error.message).not.toContain("s3cr3t");
  });

  it.each([
    ["an array", `[]`],
    ["auths not an object", `{"auths": []}`],
    ["an entry not an object", `{"auths": {"r.io": "x"}}`],
    ["auth not a string", `{"auths": {"r.io": {"auth": 5}}}`],
    ["bad base64", `{"auths": {"r.io": {"auth": "not base64!!"}}}`],
    ["base64 without a colon", `{"auths": {"r.io": {"auth": "${b64("justuser")}"}}}`],
    ["credHelpers not an object", `{"credHelpers": "gcloud"}`],
    ["a helper name with a slash", `{"credHelpers": {"r.io": "../evil"}}`],
    ["credsStore not a string", `{"credsStore": 1}`],
  ])("rejects %s with invalid-config", (_name, text) => {
    expect(failure(() => parseDockerConfig(text, "c.json")).code).toBe("invalid-config");
  });

  it("points a bad entry at its line and keeps the secret out of the message", () => {
    const text = `{\n  "auths": {\n    "ok.io": {"auth": "${b64("a:b")}"},\n    "bad.io": {"auth": "p@ssw0rd-not-base64"}\n  }\n}`;
    const error = failure(() => parseDockerConfig(text, "c.json"));
    expect(error).toMatchObject({ code: "invalid-config", line: 4, column: 5 });
    expect(error.message).toContain("bad.io");
    expect(error.message).not.toContain("p@ssw0rd");
  });
});

describe("locateDockerConfig", () => {
  const root = mkdtempSync(join(tmpdir(), "imagepin-locate-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, "dir");
  const home = join(root, "home");
  const envDir = join(root, "env");
  mkdirSync(dir);
  mkdirSync(join(home, ".docker"), { recursive: true });
  mkdirSync(envDir);
  writeFileSync(join(dir, "config.json"), "{}");
  writeFileSync(join(root, "file.json"), "{}");
  writeFileSync(join(home, ".docker", "config.json"), "{}");
  writeFileSync(join(envDir, "config.json"), "{}");

  it("takes an explicit file or a directory holding config.json", async () => {
    expect(await locateDockerConfig({ explicitPath: join(root, "file.json"), env: { HOME: home } })).toBe(
      join(root, "file.json"),
    );
    expect(await locateDockerConfig({ explicitPath: dir, env: { HOME: home } })).toBe(join(dir, "config.json"));
  });

  it("fails for a missing explicit file or an explicit directory without config.json", async () => {
    await expect(locateDockerConfig({ explicitPath: join(root, "nope.json"), env: {} })).rejects.toMatchObject({
      code: "config-not-found",
    });
    await expect(locateDockerConfig({ explicitPath: envDir + "-missing", env: {} })).rejects.toMatchObject({
      code: "config-not-found",
    });
    await expect(locateDockerConfig({ explicitPath: home, env: {} })).rejects.toMatchObject({
      code: "config-not-found",
    });
  });

  it("uses DOCKER_CONFIG before HOME, and only one of them", async () => {
    expect(await locateDockerConfig({ env: { DOCKER_CONFIG: envDir, HOME: home } })).toBe(join(envDir, "config.json"));
    expect(await locateDockerConfig({ env: { DOCKER_CONFIG: dir + "-missing", HOME: home } })).toBeUndefined();
    expect(await locateDockerConfig({ env: { HOME: home } })).toBe(join(home, ".docker", "config.json"));
  });

  it("is fine with no default file at all", async () => {
    expect(await locateDockerConfig({ env: { HOME: join(root, "nobody") } })).toBeUndefined();
    expect(await locateDockerConfig({ env: {} })).toBeUndefined();
  });

  it("reads files with codes for missing and unreadable ones", async () => {
    expect(await readCredentialsFile(join(root, "file.json"), "docker config")).toBe("{}");
    await expect(readCredentialsFile(join(root, "nope"), "docker config")).rejects.toMatchObject({
      code: "config-not-found",
    });
    await expect(readCredentialsFile(dir, "docker config")).rejects.toMatchObject({ code: "config-unreadable" });
  });
});
