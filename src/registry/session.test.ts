// The realm check resolves the realm's host name (a DNS lookup). It must run before a token is fetched,
// not on every request that reuses a cached token: at hundreds of resolutions a second that would be a
// lookup each, and a DNS hiccup would fail requests that need no token server at all. The registry is
// an https host here, which the real test registry (on loopback, where realms are not looked up) cannot be.
import { describe, expect, it } from "vitest";
import { parseReference } from "../reference/index.js";
import { TokenCache } from "./auth.js";
import { RegistryClient } from "./client.js";
import { isRegistryError } from "./errors.js";
import type { SharedState } from "./session.js";
import type { HttpRequest, HttpResponse, Transport } from "./transport.js";

const digest = `sha256:${"a".repeat(64)}`;
const realm = "https://auth.example.com/token";

function registryStub(proxy?: string): { transport: Transport; sent: string[] } {
  const sent: string[] = [];
  const answer = (status: number, headers: Record<string, string> = {}, body = ""): HttpResponse => ({
    status,
    headers,
    body: Buffer.from(body),
  });
  const transport = {
    async send(request: HttpRequest): Promise<HttpResponse> {
      sent.push(`${request.method} ${request.url.host}${request.url.pathname}`);
      if (request.url.host === "auth.example.com")
        return answer(200, {}, JSON.stringify({ token: "t0ken", expires_in: 300 }));
      if (request.headers?.authorization !== "Bearer t0ken")
        return answer(401, { "www-authenticate": `Bearer realm="${realm}",service="registry.example.com"` });
      return answer(200, {
        "docker-content-digest": digest,
        "content-type": "application/vnd.oci.image.manifest.v1+json",
      });
    },
    proxyShownFor: () => proxy,
    async close() {},
  } as unknown as Transport;
  return { transport, sent };
}

function clientWith(transport: Transport, lookupHost: (host: string) => Promise<string[]>): RegistryClient {
  const shared: SharedState = {
    transport,
    tokens: new TokenCache(),
    schemes: new Map(),
    challenges: new Map(),
    firstContact: new Map(),
    insecureRegistries: [],
    lookupHost,
    now: Date.now,
  };
  return new RegistryClient({ lookupHost }, shared);
}

describe("bearer realm validation", () => {
  it("looks the realm up once per token fetched, not per request", async () => {
    const { transport, sent } = registryStub();
    const lookups: string[] = [];
    const client = clientWith(transport, async (host) => {
      lookups.push(host);
      return ["93.184.216.34"];
    });
    for (const tag of ["1", "2", "3", "4", "5"])
      expect((await client.resolve(parseReference(`registry.example.com/team/app:${tag}`))).digest).toBe(digest);
    expect(sent.filter((line) => line.startsWith("GET auth.example.com"))).toHaveLength(1);
    expect(lookups).toEqual(["auth.example.com"]);
  });

  it("does not look the realm up when it is reached through a proxy (the proxy resolves names)", async () => {
    const { transport, sent } = registryStub("http://proxy.corp:3128");
    const lookups: string[] = [];
    const client = clientWith(transport, async (host) => (lookups.push(host), ["169.254.169.254"]));
    expect((await client.resolve(parseReference("registry.example.com/team/app:1"))).digest).toBe(digest);
    expect(lookups).toEqual([]);
    expect(sent.filter((line) => line.startsWith("GET auth.example.com"))).toHaveLength(1);
  });

  it("still refuses a realm that resolves to a forbidden address, before anything is sent to it", async () => {
    const { transport, sent } = registryStub();
    const client = clientWith(transport, async () => ["169.254.169.254"]);
    const error = await client.resolve(parseReference("registry.example.com/team/app:1")).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRegistryError(error, "invalid-response")).toBe(true);
    expect((error as Error).message).toContain("metadata");
    expect(sent.filter((line) => line.includes("auth.example.com"))).toEqual([]);
  });
});
