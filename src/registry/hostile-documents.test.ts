// Registry documents from a hostile registry (issue 18): an index nested a million levels deep inside the
// manifest size cap (the fuzz input, kept gzipped in test/fixtures/hostile) is refused as
// `invalid-response` before JSON.parse builds a million arrays.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReference } from "../reference/index.js";
import { RegistryClient } from "./client.js";
import { maxManifestBytes } from "./manifest.js";

const indexType = "application/vnd.oci.image.index.v1+json";
const deepIndex = gunzipSync(
  readFileSync(new URL("../../test/fixtures/hostile/index-nested-million.json.gz", import.meta.url)),
);
const digest = `sha256:${createHash("sha256").update(deepIndex).digest("hex")}`;

describe("a registry sending a deeply nested index", () => {
  let server: Server;
  let host: string;
  let client: RegistryClient;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(200, {
        "content-type": indexType,
        "docker-content-digest": digest,
        "content-length": String(deepIndex.length),
      });
      res.end(req.method === "HEAD" ? undefined : deepIndex);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = `127.0.0.1:${(server.address() as { port: number }).port}`;
    client = new RegistryClient({ insecureRegistries: [host], retry: { maxRetries: 0 } });
  });
  afterAll(async () => {
    await client.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it("is within the size cap, so only the depth bound stops it", () => {
    expect(deepIndex.length).toBeLessThan(maxManifestBytes);
  });

  it("is refused as invalid-response naming the depth, for a platform and for its entries", async () => {
    const reference = parseReference(`${host}/team/app:1`);
    await expect(client.resolve(reference, { platform: { os: "linux", architecture: "amd64" } })).rejects.toMatchObject(
      { code: "invalid-response", message: expect.stringContaining("nests deeper than 32 levels"), temporary: false },
    );
    await expect(client.indexEntries(reference)).rejects.toMatchObject({ code: "invalid-response" });
  });
});
