// Issue 3's matching rules for config.json keys, against the real registry (htpasswd) at 127.0.0.1:PORT:
// a key that matches brings the right password and the image resolves; a key that must not match
// (a `*` spanning two labels, another port, a partial path component) leaves the client with no
// credential, so the registry answers 401. Most specific first shows in the registry's access log.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeychain } from "../../src/credentials/index.js";
import { parseReference } from "../../src/reference/index.js";
import { isRegistryError, RegistryClient } from "../../src/registry/index.js";
import { settledRequests } from "../harness/access-log.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage } from "../harness/seed.js";

const alice = { username: "alice", password: "glob-secret" };
const auth = (password: string) => Buffer.from(`${alice.username}:${password}`).toString("base64");
let registry: TestRegistry;
let port: string;
let digest: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "imagepin-globs-"));
  registry = await startRegistry({ auth: { kind: "htpasswd", users: [alice] } });
  port = registry.host.split(":")[1]!;
  digest = (await pushImage({ url: registry.url, authorization: `Basic ${auth(alice.password)}` }, "private/app", "1"))
    .digest;
});
afterAll(async () => {
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function resolveWith(keys: Record<string, string>): Promise<string> {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      auths: Object.fromEntries(Object.entries(keys).map(([key, password]) => [key, { auth: auth(password) }])),
    }),
  );
  const client = new RegistryClient({ keychain: await createKeychain({ dockerConfigPath: file, env: {} }) });
  try {
    return (await client.resolve(parseReference(`${registry.host}/private/app:1`))).digest;
  } catch (error) {
    if (isRegistryError(error)) return error.code;
    throw error;
  } finally {
    await client.close();
  }
}

describe("credential keys matched against a real registry", () => {
  it.each([
    ["a `*` for one label", () => `*.0.0.1:${port}`, true],
    ["a `*` inside a label", () => `1*7.0.0.1:${port}`, true],
    ["a scheme, ignored", () => `https://127.0.*.1:${port}`, true],
    ["a path prefix on whole components", () => `127.0.0.*:${port}/private`, true],
    ["a `*` cannot span two labels", () => `*.0.1:${port}`, false],
    ["the port must match", () => `127.0.0.*:${Number(port) + 1}`, false],
    ["a key without a port never matches a host with one", () => "127.0.0.*", false],
    ["a partial path component does not match", () => `127.0.0.*:${port}/priv`, false],
  ])("%s", async (_name, key, matches) => {
    expect(await resolveWith({ [key()]: alice.password })).toBe(matches ? digest : "unauthorized");
  });

  it("tries the exact key before a glob, and the glob when the exact key is refused", async () => {
    await settledRequests(registry);
    registry.clearRequests();
    expect(await resolveWith({ [`*.*.*.*:${port}`]: "wrong", [registry.host]: alice.password })).toBe(digest);
    // the challenge, then the exact key accepted at once: the glob's wrong password was never sent
    expect((await settledRequests(registry)).map((r) => r.status)).toEqual([401, 200]);
    registry.clearRequests();
    expect(await resolveWith({ [`*.*.*.*:${port}`]: alice.password, [registry.host]: "wrong" })).toBe(digest);
    expect((await settledRequests(registry)).map((r) => r.status)).toEqual([401, 401, 200]);
  });
});
