// Issue 3: "Registries' rate-limit headers (ratelimit-limit, ratelimit-remaining) are read and shown in
// --debug and JSON output." The built CLI resolves through the fault proxy, which adds Docker Hub's
// headers to the real registry's answers; a 429 names what remains.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImagepin } from "../harness/cli.js";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy.js";
import { startRegistry, type TestRegistry } from "../harness/registry.js";
import { pushImage, type PushedManifest } from "../harness/seed.js";

const manifests = /\/manifests\//;
const rateHeaders = { "ratelimit-limit": "100;w=21600", "ratelimit-remaining": "76;w=21600" };
let registry: TestRegistry;
let proxy: FaultProxy;
let app: PushedManifest;

const run = (args: string[]) => runImagepin(args);

beforeAll(async () => {
  registry = await startRegistry();
  app = await pushImage(registry, "rate/app", "1");
  proxy = await startFaultProxy(registry.url);
});
afterAll(async () => {
  await proxy?.close();
  await registry?.stop();
});

describe("rate-limit headers", () => {
  it("appear in --json output", async () => {
    proxy.always(manifests, { kind: "tamper", headers: rateHeaders });
    try {
      const result = await run(["resolve", "--json", `${proxy.host}/rate/app:1`]);
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({
        input: `${proxy.host}/rate/app:1`,
        reference: `${proxy.host}/rate/app:1@${app.digest}`,
        digest: app.digest,
        mediaType: app.mediaType,
        platform: null,
        rateLimit: { limit: "100;w=21600", remaining: "76;w=21600" },
      });
      // spent with a HEAD, as Docker Hub counts only GETs
      expect(
        proxy
          .requests()
          .filter((r) => manifests.test(r.path))
          .map((r) => r.method),
      ).toEqual(["HEAD"]);
    } finally {
      proxy.always(manifests, undefined);
    }
  });

  it("appear on stderr with --debug, and not without it", async () => {
    proxy.always(manifests, { kind: "tamper", headers: rateHeaders });
    try {
      const debug = await run(["resolve", "--debug", `${proxy.host}/rate/app:1`]);
      expect(debug.stdout).toBe(`${proxy.host}/rate/app:1@${app.digest}\n`);
      expect(debug.stderr).toContain("76;w=21600");
      const quiet = await run(["resolve", `${proxy.host}/rate/app:1`]);
      expect(quiet.stderr).toBe("");
    } finally {
      proxy.always(manifests, undefined);
    }
  });

  it("come from the GET when HEAD carried no digest, since that GET is the request a registry counts", async () => {
    proxy.inject(
      manifests,
      { kind: "tamper", dropDigestOnHead: true, headers: { ...rateHeaders, "ratelimit-remaining": "10;w=21600" } },
      { kind: "tamper", headers: { ...rateHeaders, "ratelimit-remaining": "9;w=21600" } },
    );
    proxy.clearRequests();
    const result = await run(["resolve", "--json", `${proxy.host}/rate/app:1`]);
    expect(proxy.requests().map((r) => r.method)).toEqual(["HEAD", "GET"]);
    expect(JSON.parse(result.stdout)).toMatchObject({
      digest: app.digest,
      rateLimit: { limit: "100;w=21600", remaining: "9;w=21600" },
    });
  });

  it("name what remains when the registry answers 429", async () => {
    proxy.always(manifests, {
      kind: "status",
      status: 429,
      headers: { ...rateHeaders, "ratelimit-remaining": "0;w=21600", "retry-after": "3600" },
    });
    try {
      const result = await run(["resolve", "--json", `${proxy.host}/rate/app:1`]);
      expect(result.status).toBe(1);
      const line = JSON.parse(result.stdout) as { error: { code: string; message: string } };
      expect(line.error.code).toBe("too-many-requests");
      expect(line.error.message).toContain("remaining 0;w=21600");
    } finally {
      proxy.always(manifests, undefined);
    }
  });
});
