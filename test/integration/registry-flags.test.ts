// The registry flags' values are checked before anything runs (exit 2 naming the flag), through the
// built CLI: --insecure-registry takes HOST[:PORT] (an http:// or https:// scheme is dropped),
// --ca-file must hold a PEM certificate, --platform may be given once. Accepted values still resolve
// against a real registry.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage, type PushedManifest } from "../harness/seed.js";
import { makeCertificates, type TestCertificates } from "../harness/tls.js";

const bin = resolve(import.meta.dirname, "../../dist/cli/bin.js");
const dir = mkdtempSync(join(tmpdir(), "imagepin-registry-flags-"));
let registry: TestRegistry;
let pushed: PushedManifest;
let certs: TestCertificates;

beforeAll(async () => {
  certs = makeCertificates(dir);
  registry = await startRegistry();
  pushed = await pushImage(registry, "flags/app", "1.0");
}, 60_000);
afterAll(async () => {
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function resolveWith(...flags: string[]) {
  const result = spawnSync(process.execPath, [bin, "resolve", ...flags, `${registry.host}/flags/app:1.0`], {
    encoding: "utf8",
    env: { ...process.env, DOCKER_CONFIG: join(dir, "none") },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("--insecure-registry", () => {
  for (const value of ["a b/c", "vm:5000/path", "http://vm:5000/v2/", "vm:99999", "vm:", "ftp://vm", "-vm", ""]) {
    it(`refuses ${JSON.stringify(value)}`, () => {
      const result = resolveWith("--insecure-registry", value);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`--insecure-registry takes HOST[:PORT]`);
      expect(result.stdout).toBe("");
    });
  }

  it("accepts HOST[:PORT], [IPv6]:PORT and drops an http:// or https:// scheme", () => {
    const result = resolveWith(
      "--insecure-registry",
      `http://${registry.host}/`,
      "--insecure-registry",
      "https://VM.example:5000",
      "--insecure-registry",
      "[::1]:5000",
      "--insecure-registry",
      "vm",
    );
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe(`${registry.host}/flags/app:1.0@${pushed.digest}`);
  });
});

describe("--ca-file", () => {
  it("refuses a file without a PEM certificate, without quoting it", () => {
    const passwd = join(dir, "passwd");
    writeFileSync(passwd, "root:x:0:0:root-SECRET-LINE:/root:/bin/bash\n");
    const result = resolveWith("--ca-file", passwd);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`--ca-file: ${passwd} holds no PEM certificate`);
    expect(result.stderr).not.toContain("SECRET");
  });

  it("names a missing file as other read errors are, not by its error code", () => {
    const missing = join(dir, "missing.crt");
    const result = resolveWith("--ca-file", missing);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`--ca-file: cannot read ${missing}: no such file or directory`);
  });

  it("refuses a key, and a certificate block that does not parse", () => {
    expect(resolveWith("--ca-file", certs.keyFile).status).toBe(2);
    const broken = join(dir, "broken.crt");
    writeFileSync(broken, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
    const result = resolveWith("--ca-file", broken);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`--ca-file: certificate 1 in ${broken} cannot be parsed`);
  });

  it("accepts a CA certificate", () => {
    const result = resolveWith("--ca-file", certs.caFile);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("--platform", () => {
  it("given twice is a usage error, not the last one silently", () => {
    const result = resolveWith("--platform", "linux/amd64", "--platform", "linux/arm64");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`--platform was given twice ("linux/amd64" and "linux/arm64")`);
  });

  it("given once still works", () => {
    expect(resolveWith("--platform", "linux/amd64").status).toBe(0);
  });
});

describe("--debug", () => {
  it("logs the registry exchanges of every registry command, written before or after the command", () => {
    const pod = `kind: Pod\nspec:\n  containers:\n    - name: a\n      image: ${registry.host}/flags/app:1.0\n`;
    const env = { ...process.env, DOCKER_CONFIG: join(dir, "none") };
    for (const args of [
      ["--debug", "pin", "-"],
      ["pin", "-", "--debug"],
      ["verify", "-", "--debug"],
    ]) {
      const input = args[0] === "verify" ? pod.replace(":1.0", `:1.0@${pushed.digest}`) : pod;
      const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env, input, timeout: 30_000 });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr, args.join(" ")).toMatch(
        /^imagepin: debug: registry exchange \{.*"method":"HEAD".*"status":200/m,
      );
    }
    const quiet = spawnSync(process.execPath, [bin, "pin", "-"], {
      encoding: "utf8",
      env,
      input: pod,
      timeout: 30_000,
    });
    expect(quiet.stderr).not.toContain("debug:");
  });
});
