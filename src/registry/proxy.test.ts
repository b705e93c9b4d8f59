import { describe, expect, it } from "vitest";
import { ProxyRoutes, proxySettingsFromEnv, redactProxy } from "./proxy.js";

describe("proxySettingsFromEnv", () => {
  it("takes the lower-case variable over the upper-case one, as curl and undici do", () => {
    const settings = proxySettingsFromEnv({
      HTTPS_PROXY: "http://upper:3128",
      https_proxy: "http://lower:3128",
      HTTP_PROXY: "http://plain:8080",
    });
    expect(settings.https).toEqual({ url: new URL("http://lower:3128"), variable: "https_proxy" });
    expect(settings.http).toEqual({ url: new URL("http://plain:8080"), variable: "HTTP_PROXY" });
  });

  it("reads a value without a scheme as http, and an empty value as no proxy", () => {
    expect(proxySettingsFromEnv({ HTTPS_PROXY: "proxy.corp:3128" }).https?.url.href).toBe("http://proxy.corp:3128/");
    expect(proxySettingsFromEnv({ https_proxy: "", HTTPS_PROXY: "http://upper:3128" }).https).toBeUndefined();
    expect(proxySettingsFromEnv({})).toEqual({});
  });

  it("refuses a malformed proxy URL as a usage error naming the variable, never quoting its password", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ HTTPS_PROXY: "http://proxy:notaport" }, /^HTTPS_PROXY: "http:\/\/proxy:notaport" is not a proxy URL/],
      [{ http_proxy: "socks5://proxy:1080" }, /^http_proxy: .* only http and https proxies/],
      [
        { HTTPS_PROXY: "http://user:s3cret@proxy:3128/path" },
        /^HTTPS_PROXY: "http:\/\/\*\*\*@proxy:3128\/path" has a path/,
      ],
      [
        { HTTPS_PROXY: "http://user:s3cret@pro xy:3128" },
        /^HTTPS_PROXY: "http:\/\/\*\*\*@pro xy:3128" is not a proxy URL/,
      ],
    ];
    for (const [env, message] of cases) {
      let caught: unknown;
      try {
        proxySettingsFromEnv(env);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: "usage", message: expect.stringMatching(message) });
      expect((caught as Error).message).not.toContain("s3cret");
    }
  });

  it("redacts user info for messages", () => {
    expect(redactProxy("http://u:p@proxy:3128")).toBe("http://***@proxy:3128");
    expect(redactProxy("u:p@proxy:3128")).toBe("***@proxy:3128");
    expect(redactProxy("proxy:3128")).toBe("proxy:3128");
  });
});

describe("ProxyRoutes", () => {
  const proxied = (noProxy: string, url: string) =>
    new ProxyRoutes(
      proxySettingsFromEnv({
        HTTPS_PROXY: "http://proxy.corp:3128",
        HTTP_PROXY: "http://proxy.corp:3129",
        NO_PROXY: noProxy,
      }),
    ).proxyFor(new URL(url))?.host;

  // NO_PROXY as Go's golang.org/x/net/http/httpproxy reads it (its own test table, in our words).
  const table: [string, string, string, boolean][] = [
    ["a name matches itself", "example.com", "https://example.com/v2/", false],
    ["a name matches its subdomains", "example.com", "https://registry.example.com/v2/", false],
    ["a name does not match a longer name", "example.com", "https://badexample.com/v2/", true],
    [".domain matches subdomains", ".example.com", "https://registry.example.com/v2/", false],
    [".domain does not match the domain itself", ".example.com", "https://example.com/v2/", true],
    ["*.domain is .domain", "*.example.com", "https://registry.example.com/v2/", false],
    ["*.domain does not match the domain itself", "*.example.com", "https://example.com/v2/", true],
    ["host:port matches that port", "registry.corp:5000", "https://registry.corp:5000/v2/", false],
    ["host:port does not match another port", "registry.corp:5000", "https://registry.corp/v2/", true],
    ["host:443 matches https without a port", "registry.corp:443", "https://registry.corp/v2/", false],
    ["a CIDR matches literal addresses inside it", "10.0.0.0/8", "https://10.1.2.3/v2/", false],
    ["a CIDR does not match addresses outside it", "10.0.0.0/8", "https://11.1.2.3/v2/", true],
    ["a CIDR does not match names (no DNS lookup)", "10.0.0.0/8", "https://registry.corp/v2/", true],
    ["an IPv6 CIDR", "fd00::/8", "https://[fd12::1]/v2/", false],
    ["an IP", "192.168.1.10", "https://192.168.1.10:5000/v2/", false],
    ["an IP with a port", "192.168.1.10:5000", "https://192.168.1.10:5001/v2/", true],
    ["a bracketed IPv6 with a port", "[fd12::1]:5000", "https://[fd12::1]:5000/v2/", false],
    ["* bypasses everything", "*", "https://registry.corp/v2/", false],
    ["entries are trimmed and case-insensitive", " foo.com , Registry.CORP ", "https://registry.corp/v2/", false],
    ["an unrelated list proxies", "foo.com,bar.com", "https://registry.corp/v2/", true],
  ];
  it.each(table)("%s", (_, noProxy, url, viaProxy) => {
    expect(proxied(noProxy, url) !== undefined).toBe(viaProxy);
  });

  it("never proxies loopback, whatever NO_PROXY says", () => {
    for (const url of [
      "https://localhost:5000/v2/",
      "https://127.0.0.1:5000/v2/",
      "http://[::1]:5000/v2/",
      "https://registry.localhost/v2/",
    ])
      expect(proxied("", url)).toBeUndefined();
  });

  it("uses HTTPS_PROXY for https and HTTP_PROXY for http, and never HTTP_PROXY for https", () => {
    expect(proxied("", "https://registry.corp/v2/")).toBe("proxy.corp:3128");
    expect(proxied("", "http://registry.corp/v2/")).toBe("proxy.corp:3129");
    expect(
      new ProxyRoutes(proxySettingsFromEnv({ HTTP_PROXY: "http://proxy.corp:3129" })).proxyFor(
        new URL("https://registry.corp/v2/"),
      ),
    ).toBeUndefined();
  });
});

describe("token realms reached through a proxy", () => {
  const registry = new URL("https://registry.corp");
  it("are not looked up locally, and literal unsafe addresses and metadata names are still refused", async () => {
    const { validateRealm } = await import("./realm.js");
    const { proxiedRealmLookup } = await import("./proxy.js");
    await expect(
      validateRealm("https://auth.only-the-proxy-knows.test/token", registry, "registry.corp", proxiedRealmLookup),
    ).resolves.toBeInstanceOf(URL);
    for (const realm of [
      "https://169.254.169.254/token",
      "https://metadata.google.internal/token",
      "https://127.0.0.1/token",
      "https://[::]/token",
      "https://[fe80::1]/token",
      "http://auth.corp/token",
    ]) {
      await expect(validateRealm(realm, registry, "registry.corp", proxiedRealmLookup)).rejects.toMatchObject({
        code: "invalid-response",
      });
    }
  });
});
