// `imagepin webhook serve` as users run it (the built CLI, in a tracked child process), and a Pod review
// sent to it whose patch is applied to the Pod (RFC 6902), for the integration tests that exercise the
// server over TLS. Needs `npm run build`.
import fastJsonPatch from "fast-json-patch";
import { fileURLToPath } from "node:url";
import { send } from "../integration/webhook-support/client.js";
import { spawnTracked, type TrackedProcess } from "./processes.js";

const bin = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));

/** A started `webhook serve` and the last 200,000 characters it logged, for failure messages. */
export interface WebhookServe {
  process: TrackedProcess;
  log(): string;
}

/**
 * Runs `imagepin webhook serve --listen 127.0.0.1:PORT --tls-cert … --tls-key … ARGS` and resolves once it
 * logs "ready"; rejects with its output when it exits first.
 */
export async function startWebhookServe(
  port: number,
  tls: { certFile: string; keyFile: string },
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<WebhookServe> {
  const serveArgs = [
    "webhook",
    "serve",
    "--listen",
    `127.0.0.1:${port}`,
    "--tls-cert",
    tls.certFile,
    "--tls-key",
    tls.keyFile,
  ];
  const started = spawnTracked(process.execPath, [bin, ...serveArgs, ...args], env ? { env } : {});
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-200_000);
  };
  await new Promise<void>((resolve, reject) => {
    started.child.stdout?.on("data", (chunk: Buffer) => {
      keep(chunk);
      if (log.includes('"msg":"ready"')) resolve();
    });
    started.child.stderr?.on("data", keep);
    started.child.once("exit", (code) => reject(new Error(`webhook exited with ${code}: ${log}`)));
  });
  return { process: started, log: () => log };
}

/** A Pod `web` in namespace `shop` with one container per image, named c0, c1, …. */
export type ReviewedPod = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec: { containers: { name: string; image: string }[] };
};

/** The answer to a Pod review, with the patch applied to the Pod it was made for. */
export interface PodReview {
  ms: number;
  uid: string;
  allowed: boolean;
  warnings: string[];
  patched: ReviewedPod;
}

let reviews = 0;

/**
 * Sends a CREATE review of a Pod with `images` to `/mutate` and applies its patch (which must apply:
 * fast-json-patch validates it). Fails the test on a status other than 200 or a response for another uid.
 */
export async function reviewPod(
  port: number,
  caCert: string,
  images: string[],
  uid = `uid-${++reviews}`,
): Promise<PodReview> {
  const pod: ReviewedPod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web", namespace: "shop" },
    spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) },
  };
  const request = {
    uid,
    kind: { group: "", version: "v1", kind: "Pod" },
    resource: { group: "", version: "v1", resource: "pods" },
    namespace: "shop",
    operation: "CREATE",
    object: pod,
  };
  const started = performance.now();
  const reply = await send(
    port,
    caCert,
    "POST",
    "/mutate",
    JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request }),
  );
  const ms = performance.now() - started;
  if (reply.status !== 200) throw new Error(`review ${uid} answered ${reply.status}: ${reply.text}`);
  const response = reply.json().response as { uid: string; allowed: boolean; patch?: string; warnings?: string[] };
  if (response.uid !== uid) throw new Error(`review ${uid} was answered for ${response.uid}`);
  const patch = response.patch ? JSON.parse(Buffer.from(response.patch, "base64").toString("utf8")) : [];
  const patched = fastJsonPatch.applyPatch(structuredClone(pod), patch, true, false).newDocument;
  return { ms, uid, allowed: response.allowed, warnings: response.warnings ?? [], patched };
}
