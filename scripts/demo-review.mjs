// AdmissionReviews for the demo: what the API server sends the webhook when a Pod is created, and the
// Pod the answer's JSON Patch gives (applied with a JSON Patch library, as the API server would).
import { randomUUID } from "node:crypto";
import { request } from "node:https";
import jsonPatch from "fast-json-patch";

/** An `admission.k8s.io/v1` review of a Pod CREATE in namespace `shop` with one container per image. */
export function podReview(images) {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web-7d4b9", namespace: "shop" },
    spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) },
  };
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: randomUUID(),
      kind: { group: "", version: "v1", kind: "Pod" },
      resource: { group: "", version: "v1", resource: "pods" },
      namespace: "shop",
      operation: "CREATE",
      object: pod,
    },
  };
}

/** Posts a review to https://127.0.0.1:PORT/mutate trusting `ca`; resolves with the patch, warnings and patched images. */
export async function postReview(port, ca, review) {
  const text = await new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/mutate",
        ca,
        agent: false,
        headers: { "content-type": "application/json" },
      },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () =>
          res.statusCode === 200
            ? resolve(Buffer.concat(chunks).toString("utf8"))
            : reject(new Error(`webhook answered ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(review));
  });
  const response = JSON.parse(text).response;
  if (response.uid !== review.request.uid) throw new Error("the webhook did not echo the request uid");
  const patch = response.patch ? JSON.parse(Buffer.from(response.patch, "base64").toString("utf8")) : [];
  const pod = jsonPatch.applyPatch(structuredClone(review.request.object), patch, true, false).newDocument;
  return { patch, warnings: response.warnings ?? [], patchedImages: pod.spec.containers.map((c) => c.image), pod };
}

/** Resolves once https://127.0.0.1:PORT/readyz answers 200; rejects after `timeoutMs`. */
export async function waitForWebhook(port, ca, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await new Promise((resolve) => {
      const req = request({ host: "127.0.0.1", port, path: "/readyz", ca, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on("error", () => resolve(0));
      req.end();
    });
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the webhook did not become ready on port ${port}`);
}
