// `imagepin webhook manifests` as a user runs it (dist/cli/bin.js), in every mode, checked against the
// Kubernetes OpenAPI schemas (kubernetes-models, @kubernetes-models/cert-manager; unknown fields are
// errors) and against imagepin lint. Needs `npm run build` and the distribution registry.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImagepin, runImagepinSync } from "../harness/cli.js";
import { expectValidKubeObjects, kubeSchemaProblems } from "../harness/kube-schemas.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage, skopeoDigest } from "../harness/seed.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const dir = mkdtempSync(join(tmpdir(), "imagepin-manifests-schema-"));
const image = `registry.example.com/imagepin/webhook:1@sha256:${"b".repeat(64)}`;
const objectsOf = (text: string): Obj[] => parseAllDocuments(text).map((doc) => doc.toJS() as Obj);
const find = (objects: Obj[], kind: string): Obj => {
  const found = objects.find((o) => o.kind === kind);
  if (!found) throw new Error(`no ${kind} in the output`);
  return found;
};

const modes: [string, string[]][] = [
  ["cert-manager (the default)", []],
  ["--cert-manager, explicitly", ["--cert-manager"]],
  ["--self-signed", ["--self-signed", join(dir, "certs")]],
  ["--pull-secrets", ["--pull-secrets"]],
  [
    "--store redis with a password Secret",
    ["--store", "redis://redis.imagepin-system.svc:6379/0", "--store-password-secret", "redis-auth:redis-password"],
  ],
  ["--mutate-workloads --ephemeral-containers", ["--mutate-workloads", "--ephemeral-containers"]],
  ["--no-events", ["--no-events"]],
  ["--validate (cert-manager)", ["--validate"]],
  [
    "--validate --self-signed, other names",
    [
      "--validate",
      "--self-signed",
      join(dir, "certs-2"),
      "--namespace",
      "pins",
      "--name",
      "pinner",
      "--replicas",
      "3",
      "--namespace-label",
      "team.example.com/pin=yes",
    ],
  ],
];

