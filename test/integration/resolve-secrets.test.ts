// Issue 3: "Secrets never appear in logs, errors or --debug output." The built CLI resolves against
// real registries (htpasswd Basic and token auth) with right and wrong passwords, an identitytoken and
// a revoked one, in text, JSON and --debug modes; every byte it prints is searched for the secrets, their
// base64 forms and any JWT. --debug must show the registry exchanges, or the search proves nothing.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImagepin } from "../harness/cli.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage } from "../harness/seed.js";
import { makeSigningKey } from "../harness/tls.js";
import { startTokenServer, type TokenServer } from "../harness/token-server.js";

const alice = { username: "alice", password: "correct-horse-battery-staple" };
const wrongPassword = "stale-password-0451";
const basic = (username: string, password: string) => Buffer.from(`${username}:${password}`).toString("base64");
let dir: string;

async function run(args: string[]): Promise<{ status: number | null; output: string }> {
  const { status, stdout, stderr } = await runImagepin(args);
  return { status, output: stdout + stderr };
}

function expectNoSecret(output: string, secrets: string[]): void {
  for (const secret of secrets) expect(output, `output contains ${secret}`).not.toContain(secret);
  // a JWT (base64url of '{"') anywhere would be a bearer token
  expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
}

function writeJson(name: string, value: object): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

function pullSecret(name: string, host: string, password: string): string {
  const inner = JSON.stringify({ auths: { [host]: { auth: basic(alice.username, password) } } });
  return writeJson(name, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: "team" },
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": Buffer.from(inner).toString("base64") },
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "imagepin-secrets-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("htpasswd registry", () => {
  let registry: TestRegistry;
  let secrets: string[];
  beforeAll(async () => {
    registry = await startRegistry({ auth: { kind: "htpasswd", users: [alice] } });
    await pushImage(
      { url: registry.url, authorization: `Basic ${basic(alice.username, alice.password)}` },
      "private/app",
      "1",
    );
    secrets = [
      alice.password,
      wrongPassword,
      basic(alice.username, alice.password),
      basic(alice.username, wrongPassword),
    ];
  });
  afterAll(() => registry?.stop());

  it("prints no password with --debug, whether a credential is refused or accepted", async () => {
    const stale = pullSecret("stale", registry.host, wrongPassword);
    const config = writeJson("good.json", {
      auths: { [registry.host]: { auth: basic(alice.username, alice.password) } },
    });
    for (const mode of [[], ["--json"]]) {
      const result = await run([
        "resolve",
        "--debug",
        ...mode,
        "--pull-secret",
        stale,
        "--docker-config",
        config,
        `${registry.host}/private/app:1`,
      ]);
      expect(result.status).toBe(0);
      expect(result.output).toContain("registry exchange");
      expectNoSecret(result.output, secrets);
    }
  });

  it("prints no password when every credential is refused", async () => {
    const stale = pullSecret("stale-only", registry.host, wrongPassword);
    for (const mode of [["--debug"], ["--debug", "--json"]]) {
      const result = await run(["resolve", ...mode, "--pull-secret", stale, `${registry.host}/private/app:1`]);
      expect(result.status).toBe(1);
      expect(result.output).toMatch(/unauthorized|\(401\)/);
      expectNoSecret(result.output, secrets);
    }
  });
});

describe("token registry", () => {
  let registry: TestRegistry;
  let tokens: TokenServer;
  const service = "imagepin-secrets-registry";
  beforeAll(async () => {
    const signingKey = makeSigningKey(mkdtempSync(join(dir, "key-")));
    tokens = await startTokenServer({ users: [alice], signingKey, issuer: "imagepin-secrets-issuer", service });
    registry = await startRegistry({
      auth: {
        kind: "token",
        realm: tokens.url,
        service,
        issuer: "imagepin-secrets-issuer",
        rootCertFile: signingKey.certFile,
      },
    });
    const response = await fetch(`${tokens.url}?service=${service}&scope=repository:tok/app:pull,push`, {
      headers: { authorization: `Basic ${basic(alice.username, alice.password)}` },
    });
    const { token } = (await response.json()) as { token: string };
    await pushImage({ url: registry.url, authorization: `Bearer ${token}` }, "tok/app", "1");
  });
  afterAll(async () => {
    await registry?.stop();
    await tokens?.close();
  });

  it("prints no password, refresh token or bearer token with --debug", async () => {
    const refreshToken = tokens.issueRefreshToken("alice");
    const secrets = [alice.password, basic(alice.username, alice.password), refreshToken, "rt-revoked-0451"];
    const withPassword = writeJson("token-password.json", {
      auths: { [registry.host]: { username: alice.username, password: alice.password } },
    });
    const withIdentity = writeJson("token-identity.json", {
      auths: { [registry.host]: { identitytoken: refreshToken } },
    });
    const revoked = writeJson("token-revoked.json", {
      auths: { [registry.host]: { identitytoken: "rt-revoked-0451" } },
    });
    for (const config of [withPassword, withIdentity]) {
      const result = await run([
        "resolve",
        "--debug",
        "--json",
        "--docker-config",
        config,
        `${registry.host}/tok/app:1`,
      ]);
      expect(result.status).toBe(0);
      expect(result.output).toContain("fetching a bearer token");
      expectNoSecret(result.output, secrets);
    }
    const refused = await run(["resolve", "--debug", "--docker-config", revoked, `${registry.host}/tok/app:1`]);
    expect(refused.status).toBe(1);
    expectNoSecret(refused.output, secrets);
  });
});
