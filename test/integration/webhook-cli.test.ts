// `imagepin webhook …` as a user runs it (dist/cli/bin.js): config validation at start, the store
// commands, and the install manifests. Needs `npm run build`.
import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseAllDocuments, visit } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { runImagepin, runImagepinSync } from "../harness/cli.js";
import { startRedis } from "./webhook-support/redis.js";
import { openStore } from "../../src/store/index.js";
import { generateServingCertificates } from "../../src/webhook/install/certs.js";

const bin = resolve(import.meta.dirname, "../../dist/cli/bin.js");
const dir = mkdtempSync(join(tmpdir(), "imagepin-webhook-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => runImagepinSync(args, { cwd: dir });
const pinnedTestImage = `registry.example.com/imagepin/webhook:1@sha256:${"a".repeat(64)}`;

describe("imagepin webhook serve", () => {
  it("rejects a bad config at start, naming the key and line", () => {
    const config = join(dir, "bad.yaml");
    writeFileSync(config, "deadlineSeconds: 5\nfailurePolicies:\n  - registry: r.example\n    policy: sometimes\n");
    const result = run("webhook", "serve", "--tls-cert", "x", "--tls-key", "y", "--config", config);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${config}:4`);
    expect(result.stderr).toContain("failurePolicies[0].policy");
  });

  it("rejects a bad --listen and a bad --store", () => {
    expect(run("webhook", "serve", "--tls-cert", "x", "--tls-key", "y", "--listen", "nope").status).toBe(2);
    const store = run("webhook", "store", "list", "--store", "mysql://db");
    expect(store.status).toBe(2);
    expect(store.stderr).toContain("invalid store URL");
  });
});

describe("imagepin webhook store", () => {
  it("lists and evicts records of an SQLite store", async () => {
    const url = `sqlite://${join(dir, "s.db")}`;
    const store = await openStore(url);
    const digest = `sha256:${"e".repeat(64)}`;
    await store.put({
      reference: "docker.io/library/nginx:1.25",
      digest,
      mediaType: "m",
      resolvedAt: Date.UTC(2020, 0, 1),
      scope: "public",
    });
    await store.put({
      reference: "quay.io/a/b:1",
      digest,
      mediaType: "m",
      resolvedAt: Date.now(),
      scope: "namespace:team",
    });
    await store.close();
    const list = run("webhook", "store", "list", "--store", url, "--json");
    expect(list.status).toBe(0);
    expect(
      list.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line).reference),
    ).toEqual(["docker.io/library/nginx:1.25", "quay.io/a/b:1"]);
    expect(run("webhook", "store", "list", "--store", url, "--scope", "namespace:team").stdout).toContain(
      "quay.io/a/b:1",
    );
    expect(run("webhook", "store", "evict", "--store", url).status).toBe(2);
    expect(run("webhook", "store", "evict", "--store", url, "--older-than", "30d").stdout).toContain(
      "evicted 1 record(s)",
    );
    expect(run("webhook", "store", "list", "--store", url).stdout.trim().split("\n")).toHaveLength(1);
  });
});

describe("a Redis store's password from IMAGEPIN_STORE_PASSWORD", () => {
  it("reaches Redis without being in the command line", async () => {
    const redis = await startRedis(["--requirepass", "s3cret-pw"]);
    try {
      const store = `redis://127.0.0.1:${redis.port}/0`;
      const refused = await runImagepin(["webhook", "store", "list", "--store", store], { cwd: dir });
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain("cannot connect to the digest store");
      const env = { ...process.env, DOCKER_CONFIG: "/nonexistent-imagepin-test", IMAGEPIN_STORE_PASSWORD: "s3cret-pw" };
      const listed = await runImagepin(["webhook", "store", "list", "--store", store], { cwd: dir, env });
      expect(listed.stderr).toBe("");
      expect(listed.status).toBe(0);
    } finally {
      await redis.stop();
    }
  }, 60_000);
});

