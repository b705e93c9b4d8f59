// verifyImageSet judged against tigera/operator's rules (imageset.go GetImageSet / ValidateImageSet, and
// each component's ResolveImages): what the operator refuses is an error, what it fails to roll out
// without is a warning (an error with `complete`). Digest lookups go to an in-memory resolver here and
// to the real registry in test/integration/imageset-registry.test.ts.
import { describe, expect, it } from "vitest";
import { fakeDigest, memoryResolver } from "../../test/support/test-resolver.js";
import { releaseForOperator, variantImages } from "./releases.js";
import { hasErrors, verifyImageSet, type VerifyImageSetOptions } from "./verify.js";

type Entry = [image: string, digest: string];
const imageSet = (name: string, entries: Entry[]) =>
  `apiVersion: operator.tigera.io/v1\nkind: ImageSet\nmetadata:\n  name: ${name}\nspec:\n  images:\n${entries.map(([image, digest]) => `    - image: ${image}\n      digest: ${digest}\n`).join("")}`;
const complete = (operator: string, variant: "calico" | "enterprise" = "calico"): Entry[] =>
  variantImages(releaseForOperator(variant, operator)!).map((image) => [image, fakeDigest(image)]);
const calico3321 = complete("v1.42.4");
const codes = (problems: { code: string; severity: string; image?: string; set?: string }[]) =>
  problems.map((problem) => `${problem.severity} ${problem.code} ${problem.image ?? problem.set ?? ""}`.trim());
const verify = (text: string, options: Partial<VerifyImageSetOptions> = {}) =>
  verifyImageSet({ text, resolver: memoryResolver(), ...options });

