import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Lockfile } from "./lock.js";
import { pinFiles } from "./pin.js";
import { applyEdits, formatScalar } from "./rewrite.js";
import { scanText } from "./scan.js";
import { fakeDigest, memoryResolver } from "../../test/support/test-resolver.js";
import type { ScannedFile } from "./types.js";

const nginx = fakeDigest("docker.io/library/nginx:1.25");

async function pinText(file: string, text: string, options: Parameters<typeof pinFiles>[1] = {}) {
  const [result] = await pinFiles([scanText(file, text)], { resolver: memoryResolver(), ...options });
  return result!;
}

describe("pin rewrite", () => {
  it("keeps quoting style, comments, anchors, CRLF and the BOM", async () => {
    const text =
      "\uFEFF# top\r\napiVersion: v1\r\nkind: Pod\r\nmetadata: {name: p}\r\nspec:\r\n  containers:\r\n    - name: a   # first\r\n      image: 'nginx:1.25'  # pinned below\r\n    - name: b\r\n      image: \"nginx:1.25\"\r\n    - name: c\r\n      image: nginx:1.25\r\n";
    const result = await pinText("pod.yaml", text);
    expect(result.output).toBe(
      text
        .replace("'nginx:1.25'", `'nginx:1.25@${nginx}'`)
        .replace('"nginx:1.25"', `"nginx:1.25@${nginx}"`)
        .replace("image: nginx:1.25", `image: nginx:1.25@${nginx}`),
    );
  });

  it("pins the one line of a block scalar and leaves its header, indentation and CRLF", async () => {
    const text =
      "kind: Pod\r\nspec:\r\n  containers:\r\n    - image: >-   # folded\r\n        nginx:1.25\r\n    - image: |-\r\n        nginx:1.25\r\n    - image: |\r\n        nginx:1.25\r\n";
    const result = await pinText("pod.yaml", text);
    expect(result.failures.map((failure) => [failure.image.line, failure.code])).toEqual([[8, "invalid-format"]]);
    const scanned = scanText("pod.yaml", text.replace("    - image: |\r\n        nginx:1.25\r\n", ""));
    const [pinned] = await pinFiles([scanned], { resolver: memoryResolver() });
    expect(pinned!.output).toBe(scanned.text.replaceAll("        nginx:1.25\r\n", `        nginx:1.25@${nginx}\r\n`));
  });

  it("follows << merge keys (Compose x- anchors) and pins the anchored image once", async () => {
    const text =
      "x-base: &base\n  image: nginx:1.25   # shared\n  restart: always\nservices:\n  web:\n    <<: *base\n  worker:\n    <<: [*base]\n  api:\n    <<: *base\n    image: redis:7\n";
    const scanned = scanText("compose.yaml", text);
    expect(scanned.images.map((image) => [image.name, image.image, image.line])).toEqual([
      ["web", "nginx:1.25", 2],
      ["worker", "nginx:1.25", 2],
      ["api", "redis:7", 11],
    ]);
    const result = await pinText("compose.yaml", text);
    expect(result.output).toBe(
      text
        .replace("nginx:1.25", `nginx:1.25@${nginx}`)
        .replace("redis:7", `redis:7@${fakeDigest("docker.io/library/redis:7")}`),
    );
    const pod = scanText(
      "pod.yaml",
      "kind: Pod\nspec:\n  containers:\n  - &c\n    name: a\n    image: nginx:1.25\n  - <<: *c\n    name: b\n",
    );
    expect(pod.images.map((image) => [image.container, image.line])).toEqual([
      ["a", 6],
      ["b", 6],
    ]);
  });

  it("substitutes Compose defaults, pins after the value as written, and leaves variables without defaults", async () => {
    const text =
      'services:\n  web:\n    image: nginx:${TAG:-1.25}\n  api:\n    image: "${REG-quay.io}/org/api:2"\n  job:\n    image: busybox:${JOB_TAG}\n  cost:\n    image: nginx:1.25$$x\n';
    const scanned = scanText("compose.yaml", text);
    expect(scanned.images.map((image) => [image.image, image.slot !== undefined])).toEqual([
      ["nginx:1.25", true],
      ["quay.io/org/api:2", true],
      ["busybox:${JOB_TAG}", false],
      ["nginx:1.25$x", true],
    ]);
    const result = await pinText("compose.yaml", text.replace("    image: nginx:1.25$$x\n", "    image: redis:7\n"));
    const api = fakeDigest("quay.io/org/api:2");
    expect(result.output).toBe(
      `services:\n  web:\n    image: nginx:\${TAG:-1.25}@${nginx}\n  api:\n    image: "\${REG-quay.io}/org/api:2@${api}"\n  job:\n    image: busybox:\${JOB_TAG}\n  cost:\n    image: redis:7@${fakeDigest("docker.io/library/redis:7")}\n`,
    );
    expect(result.skipped.map((entry) => entry.reason)).toEqual([
      expect.stringContaining("${JOB_TAG} with no default"),
    ]);
    expect((await pinText("compose.yaml", result.output)).changed).toBe(false);
  });

  it("rewrites an anchored value once for all its aliases", async () => {
    const text =
      "kind: Pod\nspec:\n  initContainers: [{name: i, image: &img nginx:1.25}]\n  containers: [{name: c, image: *img}]\n";
    const result = await pinText("pod.yaml", text);
    expect(result.output).toBe(
      `kind: Pod\nspec:\n  initContainers: [{name: i, image: &img nginx:1.25@${nginx}}]\n  containers: [{name: c, image: *img}]\n`,
    );
  });

  it("writes name@digest with keepTag false and leaves pinned references alone", async () => {
    const text = `kind: Pod\nspec:\n  containers:\n    - image: localhost:5000/app:2\n    - image: nginx@${nginx}\n`;
    const result = await pinText("pod.yaml", text, { keepTag: false });
    expect(result.output).toBe(
      `kind: Pod\nspec:\n  containers:\n    - image: localhost:5000/app@${fakeDigest("localhost:5000/app:2")}\n    - image: nginx@${nginx}\n`,
    );
    const again = await pinText("pod.yaml", result.output);
    expect(again.changed).toBe(false);
  });

  // Issue 13: the tag is removed on the structure of the value, never at the first `:` of the written text.
  it("removes the tag of an interpolated image part by part with keepTag false (Compose and Dockerfile)", async () => {
    const pinned = fakeDigest("docker.io/library/nginx:1.25");
    const compose = await pinText("compose.yaml", "services:\n  web:\n    image: ${IMG:-nginx}:${TAG:-1.25}\n", {
      keepTag: false,
    });
    expect(compose.output).toBe(`services:\n  web:\n    image: \${IMG:-nginx}@${pinned}\n`);
    const docker = await pinText("Dockerfile", "ARG TAG=1.25\nFROM ${IMG:-nginx}:${TAG} AS web\n", { keepTag: false });
    expect(docker.output).toBe(`ARG TAG=1.25\nFROM \${IMG:-nginx}@${pinned} AS web\n`);
    const minor = await pinText("compose.yaml", 'services:\n  web:\n    image: "nginx:1.${MINOR:-25}"\n', {
      keepTag: false,
    });
    expect(minor.output).toBe(`services:\n  web:\n    image: "nginx@${pinned}"\n`);
  });

  it("keeps a tag that sits inside a variable's default with keepTag false, and says why", async () => {
    // Airflow's official docker-compose.yaml.
    const text =
      "x-airflow-common:\n  &airflow-common\n  image: ${AIRFLOW_IMAGE_NAME:-apache/airflow:2.9.2}\nservices:\n  airflow-webserver:\n    <<: *airflow-common\n";
    const result = await pinText("docker-compose.yaml", text, { keepTag: false });
    const airflow = fakeDigest("docker.io/apache/airflow:2.9.2");
    expect(result.output).toBe(
      text.replace(
        "${AIRFLOW_IMAGE_NAME:-apache/airflow:2.9.2}",
        `\${AIRFLOW_IMAGE_NAME:-apache/airflow:2.9.2}@${airflow}`,
      ),
    );
    expect(result.changes.map((change) => change.tagKept)).toEqual([
      expect.stringContaining("${AIRFLOW_IMAGE_NAME:-apache/airflow:2.9.2}"),
    ]);
    const docker = await pinText("Dockerfile", "ARG BASE=alpine:3.20\nFROM ${BASE}\n", { keepTag: false });
    expect(docker.output).toBe(`ARG BASE=alpine:3.20\nFROM \${BASE}@${fakeDigest("docker.io/library/alpine:3.20")}\n`);
    expect(docker.changes[0]!.tagKept).toContain("${BASE}");
  });

  it("adds no quotes a plain scalar does not need", async () => {
    // authentik's docker-compose.yml.
    const text =
      "services:\n  server:\n    image: ${AUTHENTIK_IMAGE:-ghcr.io/goauthentik/server}:${AUTHENTIK_TAG:-2024.2.2}\n";
    const server = fakeDigest("ghcr.io/goauthentik/server:2024.2.2");
    expect((await pinText("docker-compose.yml", text, { keepTag: false })).output).toBe(
      `services:\n  server:\n    image: \${AUTHENTIK_IMAGE:-ghcr.io/goauthentik/server}@${server}\n`,
    );
    expect((await pinText("docker-compose.yml", text)).output).toBe(
      `services:\n  server:\n    image: \${AUTHENTIK_IMAGE:-ghcr.io/goauthentik/server}:\${AUTHENTIK_TAG:-2024.2.2}@${server}\n`,
    );
  });

  it("tells a plain value in a flow collection from one in block context, and reads the document's quote", () => {
    const text =
      "kind: Pod\nmetadata: {annotations: {a: 'x', b: 'y'}, labels: {c: \"z\"}}\nspec:\n  containers:\n    - {name: a, image: nginx}\n    - name: b\n      image: redis:7\n";
    const slots = scanText("pod.yaml", text).images.map((image) => image.slot?.kind === "replace" && image.slot.yaml);
    expect(slots).toEqual([
      { flow: true, quote: "single" },
      { flow: false, quote: "single" },
    ]);
  });

  it("adds digest: to Kustomize images entries at the entry's indentation, block and flow", async () => {
    const text =
      'images:\n  # prod\n  - name: api\n    newName: localhost:5000/demo/api\n    newTag: "1.8.0"   # released\n  - {name: web, newTag: "2"}\nresources: [a.yaml]\n';
    const result = await pinText("kustomization.yaml", text);
    const api = fakeDigest("localhost:5000/demo/api:1.8.0");
    const web = fakeDigest("docker.io/library/web:2");
    expect(result.output).toBe(
      `images:\n  # prod\n  - name: api\n    newName: localhost:5000/demo/api\n    newTag: "1.8.0"   # released\n    digest: ${api}\n  - {name: web, newTag: "2", digest: ${web}}\nresources: [a.yaml]\n`,
    );
  });

  it("replaces Kustomize newTag by digest with keepTag false, and leaves rename-only entries alone", async () => {
    const text =
      'images:\n  - name: api\n    newName: localhost:5000/demo/api\n    newTag: "1.8.0"   # released\n    # next\n  - {name: web, newTag: "2"}\n  - name: cache\n    newName: mirror.example/redis\n';
    const result = await pinText("kustomization.yaml", text, { keepTag: false });
    const api = fakeDigest("localhost:5000/demo/api:1.8.0");
    const web = fakeDigest("docker.io/library/web:2");
    expect(result.output).toBe(
      `images:\n  - name: api\n    newName: localhost:5000/demo/api\n    digest: ${api}   # released\n    # next\n  - {name: web, digest: ${web}}\n  - name: cache\n    newName: mirror.example/redis\n`,
    );
    expect(result.changes.map((change) => change.to)).toEqual([`localhost:5000/demo/api@${api}`, `web@${web}`]);
    expect(scanText("kustomization.yaml", text).images.map((image) => image.container)).toEqual(["api", "web"]);
  });

  it("pins the images: of a Kustomize Component like a Kustomization's", async () => {
    const text =
      'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n  - name: app\n    newTag: "2"\n';
    const result = await pinText("components/prod/kustomization.yaml", text);
    expect(result.output).toBe(`${text}    digest: ${fakeDigest("docker.io/library/app:2")}\n`);
  });

  it("reads an unquoted numeric newTag as written (1.10, not 1.1)", async () => {
    const result = await pinText("kustomization.yaml", "images:\n  - name: app\n    newTag: 1.10\n");
    expect(result.changes.map((change) => change.to)).toEqual([`app:1.10@${fakeDigest("docker.io/library/app:1.10")}`]);
  });

  it("adds digest: with the file's CRLF, also at the end of a file without a final newline", async () => {
    const text = "images:\r\n  - name: web\r\n    newTag: '2'";
    const result = await pinText("kustomization.yml", text);
    expect(result.output).toBe(
      `images:\r\n  - name: web\r\n    newTag: '2'\r\n    digest: ${fakeDigest("docker.io/library/web:2")}`,
    );
  });

  it("writes an untagged image as name:latest@digest in Kubernetes, Compose and Dockerfiles (name@digest without keepTag)", async () => {
    const latest = fakeDigest("docker.io/library/nginx:latest");
    const pod = (image: string) => `kind: Pod\nspec:\n  containers:\n    - image: ${image}\n`;
    expect((await pinText("pod.yaml", pod("nginx"))).output).toBe(pod(`nginx:latest@${latest}`));
    expect((await pinText("pod.yaml", pod("nginx"), { keepTag: false })).output).toBe(pod(`nginx@${latest}`));
    expect((await pinText("compose.yaml", "services:\n  web:\n    image: 'nginx'\n")).output).toBe(
      `services:\n  web:\n    image: 'nginx:latest@${latest}'\n`,
    );
    expect((await pinText("Dockerfile", "FROM nginx AS web\n")).output).toBe(`FROM nginx:latest@${latest} AS web\n`);
    // An ARG that holds the whole name: the tag goes after the word as written, which stays plain.
    expect((await pinText("Dockerfile", "ARG IMAGE=nginx\nFROM ${IMAGE}\n")).output).toBe(
      `ARG IMAGE=nginx\nFROM \${IMAGE}:latest@${latest}\n`,
    );
    expect((await pinText("compose.yaml", "services:\n  web:\n    image: ${IMAGE:-nginx}\n")).output).toBe(
      `services:\n  web:\n    image: \${IMAGE:-nginx}:latest@${latest}\n`,
    );
  });

  it("pins Dockerfile FROM lines, but not stages, scratch or images split over lines", async () => {
    const text =
      "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM build AS test\nFROM scratch\nFROM ngi\\\nnx:1.25\nFROM \\\n  nginx:1.25\n";
    const result = await pinText("Dockerfile", text);
    expect(result.output).toBe(
      `FROM --platform=$BUILDPLATFORM golang:1.22@${fakeDigest("docker.io/library/golang:1.22")} AS build\nFROM build AS test\nFROM scratch\nFROM ngi\\\nnx:1.25\nFROM \\\n  nginx:1.25@${nginx}\n`,
    );
    expect(result.skipped.map((entry) => [entry.image.image, entry.reason])).toEqual([
      ["nginx:1.25", expect.stringContaining("continuation lines")],
    ]);
  });

  it("pins a FROM built from ARG defaults after the word as written, so the ARG stays", async () => {
    const text =
      "ARG TAG=1.25\nARG REG=quay.io\nARG LATE\nFROM nginx:${TAG} AS web\nFROM ${REG}/org/app:${V:-2}\nFROM nginx:$LATE\n";
    const result = await pinText("Dockerfile", text);
    const app = fakeDigest("quay.io/org/app:2");
    expect(result.output).toBe(
      `ARG TAG=1.25\nARG REG=quay.io\nARG LATE\nFROM nginx:\${TAG}@${nginx} AS web\nFROM \${REG}/org/app:\${V:-2}@${app}\nFROM nginx:$LATE\n`,
    );
    expect(result.changes.map((change) => change.from)).toEqual(["nginx:${TAG}", "${REG}/org/app:${V:-2}"]);
    expect(result.skipped[0]!.reason).toContain("$LATE, an ARG with no default");
    expect((await pinText("Dockerfile", result.output)).changed).toBe(false);
    const noTag = await pinText("Dockerfile", "ARG TAG=1.25\nFROM nginx:${TAG}\n", { keepTag: false });
    expect(noTag.output).toBe(`ARG TAG=1.25\nFROM nginx@${nginx}\n`);
  });

  it("leaves images alone whose digest-missing rule is suppressed, without resolving them", async () => {
    const text =
      "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: app   # imagepin:ignore digest-missing\n        # imagepin:ignore\n        - image: sidecar:1\n        - image: nginx:1.25  # imagepin:ignore latest-tag\n";
    const resolver = memoryResolver({ missing: ["docker.io/library/app:latest", "docker.io/library/sidecar:1"] });
    const result = await pinText("d.yaml", text, { resolver });
    expect(result).toMatchObject({ failed: false, output: text.replace("nginx:1.25", `nginx:1.25@${nginx}`) });
    expect(resolver.calls).toEqual(["docker.io/library/nginx:1.25"]);
  });

  it("pins the other images of a file when one cannot be resolved or is invalid, and reports those", async () => {
    const text =
      "kind: Pod\nspec:\n  containers:\n    - image: nginx:1.25\n    - image: gone:1\n    - image: Nginx:1\n    - image: app@sha256:123\n";
    const result = await pinText("pod.yaml", text, {
      resolver: memoryResolver({ missing: ["docker.io/library/gone:1"] }),
    });
    expect(result).toMatchObject({
      failed: true,
      changed: true,
      output: text.replace("nginx:1.25", `nginx:1.25@${nginx}`),
    });
    expect(result.failures.map((failure) => [failure.image.line, failure.code])).toEqual([
      [5, "not-found"],
      [6, expect.any(String)],
      [7, expect.any(String)],
    ]);
    expect(result.changes.map((change) => change.image.line)).toEqual([4]);
  });

  it("leaves a file with a malformed document untouched, and lists no change for it", async () => {
    const text = "kind: Pod\nspec: {containers: [{image: nginx:1.25}]}\n---\nkind: [\n";
    const result = await pinText("pod.yaml", text);
    expect(result).toMatchObject({ failed: true, changed: false, output: text, changes: [] });
  });

  it("resolves each distinct reference once", async () => {
    const resolver = memoryResolver();
    const files = ["a.yaml", "b.yaml"].map((name) =>
      scanText(name, "kind: Pod\nspec:\n  containers: [{image: nginx:1.25}, {image: docker.io/library/nginx:1.25}]\n"),
    );
    await pinFiles(files, { resolver });
    expect(resolver.calls).toEqual(["docker.io/library/nginx:1.25"]);
  });

  it("asks for every distinct reference at once, leaving the limit to the registry transport", async () => {
    const base = memoryResolver();
    let inFlight = 0;
    let most = 0;
    const resolver = {
      ...base,
      resolve: async (reference: Parameters<typeof base.resolve>[0]) => {
        most = Math.max(most, ++inFlight);
        await new Promise((settle) => setTimeout(settle, 5));
        inFlight--;
        return base.resolve(reference);
      },
    };
    const images = Array.from({ length: 20 }, (_, index) => `{image: app${index}:1}`).join(", ");
    const [result] = await pinFiles([scanText("p.yaml", `kind: Pod\nspec:\n  containers: [${images}]\n`)], {
      resolver,
    });
    expect(result!.changes).toHaveLength(20);
    expect(most).toBe(20);
  });

  it("records a platform in the lock normalized, as --platform gives it (linux/arm64 is linux/arm64/v8)", async () => {
    const lock = new Lockfile();
    await pinFiles([scanText("p.yaml", "kind: Pod\nspec: {containers: [{image: nginx:1.25}]}\n")], {
      resolver: memoryResolver(),
      lock,
      platform: { os: "linux", architecture: "arm64" },
    });
    expect(JSON.parse(lock.serialize()).images).toMatchObject([
      { reference: "docker.io/library/nginx:1.25", platform: "linux/arm64/v8" },
    ]);
  });

  it("records a sorted lock, byte-stable on a second run, and pins offline from it", async () => {
    const lock = new Lockfile();
    const file = scanText("p.yaml", "kind: Pod\nspec:\n  containers: [{image: zed:1}, {image: alpha:2}]\n");
    await pinFiles([file], { resolver: memoryResolver(), lock });
    const first = lock.serialize();
    expect(JSON.parse(first).images.map((entry: { reference: string }) => entry.reference)).toEqual([
      "docker.io/library/alpha:2",
      "docker.io/library/zed:1",
    ]);
    const reread = Lockfile.parse(first, "lock.json");
    await pinFiles([file], { resolver: memoryResolver(), lock: reread });
    expect(reread.serialize()).toBe(first);
    const [offline] = await pinFiles([file], { offline: true, lock: reread });
    expect(offline!.changed).toBe(true);
    const [missing] = await pinFiles([scanText("q.yaml", "kind: Pod\nspec: {containers: [{image: other:1}]}\n")], {
      offline: true,
      lock: reread,
    });
    expect(missing!.failures[0]).toMatchObject({ code: "not-in-lock" });
  });
});

