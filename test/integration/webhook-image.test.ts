// The webhook's container image, built from the repository's Dockerfile by `npm run image` (podman; on
// stand-in bases where the production bases cannot be pulled) and run the way the generated Deployment
// runs it: its args, user 65532, a read-only root file system with only the Deployment's volumes
// writable, TLS files mounted. Scenarios run in order on one build: reviews against the test registry,
// the last known digest across a container restart while the registry is down, SIGTERM with a review in
// flight, the image pushed to the registry, resolved and fed to `webhook manifests --image`, and the CLI.
// Needs podman, runc and debootstrap (scripts/setup-test-deps.sh) and `npm run build`.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fastJsonPatch from "fast-json-patch";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImagepin } from "../harness/cli.js";
import { freePort } from "../harness/ports.js";
import { containerLimits, podman, podmanOk, requirePodman } from "../harness/podman.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage, skopeoDigest } from "../harness/seed.js";
import { makeCertificate } from "../harness/tls.js";
import { send } from "./webhook-support/client.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const image = "localhost/imagepin-webhook:dev";
const suffix = randomBytes(4).toString("hex");
const containers: string[] = [];

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `npm run image`, as a user runs it; returns what it printed (the test fails with its tail). */
function buildImage(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "image"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("close", (status) =>
      status === 0 ? resolve(output) : reject(new Error(`npm run image exited ${status}:\n${output.slice(-4000)}`)),
    );
  });
}