describe("verifyImageSet", () => {
  it("accepts a complete set, by its name or for the operator release that looks for it", async () => {
    expect(await verify(imageSet("calico-v3.32.1", calico3321))).toEqual({
      problems: [],
      judged: [{ name: "calico-v3.32.1", release: "Calico v3.32.1 (operator v1.42.4)" }],
    });
    expect((await verify(imageSet("calico-v3.32.1", calico3321), { operator: "v1.42.4" })).problems).toEqual([]);
  });

  it("warns about each missing component with what needs it and since when; --complete makes them errors", async () => {
    const linuxOnly = calico3321.filter(([image]) => !/windows|whisker|goldmane/.test(image));
    const { problems } = await verify(imageSet("calico-v3.32.1", linuxOnly));
    expect(hasErrors(problems)).toBe(false);
    expect(codes(problems)).toEqual([
      "warning missing-component calico/cni-windows",
      "warning missing-component calico/goldmane",
      "warning missing-component calico/node-windows",
      "warning missing-component calico/whisker",
      "warning missing-component calico/whisker-backend",
    ]);
    expect(problems[0]!.message).toBe(
      "calico/cni-windows is not in the set: it is needed by Windows nodes (spec.calicoNetwork.windowsDataplane: HNS), and the operator fails to roll out calico-node-windows without it; a component of every Calico release imagepin knows (v3.26.1 and later)",
    );
    expect(problems[1]!.message).toContain("Goldmane (a Goldmane resource)");
    expect(problems[1]!.message).toContain("a component since Calico v3.30.0 (operator v1.38.0)");
    expect(problems[0]).toMatchObject({ line: 7, column: 5 });
    const strict = await verify(imageSet("calico-v3.32.1", linuxOnly), { complete: true });
    expect(strict.problems.every((problem) => problem.severity === "error")).toBe(true);
  });

  it("refuses images the operator does not know, as of the release", async () => {
    const withOperator = [
      ...calico3321,
      ["tigera/operator", fakeDigest("op")],
      ["calico/ctl", fakeDigest("ctl")],
    ] as Entry[];
    const { problems } = await verify(imageSet("calico-v3.32.1", withOperator));
    expect(codes(problems)).toEqual(["error unknown-image tigera/operator", "error unknown-image calico/ctl"]);
    expect(problems[0]!.message).toContain("imagepin pin");
    expect(problems[1]).toMatchObject({ line: 7 + 2 * calico3321.length + 2, column: 14 });
    // operator v1.34 (Calico v3.28) still listed itself among the components
    expect((await verify(imageSet("calico-v3.28.5", complete("v1.34.14")))).problems).toEqual([]);
  });

  it("refuses a digest that is not sha256:, and a malformed one fails the pull", async () => {
    const entries = calico3321.map(([image, digest]): Entry => [
      image,
      image === "calico/node" ? `sha512:${"a".repeat(128)}` : image === "calico/typha" ? "sha256:abc" : digest,
    ]);
    const { problems } = await verify(imageSet("calico-v3.32.1", entries));
    expect(codes(problems)).toEqual(["error invalid-digest calico/node", "error invalid-digest calico/typha"]);
    expect(problems[0]!.message).toContain("does not start with sha256:, so the operator refuses the set");
    expect(problems[1]!.message).toContain("the pull would fail");
  });

  it("reports a digest missing where the operator pulls it, and checks nothing at the registry --offline", async () => {
    const missing = fakeDigest("calico/cni");
    const resolver = memoryResolver({ missing: [missing] });
    const { problems } = await verify(imageSet("calico-v3.32.1", calico3321), {
      resolver,
      pull: { registry: "r.example.com", imagePath: "mirror", imagePrefix: "calico-" },
    });
    expect(codes(problems)).toEqual(["error digest-not-found calico/cni"]);
    expect(problems[0]!.message).toBe(`calico/cni: ${missing} does not exist at r.example.com/mirror/calico-cni`);
    expect(resolver.calls).toContain(`r.example.com/mirror/calico-node@${fakeDigest("calico/node")}`);
    const offline = memoryResolver({ missing: [missing] });
    expect(
      (await verify(imageSet("calico-v3.32.1", calico3321), { resolver: offline, offline: true })).problems,
    ).toEqual([]);
    expect(offline.calls).toEqual([]);
  });

  it("says when the operator would build no valid reference from the settings", async () => {
    const { problems } = await verify(imageSet("calico-v3.31.7", complete("v1.40.15")), {
      pull: { imagePath: "mirror/" },
      offline: true,
    });
    expect(problems[0]).toMatchObject({ code: "invalid-pull-reference", severity: "error" });
    expect(problems[0]!.message).toContain("quay.io/mirror//");
    expect(
      (await verify(imageSet("calico-v3.32.1", calico3321), { pull: { imagePath: "mirror/" }, offline: true }))
        .problems,
    ).toEqual([]);
  });

  it("needs the exact name of the operator's release once sets of its variant exist", async () => {
    const old = imageSet("calico-v3.32.0", calico3321);
    const wrong = await verify(old, { operator: "v1.42.4" });
    expect(codes(wrong.problems)).toEqual(["error wrong-name calico-v3.32.0"]);
    expect(wrong.problems[0]!.message).toContain("none is named calico-v3.32.1");
    const upgrade = await verify(`${old}---\n${imageSet("calico-v3.32.1", calico3321)}`, { version: "v3.32.1" });
    expect(codes(upgrade.problems)).toEqual(["note unused-set calico-v3.32.0"]);
    expect(upgrade.judged.map((set) => set.name)).toEqual(["calico-v3.32.1"]);
    expect(codes((await verify(imageSet("calico-3.32", calico3321))).problems)).toEqual([
      "error invalid-name calico-3.32",
    ]);
    expect(codes((await verify(imageSet("pinned", calico3321))).problems)).toEqual(["error invalid-name pinned"]);
    await expect(verify(old, { operator: "v1.42.4", version: "v3.32.0" })).rejects.toMatchObject({
      code: "version-mismatch",
    });
  });

  it("ignores the other variant's sets, and says so", async () => {
    const enterprise = imageSet("enterprise-v3.23.1", complete("v1.42.4", "enterprise"));
    const only = await verify(enterprise, { variant: "calico" });
    expect(codes(only.problems)).toEqual(["error other-variant enterprise-v3.23.1"]);
    expect(only.problems[0]!.message).toContain("deploys Calico by tag");
    const both = await verify(`${enterprise}---\n${imageSet("calico-v3.32.1", calico3321)}`, { variant: "calico" });
    expect(codes(both.problems)).toEqual(["note other-variant enterprise-v3.23.1"]);
    const each = await verify(`${enterprise}---\n${imageSet("calico-v3.32.1", calico3321)}`);
    expect(each.judged.map((set) => set.name)).toEqual(["calico-v3.32.1", "enterprise-v3.23.1"]);
  });

  it("warns about images of the other variant and duplicates the operator accepts", async () => {
    const entries: Entry[] = [...calico3321, ["tigera/node", fakeDigest("tn")], ["calico/node", fakeDigest("again")]];
    expect(codes((await verify(imageSet("calico-v3.32.1", entries))).problems)).toEqual([
      "warning unused-image tigera/node",
      "warning duplicate-image calico/node",
    ]);
  });

  it("places YAML and shape errors", async () => {
    expect((await verify("a: [\n")).problems[0]).toMatchObject({ code: "invalid-imageset", line: expect.any(Number) });
    expect((await verify("kind: Pod\n")).problems[0]).toMatchObject({ code: "invalid-imageset" });
    expect(
      (await verify("apiVersion: operator.tigera.io/v1\nkind: ImageSet\nmetadata:\n  name: calico-v3.32.1\nspec: {}\n"))
        .problems[0],
    ).toMatchObject({ code: "invalid-imageset", line: 4 });
  });
});

describe("verifyImageSet for releases imagepin has no exact row for", () => {
  it("judges a newer patch by its minor's newest lists (a note), an unknown minor by the newest lists (a warning)", async () => {
    const patch = await verify(imageSet("calico-v3.30.9", complete("v1.38.16")), { offline: true });
    expect(codes(patch.problems)).toEqual(["note release-unknown calico-v3.30.9"]);
    expect(patch.problems[0]!.message).toBe(
      "no operator release imagepin knows deploys Calico v3.30.9; judged against the lists of operator v1.38.16",
    );
    expect(patch.judged).toEqual([{ name: "calico-v3.30.9", release: "Calico v3.30.9" }]);
    const minor = await verify(imageSet("calico-v3.40.0", calico3321), { offline: true });
    expect(codes(minor.problems)).toEqual(["warning release-unknown calico-v3.40.0"]);
    expect(minor.problems[0]!.message).toContain(
      "imagepin has no component list for Calico v3.40.0; judged against the lists of operator v1.43.0",
    );
  });

  it("falls back to the names when the operator release is unknown, and says so", async () => {
    const { problems } = await verify(imageSet("calico-v3.32.1", calico3321), { operator: "v1.42.9", offline: true });
    expect(codes(problems)).toEqual(["warning release-unknown"]);
    expect(problems[0]!.message).toContain("operator v1.42.9");
  });
});