describe("formatScalar", () => {
  it("escapes for each style", () => {
    expect(formatScalar("it's", "single")).toBe("'it''s'");
    expect(formatScalar('a"b', "double")).toBe('"a\\"b"');
    expect(formatScalar("# not plain", "plain")).toBe('"# not plain"');
  });

  it("keeps a plain value plain when YAML 1.2 allows it in its context, else quotes it in the file's quote", () => {
    const block = { flow: false, quote: "single" as const };
    const flow = { flow: true, quote: "double" as const };
    expect(formatScalar("${IMG:-nginx}@sha256:00", "plain", block)).toBe("${IMG:-nginx}@sha256:00");
    expect(formatScalar("${IMG:-nginx}@sha256:00", "plain", flow)).toBe('"${IMG:-nginx}@sha256:00"');
    expect(formatScalar("a: b", "plain", block)).toBe("'a: b'");
    expect(formatScalar("a #b", "plain", block)).toBe("'a #b'");
    expect(formatScalar("1.25", "plain", block)).toBe("'1.25'");
    expect(formatScalar("-x", "plain", flow)).toBe("-x");
    expect(formatScalar("@x", "plain", flow)).toBe('"@x"');
    expect(formatScalar("nginx:1.25@sha256:00", "plain", flow)).toBe("nginx:1.25@sha256:00");
  });
});