describe("the webhook image", () => {
  let registry: TestRegistry;
  let dir: string;
  let cert: ReturnType<typeof makeCertificate>;
  let port: number;
  let deploymentArgs: string[];
  let hanging: Server;
  let hangingPort: number;
  let uid = 0;

  const volumes = () => [
    "-v",
    `${join(dir, "tls")}:/etc/imagepin/tls:ro`,
    "-v",
    `${join(dir, "config")}:/etc/imagepin/config:ro`,
    "-v",
    `${join(dir, "data")}:/var/lib/imagepin`,
    // the Deployment's emptyDir on /tmp; nothing else is writable
    "--tmpfs",
    "/tmp:rw,size=64m,mode=1777",
  ];

  /** Starts the image as the Deployment would and waits for its "ready" log line. */
  const startContainer = async (): Promise<string> => {
    const name = `imagepin-webhook-test-${suffix}-${containers.length}`;
    containers.push(name);
    await podmanOk([
      "run",
      "-d",
      "--name",
      name,
      ...containerLimits,
      "--user",
      "65532:65532",
      "--read-only",
      "--read-only-tmpfs=false",
      "--cap-drop",
      "ALL",
      "--security-opt",
      "no-new-privileges",
      ...volumes(),
      image,
      ...deploymentArgs,
      "--listen",
      `127.0.0.1:${port}`,
    ]);
    for (let i = 0; i < 120; i++) {
      const logs = await podman(["logs", name]);
      if (logs.stdout.includes('"msg":"ready"')) return name;
      const state = (await podmanOk(["inspect", "--format", "{{.State.Status}}", name])).trim();
      if (state === "exited") throw new Error(`the container exited: ${logs.stdout}${logs.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`the container did not log ready: ${(await podman(["logs", name])).stdout}`);
  };

  const review = async (images: string[]) => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "web", namespace: "shop" },
      spec: { containers: images.map((img, i) => ({ name: `c${i}`, image: img })) },
    };
    const request = {
      uid: `uid-${++uid}`,
      kind: { group: "", version: "v1", kind: "Pod" },
      resource: { group: "", version: "v1", resource: "pods" },
      namespace: "shop",
      operation: "CREATE",
      object: pod,
    };
    const reply = await send(
      port,
      cert.cert,
      "POST",
      "/mutate",
      JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request }),
    );
    expect(reply.status).toBe(200);
    const response = reply.json().response as { allowed: boolean; patch?: string; warnings?: string[] };
    const patch = response.patch ? JSON.parse(Buffer.from(response.patch, "base64").toString("utf8")) : [];
    const patched = fastJsonPatch.applyPatch(structuredClone(pod), patch, true, false).newDocument;
    return {
      allowed: response.allowed,
      images: patched.spec.containers.map((c) => c.image),
      warnings: response.warnings ?? [],
    };
  };

  /** SIGTERM (podman stop sends the image's stop signal, SIGTERM) and the exit code. */
  const stop = async (name: string): Promise<number> => {
    await podmanOk(["stop", "--time", "40", name], { timeoutMs: 60_000 });
    return Number((await podmanOk(["inspect", "--format", "{{.State.ExitCode}}", name])).trim());
  };

  beforeAll(async () => {
    requirePodman();
    const started = Date.now();
    const output = await buildImage();
    process.stderr.write(
      `webhook-image: npm run image took ${Math.round((Date.now() - started) / 1000)} s\n${output
        .split("\n")
        .filter((l) => l.startsWith("npm run image:"))
        .join("\n")}\n`,
    );
    registry = await startRegistry();
    await pushImage(registry, "shop/web", "1.25");
    dir = mkdtempSync(join(tmpdir(), "imagepin-image-"));
    for (const sub of ["tls", "config", "data"]) mkdirSync(join(dir, sub));
    cert = makeCertificate(join(dir, "tls"), "tls");
    // The Secret volume's files are readable by the Pod's fsGroup; here, by everyone.
    for (const file of ["tls.crt", "tls.key"]) chmodSync(join(dir, "tls", file), 0o644);
    chmodSync(dir, 0o755);
    chownSync(join(dir, "data"), 65532, 65532);
    port = await freePort();
    hanging = createServer(() => undefined); // accepts and never answers: a registry that hangs
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    hangingPort = (hanging.address() as { port: number }).port;
    // The Deployment's own container args and config, from the manifests a user installs.
    const manifests = await runImagepin([
      "webhook",
      "manifests",
      "--image",
      image,
      "--no-resolve",
      "--self-signed",
      join(dir, "install-certs"),
    ]);
    expect(manifests.status, manifests.stderr).toBe(0);
    const objects = parseAllDocuments(manifests.stdout).map((doc) => doc.toJS() as Obj);
    deploymentArgs = objects.find((o) => o.kind === "Deployment")!.spec.template.spec.containers[0].args;
    const config = objects.find((o) => o.kind === "ConfigMap")!.data["config.yaml"] as string;
    // No positive cache, so a stopped registry shows at once.
    writeFileSync(join(dir, "config", "config.yaml"), `${config}cacheTtlSeconds: 0\n`);
  }, 1_080_000);

  afterAll(async () => {
    for (const name of containers) await podman(["rm", "-f", "--time", "0", name]);
    hanging?.close();
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  let first: string;

  it("runs as 65532 on a read-only root file system and pins a Pod to the registry's digest", async () => {
    first = await startContainer();
    const inspected = JSON.parse(await podmanOk(["inspect", first]))[0];
    expect(inspected.Config.User).toBe("65532:65532");
    expect(inspected.HostConfig.ReadonlyRootfs).toBe(true);
    const web = `${registry.host}/shop/web:1.25`;
    const answer = await review([web]);
    expect(answer).toMatchObject({ allowed: true, images: [`${web}@${await skopeoDigest(web)}`] });
    // The store was written on the data volume, as the non-root user.
    expect(statSync(join(dir, "data", "digests.db")).uid).toBe(65532);
    const logs = (await podmanOk(["logs", first])).split("\n").filter((line) => line.includes('"msg":"pinned"'));
    expect(logs).toHaveLength(1);
    expect(JSON.parse(logs[0]!)).toMatchObject({
      level: 30,
      namespace: "shop",
      name: "web",
      images: [{ image: web, source: "fresh" }],
    });
    const metrics = await send(port, cert.cert, "GET", "/metrics");
    expect(metrics.text).toContain(`imagepin_registry_requests_total{registry="${registry.host}",status="200"}`);
  }, 120_000);

  it("keeps the last known digest across a container restart while the registry is down", async () => {
    const web = `${registry.host}/shop/web:1.25`;
    const digest = await skopeoDigest(web);
    await registry.pause();
    expect(await stop(first)).toBe(0);
    const second = await startContainer();
    const answer = await review([web]);
    expect(answer.allowed).toBe(true);
    expect(answer.images).toEqual([`${web}@${digest}`]);
    expect(answer.warnings.join("\n")).toContain("last known digest");
    expect(await stop(second)).toBe(0);
    await registry.restart();
  }, 180_000);

  it("on SIGTERM finishes a review in flight, answering through the shutdown delay", async () => {
    const name = await startContainer();
    // A registry that never answers: the review runs to its deadline (10 s), past the 5 s shutdown delay,
    // so it is still in flight when the server stops accepting.
    const slow = review([`127.0.0.1:${hangingPort}/slow/app:1`]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stopping = stop(name);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Within the delay: out of the endpoints (/readyz 503) but still answering.
    expect((await send(port, cert.cert, "GET", "/readyz")).status).toBe(503);
    const meanwhile = await review([`${registry.host}/shop/web:1.25`]);
    expect(meanwhile.allowed).toBe(true);
    const answer = await slow;
    expect(answer.allowed).toBe(true);
    expect(answer.images).toEqual([`127.0.0.1:${hangingPort}/slow/app:1`]);
    expect(answer.warnings.join("\n")).toMatch(/timeout|timed out|deadline/i);
    expect(await stopping).toBe(0);
    expect((await podmanOk(["logs", name])).toString()).toContain('"msg":"stopped"');
  }, 180_000);

  it("is pushed to the registry, resolved by imagepin resolve, and pinned by webhook manifests --image", async () => {
    const target = `${registry.host}/imagepin/webhook:dev`;
    await podmanOk(["push", "--tls-verify=false", image, `docker://${target}`], { timeoutMs: 300_000 });
    const resolved = await runImagepin(["resolve", target]);
    expect(resolved.status, resolved.stderr).toBe(0);
    const pinned = resolved.stdout.trim();
    expect(pinned).toBe(`${target}@${await skopeoDigest(target)}`);
    const byDigest = await runImagepin(["webhook", "manifests", "--image", pinned]);
    const byTag = await runImagepin(["webhook", "manifests", "--image", target]);
    for (const output of [byDigest, byTag]) {
      expect(output.status, output.stderr).toBe(0);
      const deployment = parseAllDocuments(output.stdout)
        .map((doc) => doc.toJS() as Obj)
        .find((o) => o.kind === "Deployment")!;
      expect(deployment.spec.template.spec.containers[0].image).toBe(pinned);
    }
  }, 360_000);

  it("runs the CLI on Node.js 24: parse, lint and resolve", async () => {
    const run = (args: string[], input?: string) =>
      podmanOk(
        ["run", "--rm", ...containerLimits, "--read-only", image, ...args],
        input === undefined ? {} : { input },
      );
    const version = await podmanOk([
      "run",
      "--rm",
      ...containerLimits,
      "--entrypoint",
      "/nodejs/bin/node",
      image,
      "--version",
    ]);
    expect(version.trim()).toMatch(/^v24\./);
    expect(JSON.parse(await run(["parse", "--json", "nginx"]))).toMatchObject({
      normalized: "docker.io/library/nginx:latest",
    });
    const lint = await podman(["run", "--rm", "-i", ...containerLimits, "--read-only", image, "lint", "-"], {
      input:
        'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: web, image: "nginx:1.25"}]\n',
    });
    expect(lint.status).toBe(1);
    expect(lint.stdout).toContain("-:5:35 digest-missing nginx:1.25");
    const web = `${registry.host}/shop/web:1.25`;
    expect((await run(["resolve", web])).trim()).toBe(`${web}@${await skopeoDigest(web)}`);
    // The production bases are ARG defaults pinned by digest: imagepin lint follows the ARGs and passes.
    expect(readFileSync(join(root, "Dockerfile"), "utf8")).toMatch(/^ARG RUNTIME_BASE=\S+@sha256:[0-9a-f]{64}$/m);
    const dockerfile = await runImagepin(["lint", join(root, "Dockerfile")]);
    expect(dockerfile.stdout + dockerfile.stderr).toBe("");
    expect(dockerfile.status).toBe(0);
  }, 180_000);
});
