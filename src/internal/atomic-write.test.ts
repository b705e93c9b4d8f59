import { chmod, chown, mkdir, mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomic-write.js";

describe("writeFileAtomic", () => {
  it("replaces the content, keeps the file's mode and leaves no temporary file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "imagepin-atomic-"));
    const file = join(dir, "deploy.yaml");
    await writeFile(file, "old\n");
    await chmod(file, 0o640);
    await writeFileAtomic(file, "new\n");
    expect(await readFile(file, "utf8")).toBe("new\n");
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    expect(await readdir(dir)).toEqual(["deploy.yaml"]);
  });

  // only root can give a file to another user
  it.skipIf(process.getuid?.() !== 0)("keeps the owner of a file rewritten as root", async () => {
    const dir = await mkdtemp(join(tmpdir(), "imagepin-atomic-"));
    const file = join(dir, "deploy.yaml");
    await writeFile(file, "old\n");
    await chown(file, 65534, 65534);
    await writeFileAtomic(file, "new\n");
    const info = await stat(file);
    expect([info.uid, info.gid]).toEqual([65534, 65534]);
  });

  it("creates a new file with the given mode", async () => {
    const dir = await mkdtemp(join(tmpdir(), "imagepin-atomic-"));
    const file = join(dir, "lock.json");
    await writeFileAtomic(file, "{}\n", { mode: 0o600 });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("fails and leaves no temporary file when the rename cannot happen", async () => {
    const dir = await mkdtemp(join(tmpdir(), "imagepin-atomic-"));
    const target = join(dir, "is-a-directory");
    await mkdir(target);
    await writeFile(join(target, "inside"), "keep\n");
    await expect(writeFileAtomic(target, "lost\n")).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(["is-a-directory"]);
    expect(await readFile(join(target, "inside"), "utf8")).toBe("keep\n");
  });

  it("fails when the directory does not exist", async () => {
    await expect(writeFileAtomic(join(tmpdir(), "imagepin-no-such-dir-x", "f"), "x")).rejects.toThrow(/ENOENT/);
  });
});
