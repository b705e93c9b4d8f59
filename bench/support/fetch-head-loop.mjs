// The limit for resolving as a whole process: a bare Node script that HEADs each manifest with the global
// fetch, CONCURRENCY at a time, and checks the digest header. No parsing, auth, retries or output.
// Usage: node fetch-head-loop.mjs REFERENCES_FILE CONCURRENCY   (references as HOST:PORT/repo:tag, http)
/* global fetch */
import { readFileSync } from "node:fs";

const [file, concurrencyText] = process.argv.slice(2);
const references = readFileSync(file, "utf8").split("\n").filter(Boolean);
const accept =
  "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";
let next = 0;
async function worker() {
  while (next < references.length) {
    const reference = references[next++];
    const slash = reference.indexOf("/");
    const colon = reference.lastIndexOf(":");
    const response = await fetch(
      `http://${reference.slice(0, slash)}/v2/${reference.slice(slash + 1, colon)}/manifests/${reference.slice(colon + 1)}`,
      { method: "HEAD", headers: { accept } },
    );
    if (!response.headers.get("docker-content-digest")) throw new Error(`no digest for ${reference}`);
  }
}
await Promise.all(Array.from({ length: Number(concurrencyText) }, worker));