describe("imagepin webhook manifests against the Kubernetes schemas", () => {
  const outputs = new Map<string, string>();
  beforeAll(async () => {
    // All modes at once: each run is a separate process, and the machine has other work to do.
    const results = await Promise.all(
      modes.map(([, args]) => runImagepin(["webhook", "manifests", "--image", image, ...args])),
    );
    modes.forEach(([name], index) => {
      const result = results[index]!;
      if (result.status !== 0) throw new Error(`${name}: exit ${result.status}: ${result.stderr}`);
      outputs.set(name, result.stdout);
    });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("the schema check itself fails on an unknown field, a wrong type and an unknown kind", async () => {
    const deployment = find(objectsOf(outputs.get("cert-manager (the default)")!), "Deployment");
    deployment.spec.template.spec.containers[0].imagePullPolicyy = "Always";
    deployment.spec.replicas = "two";
    const problems = await kubeSchemaProblems([
      deployment,
      { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } },
    ]);
    const messages = problems.map((p) => `${p.object}: ${p.message}`).join("\n");
    expect(messages).toContain("imagePullPolicyy");
    expect(messages).toMatch(/replicas/);
    expect(messages).toContain("no schema for example.com/v1 Widget");
  }, 60_000);

  it("every object of every mode validates", async () => {
    const all = modes.flatMap(([name]) => objectsOf(outputs.get(name)!));
    expect(all.length).toBeGreaterThan(modes.length * 10);
    await expectValidKubeObjects(all);
    const kinds = new Set(all.map((o) => `${o.apiVersion} ${o.kind}`));
    for (const kind of [
      "cert-manager.io/v1 Certificate",
      "cert-manager.io/v1 Issuer",
      "v1 Secret",
      "admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration",
      "apps/v1 Deployment",
    ])
      expect(kinds).toContain(kind);
  }, 120_000);

  it("every mode passes imagepin lint", () => {
    const stream = modes.map(([name]) => outputs.get(name)!).join("");
    const lint = runImagepinSync(["lint", "-"], { input: stream });
    expect(lint.stdout + lint.stderr).toBe("");
    expect(lint.status).toBe(0);
  });

  it("events RBAC only creates; the Redis password comes from a Secret, never the args", () => {
    expect(find(objectsOf(outputs.get("cert-manager (the default)")!), "ClusterRole").rules).toEqual([
      { apiGroups: [""], resources: ["events"], verbs: ["create"] },
    ]);
    const container = find(objectsOf(outputs.get("--store redis with a password Secret")!), "Deployment").spec.template
      .spec.containers[0];
    expect(container.args).toContain("redis://redis.imagepin-system.svc:6379/0");
    expect(container.env).toContainEqual({
      name: "IMAGEPIN_STORE_PASSWORD",
      valueFrom: { secretKeyRef: { name: "redis-auth", key: "redis-password" } },
    });
    const leaked = runImagepinSync([
      "webhook",
      "manifests",
      "--image",
      image,
      "--store",
      "redis://:hunter2@redis:6379/0",
    ]);
    expect(leaked.status).toBe(2);
    expect(leaked.stdout).toBe("");
    expect(leaked.stderr).toContain("--store-password-secret");
    expect(leaked.stderr).not.toContain("hunter2");
  });

  it("shuts down after a delay that the grace period covers, and writes only to mounted volumes", () => {
    const objects = objectsOf(outputs.get("cert-manager (the default)")!);
    const pod = find(objects, "Deployment").spec.template.spec;
    const container = pod.containers[0];
    const delay = Number(container.args[container.args.indexOf("--shutdown-delay") + 1]);
    expect(delay).toBeGreaterThan(0);
    const timeout = find(objects, "MutatingWebhookConfiguration").webhooks[0].timeoutSeconds;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(delay + timeout);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    const writable = container.volumeMounts.filter((m: Obj) => !m.readOnly).map((m: Obj) => m.mountPath);
    expect(writable.sort()).toEqual(["/tmp", "/var/lib/imagepin"]);
  });

  it("--validate adds a ValidatingWebhookConfiguration for /validate, failing closed only where both labels are set", () => {
    const objects = objectsOf(outputs.get("--validate --self-signed, other names")!);
    const validating = find(objects, "ValidatingWebhookConfiguration");
    const hook = validating.webhooks[0];
    expect(hook.clientConfig.service).toEqual({ name: "pinner", namespace: "pins", path: "/validate", port: 443 });
    expect(hook.clientConfig.caBundle).toBe(
      find(objects, "MutatingWebhookConfiguration").webhooks[0].clientConfig.caBundle,
    );
    expect(hook.failurePolicy).toBe("Fail");
    expect(hook.namespaceSelector).toEqual({
      matchLabels: { "team.example.com/pin": "yes", "imagepin.io/enforce": "true" },
    });
    expect(objectsOf(outputs.get("--pull-secrets")!).some((o) => o.kind === "ValidatingWebhookConfiguration")).toBe(
      false,
    );
    const cm = find(objectsOf(outputs.get("--validate (cert-manager)")!), "ValidatingWebhookConfiguration");
    expect(cm.metadata.annotations["cert-manager.io/inject-ca-from"]).toBe("imagepin-system/imagepin-webhook");
  });
});

describe("imagepin webhook manifests --image by tag", () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
    await pushImage(registry, "imagepin/webhook", "dev");
  }, 60_000);
  afterAll(async () => registry?.stop());

  it("is resolved at its registry and written pinned, saying so; --no-resolve keeps it", async () => {
    const tagged = `${registry.host}/imagepin/webhook:dev`;
    const pinned = await runImagepin(["webhook", "manifests", "--image", tagged]);
    expect(pinned.status).toBe(0);
    const digest = await skopeoDigest(tagged);
    expect(find(objectsOf(pinned.stdout), "Deployment").spec.template.spec.containers[0].image).toBe(
      `${tagged}@${digest}`,
    );
    expect(pinned.stderr).toContain(`resolved to ${digest}`);
    const kept = await runImagepin(["webhook", "manifests", "--image", tagged, "--no-resolve"]);
    expect(find(objectsOf(kept.stdout), "Deployment").spec.template.spec.containers[0].image).toBe(tagged);
    expect(kept.stderr).toBe("");
  }, 60_000);

  it("fails naming the image and --no-resolve when the tag is not there", async () => {
    const missing = await runImagepin(["webhook", "manifests", "--image", `${registry.host}/imagepin/webhook:nope`]);
    expect(missing.status).not.toBe(0);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toContain("cannot pin --image");
    expect(missing.stderr).toContain("--no-resolve");
  }, 60_000);
});
