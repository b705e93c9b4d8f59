// Issue 14: the containers auth files users have, written by the real `podman login` and read by the
// built CLI against the real registry: $XDG_RUNTIME_DIR/containers/auth.json (podman's default),
// ~/.config/containers/auth.json, and $REGISTRY_AUTH_FILE, in the order podman and crane read them.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImagepin } from "../harness/cli.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage } from "../harness/seed.js";

const alice = { username: "alice", password: "podman-secret-3141" };
let dir: string;
let registry: TestRegistry;
let digest: string;

function podmanInstalled(): boolean {
  try {
    execFileSync("podman", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** `podman login` as a user would run it, with the environment that decides where it writes. */
function podmanLogin(env: Record<string, string>, password: string, extra: string[] = []): void {
  if (env.XDG_RUNTIME_DIR) mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true });
  execFileSync(
    "podman",
    ["login", "--tls-verify=false", "-u", alice.username, "--password-stdin", ...extra, registry.host],
    {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(dir, "home"), ...env },
      input: `${password}\n`,
      stdio: ["pipe", "ignore", "pipe"],
    },
  );
}

/** An auth.json with a password the registry refuses (podman login checks passwords, so it cannot write one). */
function staleAuthFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify({
      auths: { [registry.host]: { auth: Buffer.from(`${alice.username}:stale-password`).toString("base64") } },
    }),
  );
}

/** The CLI with only the given credential locations (no docker config). */
function imagepin(args: string[], env: Record<string, string>) {
  return runImagepin(args, {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: join(dir, "home"),
      DOCKER_CONFIG: join(dir, "no-docker"),
      ...env,
    },
  });
}

beforeAll(async () => {
  if (!podmanInstalled())
    throw new Error("podman is not installed: run scripts/setup-test-deps.sh (apt-get install podman)");
  dir = mkdtempSync(join(tmpdir(), "imagepin-containers-auth-"));
  mkdirSync(join(dir, "home"));
  registry = await startRegistry({ auth: { kind: "htpasswd", users: [alice] } });
  digest = (
    await pushImage(
      {
        url: registry.url,
        authorization: `Basic ${Buffer.from(`${alice.username}:${alice.password}`).toString("base64")}`,
      },
      "team/app",
      "1",
    )
  ).digest;
});
afterAll(async () => {
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("containers auth files", () => {
  it("reads what podman login wrote to $XDG_RUNTIME_DIR/containers/auth.json", async () => {
    const runtime = join(dir, "run");
    podmanLogin({ XDG_RUNTIME_DIR: runtime }, alice.password);
    const env = { XDG_RUNTIME_DIR: runtime };
    const resolved = await imagepin(["resolve", "--json", `${registry.host}/team/app:1`], env);
    expect(resolved.status).toBe(0);
    expect(JSON.parse(resolved.stdout.trim().split("\n")[0]!).digest).toBe(digest);
    const which = await imagepin(["auth", "which", "--json", `${registry.host}/team/app:1`], env);
    expect(JSON.parse(which.stdout).candidates).toEqual([
      { source: `docker-config:${join(runtime, "containers", "auth.json")}`, key: registry.host, username: "alice" },
    ]);
  });

  it("reads $XDG_RUNTIME_DIR before ~/.config/containers/auth.json, and tries both", async () => {
    const runtime = join(dir, "run-stale");
    staleAuthFile(join(runtime, "containers", "auth.json"));
    const configHome = join(dir, "config");
    podmanLogin({ XDG_RUNTIME_DIR: join(dir, "unused-run") }, alice.password, [
      "--authfile",
      join(configHome, "containers", "auth.json"),
    ]);
    const env = { XDG_RUNTIME_DIR: runtime, XDG_CONFIG_HOME: configHome };
    const which = await imagepin(["auth", "which", "--json", `${registry.host}/team/app:1`], env);
    expect((JSON.parse(which.stdout).candidates as { source: string }[]).map((c) => c.source)).toEqual([
      `docker-config:${join(runtime, "containers", "auth.json")}`,
      `docker-config:${join(configHome, "containers", "auth.json")}`,
    ]);
    const resolved = await imagepin(["resolve", `${registry.host}/team/app:1`], env);
    expect(resolved.status).toBe(0);
    expect(resolved.stdout).toContain(digest);
  });

  it("$REGISTRY_AUTH_FILE replaces the podman defaults, as for podman itself", async () => {
    const authFile = join(dir, "registry-auth.json");
    podmanLogin({ REGISTRY_AUTH_FILE: authFile }, alice.password);
    const runtime = join(dir, "run-other");
    podmanLogin({ XDG_RUNTIME_DIR: runtime }, alice.password);
    const resolved = await imagepin(["resolve", `${registry.host}/team/app:1`], {
      REGISTRY_AUTH_FILE: authFile,
      XDG_RUNTIME_DIR: runtime,
    });
    expect(resolved.status).toBe(0);
    expect(resolved.stdout).toContain(digest);
    // with $REGISTRY_AUTH_FILE naming a stale file, the good podman default is not consulted
    const stale = join(dir, "stale-registry-auth.json");
    staleAuthFile(stale);
    const refused = await imagepin(["resolve", `${registry.host}/team/app:1`], {
      REGISTRY_AUTH_FILE: stale,
      XDG_RUNTIME_DIR: runtime,
    });
    expect(refused.status).toBe(1);
    expect(refused.stdout + refused.stderr).toMatch(/401|unauthorized|refused/);
    const which = await imagepin(["auth", "which", "--json", `${registry.host}/team/app:1`], {
      REGISTRY_AUTH_FILE: authFile,
      XDG_RUNTIME_DIR: runtime,
    });
    expect((JSON.parse(which.stdout).candidates as { source: string }[]).map((c) => c.source)).toEqual([
      `docker-config:${authFile}`,
    ]);
    // the same file, read by skopeo, opens the same image
    const skopeo = execFileSync(
      "skopeo",
      ["inspect", "--tls-verify=false", "--format", "{{.Digest}}", `docker://${registry.host}/team/app:1`],
      {
        env: { PATH: process.env.PATH ?? "", REGISTRY_AUTH_FILE: authFile, HOME: join(dir, "home") },
        encoding: "utf8",
      },
    );
    expect(skopeo.trim()).toBe(digest);
  });

  it("the docker config comes before the containers files, as crane reads them", async () => {
    const runtime = join(dir, "run-after-docker");
    podmanLogin({ XDG_RUNTIME_DIR: runtime }, alice.password);
    const dockerDir = join(dir, "docker");
    mkdirSync(dockerDir);
    writeFileSync(
      join(dockerDir, "config.json"),
      JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from("alice:stale").toString("base64") } } }),
    );
    const env = { XDG_RUNTIME_DIR: runtime, DOCKER_CONFIG: dockerDir };
    const which = await imagepin(["auth", "which", "--json", `${registry.host}/team/app:1`], env);
    expect((JSON.parse(which.stdout).candidates as { source: string }[]).map((c) => c.source)).toEqual([
      `docker-config:${join(dockerDir, "config.json")}`,
      `docker-config:${join(runtime, "containers", "auth.json")}`,
    ]);
    // the stale docker credential is refused and the podman one is then accepted
    const resolved = await imagepin(["resolve", `${registry.host}/team/app:1`], env);
    expect(resolved.status).toBe(0);
  });
});
