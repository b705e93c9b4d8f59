import { describe, expect, it } from "vitest";
import { parseReference } from "../reference/index.js";
import { parseDockerConfig } from "./docker-config.js";
import { keychainFromSources } from "./keychain.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");

// Issue 14: every form in which Docker Hub is written as a key applies to Docker Hub images, whichever
// tool wrote it: `docker login` (https://index.docker.io/v1/), podman (docker.io), hand-written (index.docker.io).
describe("Docker Hub key forms", () => {
  const forms = ["https://index.docker.io/v1/", "index.docker.io", "docker.io"];

  it.each(forms)("%s applies to nginx, library/nginx, docker.io/user/app and index.docker.io/user/app", async (key) => {
    const config = parseDockerConfig(
      JSON.stringify({ auths: { [key]: { auth: b64("hub-user:hub-pass") } } }),
      "config.json",
    );
    const keychain = keychainFromSources({ dockerConfig: config });
    for (const image of ["nginx", "library/nginx:1.25", "docker.io/user/app", "index.docker.io/user/app"]) {
      const reference = parseReference(image);
      const candidates = await keychain.candidates(reference.domain, reference.path);
      expect(
        candidates.map((c) => c.key),
        image,
      ).toEqual([key]);
    }
    const other = parseReference("quay.io/user/app");
    expect(await keychain.candidates(other.domain, other.path)).toEqual([]);
  });

  it("all three at once are all tried, in file order, for a docker.io image; the containers auth file's key too", async () => {
    const config = parseDockerConfig(
      JSON.stringify({ auths: Object.fromEntries(forms.map((key, i) => [key, { auth: b64(`user${i}:p`) }])) }),
      "config.json",
    );
    const podman = parseDockerConfig(
      JSON.stringify({ auths: { "docker.io": { auth: b64("podman-user:p") } } }),
      "auth.json",
    );
    const keychain = keychainFromSources({ dockerConfig: config, containersAuth: [podman] });
    const candidates = await keychain.candidates("docker.io", "library/nginx");
    expect(candidates.map((c) => [c.source, c.key, c.username])).toEqual([
      ["docker-config:config.json", "https://index.docker.io/v1/", "user0"],
      ["docker-config:config.json", "index.docker.io", "user1"],
      ["docker-config:config.json", "docker.io", "user2"],
      ["docker-config:auth.json", "docker.io", "podman-user"],
    ]);
  });
});