describe("imagepin webhook manifests", () => {
  it("prints installable objects with a self-signed CA in caBundle, reusing the certificates on a second run", () => {
    const certs = join(dir, "certs");
    const first = run(
      "webhook",
      "manifests",
      "--self-signed",
      certs,
      "--namespace",
      "pin",
      "--image",
      "example.com/imagepin:1",
      "--no-resolve",
      "--pull-secrets",
    );
    expect(first.status).toBe(0);
    const objects = parseAllDocuments(first.stdout).map((doc) => doc.toJS() as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    const hook = objects.find((o) => o.kind === "MutatingWebhookConfiguration");
    const ca = new X509Certificate(Buffer.from(hook?.webhooks[0].clientConfig.caBundle, "base64"));
    expect(new X509Certificate(readFileSync(join(certs, "tls.crt"))).verify(ca.publicKey)).toBe(true);
    expect(objects.find((o) => o.kind === "ClusterRole")?.rules).toContainEqual({
      apiGroups: [""],
      resources: ["secrets", "serviceaccounts"],
      verbs: ["get"],
    });
    expect(objects.find((o) => o.kind === "Deployment")?.spec.template.spec.containers[0].image).toBe(
      "example.com/imagepin:1",
    );
    const second = run(
      "webhook",
      "manifests",
      "--self-signed",
      certs,
      "--namespace",
      "pin",
      "--image",
      "example.com/imagepin:1",
      "--no-resolve",
      "--pull-secrets",
    );
    expect(second.stdout).toBe(first.stdout);
  });

  it("prints plain YAML that imagepin lint passes once --image is pinned; without --image it names what to build", () => {
    const noAliases = (text: string) => {
      for (const doc of parseAllDocuments(text)) {
        visit(doc, {
          Alias: () => expect.fail("the output has an alias (*a1)"),
          Node: (_key, node) => expect(node.anchor, "the output has an anchor (&a1)").toBeUndefined(),
        });
      }
      expect(text).not.toMatch(/(?:^|[\s:-])[&*]a\d/m);
    };
    const version = (
      JSON.parse(readFileSync(resolve(import.meta.dirname, "../../package.json"), "utf8")) as { version: string }
    ).version;
    // No default image: imagepin/webhook:VERSION does not exist anywhere a cluster could pull it from.
    const defaults = run("webhook", "manifests", "--self-signed", join(dir, "lint-certs"));
    expect(defaults.status).toBe(2);
    expect(defaults.stdout).toBe("");
    expect(defaults.stderr).toContain("needs --image");
    expect(defaults.stderr).toContain("npm run image");

    const image = `registry.example.com/imagepin/webhook:${version}@sha256:${"a".repeat(64)}`;
    for (const extra of [
      ["--cert-manager"],
      ["--self-signed", join(dir, "lint-certs"), "--pull-secrets", "--mutate-workloads", "--ephemeral-containers"],
    ]) {
      const manifests = run("webhook", "manifests", "--image", image, ...extra);
      expect(manifests.status).toBe(0);
      noAliases(manifests.stdout);
      const lint = spawnSync(process.execPath, [bin, "lint", "-"], { encoding: "utf8", input: manifests.stdout });
      expect(lint.stdout + lint.stderr).toBe("");
      expect(lint.status).toBe(0);
    }
  });

  it("re-issues a reused serving certificate for another namespace, keeping the CA and saying so", () => {
    const certs = join(dir, "moved-certs");
    expect(run("webhook", "manifests", "--image", pinnedTestImage, "--self-signed", certs).status).toBe(0);
    const caBefore = readFileSync(join(certs, "ca.crt"), "utf8");
    const moved = run(
      "webhook",
      "manifests",
      "--image",
      pinnedTestImage,
      "--self-signed",
      certs,
      "--namespace",
      "other",
    );
    expect(moved.status).toBe(0);
    const serving = new X509Certificate(readFileSync(join(certs, "tls.crt")));
    // The API server connects to imagepin-webhook.other.svc: a certificate for imagepin-system fails its TLS check.
    expect(serving.checkHost("imagepin-webhook.other.svc")).toBe("imagepin-webhook.other.svc");
    expect(serving.checkHost("imagepin-webhook.imagepin-system.svc")).toBeUndefined();
    expect(readFileSync(join(certs, "ca.crt"), "utf8")).toBe(caBefore);
    expect(serving.verify(new X509Certificate(caBefore).publicKey)).toBe(true);
    expect(moved.stderr).toMatch(/re-issued .*tls\.crt/);
    expect(moved.stderr).toContain("imagepin-webhook.other.svc");
    const objects = parseAllDocuments(moved.stdout).map((doc) => doc.toJS() as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    const secret = objects.find((o) => o.kind === "Secret");
    expect(Buffer.from(secret?.data["tls.crt"], "base64").toString()).toBe(
      readFileSync(join(certs, "tls.crt"), "utf8"),
    );
    // Nothing to change: the same names again reuse the certificate silently.
    const again = run(
      "webhook",
      "manifests",
      "--image",
      pinnedTestImage,
      "--self-signed",
      certs,
      "--namespace",
      "other",
    );
    expect(again.stdout).toBe(moved.stdout);
    expect(again.stderr).toBe("");
  });

  it("re-issues a serving certificate that expires within 30 days", () => {
    const certs = join(dir, "expiring-certs");
    mkdirSync(certs);
    const names = [
      "imagepin-webhook",
      "imagepin-webhook.imagepin-system",
      "imagepin-webhook.imagepin-system.svc",
      "imagepin-webhook.imagepin-system.svc.cluster.local",
    ];
    const old = generateServingCertificates({ dnsNames: names, days: 10 });
    for (const [file, text] of [
      ["ca.crt", old.caCert],
      ["ca.key", old.caKey],
      ["tls.crt", old.cert],
      ["tls.key", old.key],
    ] as const)
      writeFileSync(join(certs, file), text);
    const result = run("webhook", "manifests", "--image", pinnedTestImage, "--self-signed", certs);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/re-issued .*expires/);
    const serving = new X509Certificate(readFileSync(join(certs, "tls.crt")));
    expect(new Date(serving.validTo).getTime()).toBeGreaterThan(Date.now() + 300 * 86_400_000);
    expect(readFileSync(join(certs, "ca.crt"), "utf8")).toBe(old.caCert);
    expect(readFileSync(join(certs, "tls.key"), "utf8")).not.toBe(old.key);
  });

  it("rejects --cert-manager with --self-signed", () => {
    expect(run("webhook", "manifests", "--cert-manager", "--self-signed", dir).status).toBe(2);
  });
});