// Everything outside the image values must be byte for byte what it was.
const styleArb = fc.constantFrom("plain", "single", "double");
const containerArb = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
  repo: fc.constantFrom("nginx", "quay.io/org/app", "localhost:5000/x/y", "redis"),
  tag: fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,6}$/), { nil: undefined }),
  style: styleArb,
  comment: fc.option(fc.stringMatching(/^[ -~]{0,12}$/), { nil: undefined }),
  blank: fc.boolean(),
});
const manifestArb = fc.record({
  containers: fc.array(containerArb, { minLength: 1, maxLength: 5 }),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  docs: fc.integer({ min: 1, max: 3 }),
});

function render({
  containers,
  crlf,
  bom,
  docs,
}: {
  containers: { name: string; repo: string; tag?: string; style: string; comment?: string; blank: boolean }[];
  crlf: boolean;
  bom: boolean;
  docs: number;
}): string {
  const eol = crlf ? "\r\n" : "\n";
  const doc = [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    "  name: d  # name",
    "spec:",
    "  template:",
    "    spec:",
    "      containers:",
  ];
  for (const container of containers) {
    const image = container.repo + (container.tag ? `:${container.tag}` : "");
    const value = container.style === "single" ? `'${image}'` : container.style === "double" ? `"${image}"` : image;
    if (container.blank) doc.push("");
    doc.push(
      `        - name: ${container.name}`,
      `          image: ${value}${container.comment !== undefined ? ` #${container.comment}` : ""}`,
    );
  }
  const body = Array.from({ length: docs }, () => doc.join(eol)).join(`${eol}---${eol}`);
  return (bom ? "\uFEFF" : "") + body + eol;
}

/** The text with every rewritable image value cut out. */
function outside(file: ScannedFile): string[] {
  const slots = file.images
    .flatMap((image) => (image.slot?.kind === "replace" ? [image.slot] : []))
    .sort((a, b) => a.start - b.start);
  return applyEdits(
    file.text,
    slots.map((slot) => ({ start: slot.start, end: slot.end, text: "\u0000" })),
  ).split("\u0000");
}

describe("pin property", () => {
  it("changes no byte outside the image values", async () => {
    await fc.assert(
      fc.asyncProperty(manifestArb, async (manifest) => {
        const text = render(manifest);
        const result = await pinText("d.yaml", text);
        const after = scanText("d.yaml", result.output);
        expect(outside(after)).toEqual(outside(scanText("d.yaml", text)));
        expect(after.images.every((image) => image.image.includes("@sha256:"))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
