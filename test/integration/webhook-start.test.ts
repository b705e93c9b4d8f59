// `imagepin webhook serve` and `webhook store` at start, through the built CLI: a server that cannot
// bind exits 2 at once naming the address, and the store commands never create a store file.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCertificates, type TestCertificates } from "../harness/tls.js";

const bin = resolve(import.meta.dirname, "../../dist/cli/bin.js");
const dir = mkdtempSync(join(tmpdir(), "imagepin-webhook-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  // The timeout stands for "stays alive": a process that is still running after it is killed (status null).
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", cwd: dir, timeout: 20_000 });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

describe("webhook serve on an address in use", () => {
  let certs: TestCertificates;
  let taken: Server;
  let port: number;
  beforeAll(async () => {
    certs = makeCertificates(dir);
    taken = createServer();
    await new Promise<void>((done) => taken.listen(0, "127.0.0.1", done));
    port = (taken.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((done) => taken.close(() => done())));

  it("exits 2 at once, naming the address", () => {
    const started = Date.now();
    const result = run(
      "webhook",
      "serve",
      "--listen",
      `127.0.0.1:${port}`,
      "--tls-cert",
      certs.certFile,
      "--tls-key",
      certs.keyFile,
      "--store",
      "memory:",
    );
    expect(result.signal).toBeNull();
    expect(result.status).toBe(2);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the address is already in use (EADDRINUSE)`);
  });

  it("also with the default SQLite store, which it closes", () => {
    const result = run(
      "webhook",
      "serve",
      "--listen",
      `127.0.0.1:${port}`,
      "--tls-cert",
      certs.certFile,
      "--tls-key",
      certs.keyFile,
      "--store",
      `sqlite://${join(dir, "serve.db")}`,
    );
    expect(result.signal).toBeNull();
    expect(result.status).toBe(2);
  });
});

describe("webhook store list|evict with no store file", () => {
  for (const action of [["list"], ["evict", "--all"]]) {
    it(`${action[0]}: exits 2 and creates nothing, with or without --store`, () => {
      const implicit = run("webhook", "store", ...action);
      expect(implicit.status).toBe(2);
      expect(implicit.stderr).toContain(`no digest store at ${join(dir, "imagepin-digests.db")}; pass --store`);
      expect(existsSync(join(dir, "imagepin-digests.db"))).toBe(false);

      const file = join(dir, "missing", "d.db");
      const explicit = run("webhook", "store", ...action, "--store", `sqlite://${file}`);
      expect(explicit.status).toBe(2);
      expect(explicit.stderr).toContain(`no digest store at ${file}; pass --store`);
      expect(existsSync(file)).toBe(false);
    });
  }

  it("serve still creates it", () => {
    // The bind failure of the test above comes after the store is opened, so the file must be there.
    expect(existsSync(join(dir, "serve.db"))).toBe(true);
  });
});
