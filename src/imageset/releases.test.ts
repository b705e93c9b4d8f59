// The release tables are data read from tigera/operator's sources; these checks hold every entry to
// the shape the rest of the module relies on, and the lookups to the operator's own mapping.
import { describe, expect, it } from "vitest";
import { parseReference } from "../reference/index.js";
import { verifyImageSet } from "./verify.js";
import { componentChanges } from "./release-data.js";
import {
  compareVersions,
  firstAppearance,
  operatorPatches,
  operatorSeries,
  releaseForOperator,
  releaseForVersion,
  variantImages,
} from "./releases.js";

const imageName = /^(calico|tigera)\/[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const operatorTag = /^v1\.\d+\.\d+(?:\.\d+)?$/;
const productTag = /^v3\.\d+\.\d+(?:-\d+\.\d+)?$/;
const digest = (seed: number) => `sha256:${seed.toString(16).padStart(64, "0")}`;

describe("the release tables", () => {
  it("hold well-formed, sorted, duplicate-free lists whose `since` lies in their series", () => {
    for (const series of operatorSeries) {
      expect(series.operator).toMatch(/^v1\.\d+$/);
      expect(series.source).toMatch(new RegExp(`^tigera/operator ${series.operator.replace(".", "\\.")}\\.\\d+`));
      for (const lists of series.lists) {
        expect(lists.since.startsWith(`${series.operator}.`), lists.since).toBe(true);
        for (const list of [lists.calico, lists.enterprise]) {
          expect(list.length).toBeGreaterThan(5);
          expect(new Set(list).size).toBe(list.length);
          expect([...list].sort()).toEqual(list);
          for (const image of list) {
            expect(image, `${series.operator} ${image}`).toMatch(imageName);
            expect(parseReference(`quay.io/${image}:v3.32.0`).path).toBe(image);
          }
        }
        expect(lists.enterprise.every((image) => image.startsWith("tigera/"))).toBe(true);
      }
    }
  });

  it("cover the operator releases of the last six Calico minors, in order, each with its series", () => {
    const tags = operatorPatches.map(([tag]) => tag);
    expect([...tags].sort(compareVersions)).toEqual(tags);
    for (const [tag, calico, enterprise] of operatorPatches) {
      expect(tag).toMatch(operatorTag);
      if (calico !== null) expect(calico).toMatch(productTag);
      if (enterprise !== null) expect(enterprise).toMatch(productTag);
      expect(releaseForOperator("calico", tag), tag).toBeDefined();
    }
    const minors = new Set(operatorPatches.map(([, calico]) => calico?.split(".").slice(0, 2).join(".")));
    for (const minor of ["v3.27", "v3.28", "v3.29", "v3.30", "v3.31", "v3.32"])
      expect(minors.has(minor), minor).toBe(true);
  });

  it("map operator releases to the set the operator looks for (CalicoRelease at each tag)", () => {
    expect(releaseForOperator("calico", "v1.42.4")).toMatchObject({ version: "v3.32.1", rules: "join" });
    expect(releaseForOperator("enterprise", "v1.42.4")?.version).toBe("v3.23.1");
    expect(releaseForOperator("calico", "v1.40.15")).toMatchObject({ version: "v3.31.7", rules: "concatenate" });
    expect(releaseForOperator("calico", "v1.34.14")?.defaultRegistry.calico).toBe("docker.io/");
    expect(releaseForOperator("calico", "v1.38.7")?.defaultRegistry.calico).toBe("quay.io/");
    expect(releaseForOperator("enterprise", "v1.42.0")?.version).toBeUndefined();
    expect(releaseForOperator("calico", "v1.99.0")).toBeUndefined();
    expect(releaseForVersion("calico", "v3.30.4")).toMatchObject({
      basis: "version",
      operatorCandidates: ["v1.38.7", "v1.38.8"],
    });
    expect(releaseForVersion("calico", "v3.30.9")).toMatchObject({ basis: "minor", version: "v3.30.9" });
    expect(releaseForVersion("calico", "v3.99.0").basis).toBe("newest");
  });

  it("say when components appeared and left", () => {
    expect(firstAppearance("calico", "calico/goldmane")).toEqual({ operator: "v1.38.0", version: "v3.30.0" });
    expect(firstAppearance("calico", "calico/webhooks")).toEqual({ operator: "v1.42.0", version: "v3.32.0" });
    expect(firstAppearance("calico", "calico/node-windows")).toBeUndefined();
    expect(variantImages(releaseForVersion("calico", "v3.28.5"))).toContain("tigera/operator");
    expect(variantImages(releaseForVersion("calico", "v3.29.0"))).not.toContain("tigera/operator");
  });

  it("agree with what verify accepts: every listed image passes, one outside the lists is refused", async () => {
    for (const [tag, calico, enterprise] of operatorPatches.filter(
      ([tag]) => /\.\d+\.0$/.test(tag) || tag.endsWith(".3"),
    )) {
      for (const [variant, version] of [
        ["calico", calico],
        ["enterprise", enterprise],
      ] as const) {
        if (version === null) continue;
        const release = releaseForOperator(variant, tag)!;
        const images = [...release.known].sort();
        const text = `apiVersion: operator.tigera.io/v1\nkind: ImageSet\nmetadata:\n  name: ${variant}-${version}\nspec:\n  images:\n${images.map((image, index) => `  - image: ${image}\n    digest: ${digest(index + 1)}\n`).join("")}  - image: calico/not-a-component\n    digest: ${digest(999)}\n`;
        const { problems } = await verifyImageSet({ text, variant, operator: tag, offline: true });
        const errors = problems.filter((problem) => problem.severity === "error");
        expect(
          errors.map((problem) => `${problem.code} ${problem.image}`),
          `${tag} ${variant}`,
        ).toEqual(["unknown-image calico/not-a-component"]);
        expect(
          problems.filter((problem) => problem.code === "missing-component"),
          `${tag} ${variant}`,
        ).toEqual([]);
      }
    }
  });
});

describe("release-data.ts's recorded changes", () => {
  it("each add a missing image or remove a present one, so the tables add up to what the operator lists", () => {
    let lists = { calico: [] as string[], enterprise: [] as string[] };
    for (const series of componentChanges) {
      expect(series.changes.length, series.operator).toBeGreaterThan(0);
      for (const { since, ...change } of series.changes) {
        for (const variant of ["calico", "enterprise"] as const) {
          const before = lists[variant];
          for (const image of change[variant]?.add ?? []) expect(before, `${since} adds ${image}`).not.toContain(image);
          for (const image of change[variant]?.remove ?? [])
            expect(before, `${since} removes ${image}`).toContain(image);
          lists = {
            ...lists,
            [variant]: operatorSeries.flatMap((s) => s.lists).find((l) => l.since === since)![variant],
          };
        }
      }
    }
    expect(operatorSeries.flatMap((s) => s.lists).length).toBe(componentChanges.flatMap((s) => s.changes).length);
  });
});
