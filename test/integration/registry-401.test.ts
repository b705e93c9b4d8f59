// A 401 says what was tried, through the built CLI against a real htpasswd registry: anonymous access
// when no credential matches, the refused credentials' sources and users, and a credential helper's
// failure (which only --debug showed before). The code stays `unauthorized`; no secret is printed.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage } from "../harness/seed.js";

const bin = resolve(import.meta.dirname, "../../dist/cli/bin.js");
const alice = { username: "alice", password: "right-pw-401-test" };
const wrong = "wrong-pw-401-test";
const b64 = (text: string) => Buffer.from(text).toString("base64");
const dir = mkdtempSync(join(tmpdir(), "imagepin-registry-401-"));
let registry: TestRegistry;

beforeAll(async () => {
  registry = await startRegistry({ auth: { kind: "htpasswd", users: [alice] } });
  await pushImage(
    { url: registry.url, authorization: `Basic ${b64(`${alice.username}:${alice.password}`)}` },
    "priv/app",
    "1.0",
  );
}, 60_000);
afterAll(async () => {
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function resolveWith(config: object | undefined, ...flags: string[]) {
  const configFile = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  if (config) writeFileSync(configFile, JSON.stringify(config));
  const args = [
    bin,
    "resolve",
    ...(config ? ["--docker-config", configFile] : []),
    ...flags,
    `${registry.host}/priv/app:1.0`,
  ];
  const result = spawnSync(process.execPath, args, {
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: join(dir, "home") },
    timeout: 30_000,
  });
  const output = result.stdout + result.stderr;
  for (const secret of [alice.password, wrong, b64(`alice:${wrong}`), b64(`alice:${alice.password}`)])
    expect(output).not.toContain(secret);
  return { status: result.status, stderr: result.stderr, stdout: result.stdout, configFile };
}

describe("401 messages", () => {
  it("no credentials: anonymous access was refused and nothing matches the registry", () => {
    const result = resolveWith(undefined);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `registry ${registry.host} refused anonymous access (401); no credentials match ${registry.host}`,
    );
    expect(result.stderr).not.toContain("credentials tried");
  });

  it("a credsStore helper that is not installed is named in the message, not only under --debug", () => {
    const result = resolveWith({ credsStore: "imagepin-test-absent" }, "--json");
    expect(result.status).toBe(1);
    const line = JSON.parse(result.stdout.trim()) as { error: { code: string; message: string } };
    expect(line.error.code).toBe("unauthorized");
    expect(line.error.message).toContain("refused anonymous access (401)");
    expect(line.error.message).toContain("credential helper docker-credential-imagepin-test-absent");
    expect(line.error.message).toContain("not installed");
  });

  it("a wrong password: the refused credential's source and user", () => {
    const result = resolveWith({ auths: { [registry.host]: { auth: b64(`alice:${wrong}`) } } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`refused the credentials of docker-config:${result.configFile} (user alice) (401)`);
  });

  it("the right password still resolves", () => {
    const result = resolveWith({ auths: { [registry.host]: { username: alice.username, password: alice.password } } });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
