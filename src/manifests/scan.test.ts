import { describe, expect, it } from "vitest";
import { parseCustomKinds } from "./scan.js";

describe("parseCustomKinds", () => {
  it("reads kinds", () => {
    expect(
      parseCustomKinds(
        "kinds: [{kind: Rollout, apiVersion: argoproj.io/v1alpha1, paths: [spec.template]}]\n",
        "k.yaml",
      ),
    ).toEqual([{ kind: "Rollout", apiVersion: "argoproj.io/v1alpha1", paths: ["spec.template"] }]);
  });

  it("names the line and column of what is wrong", () => {
    expect(() => parseCustomKinds("kinds:\n  - kind: Rollout\n    paths: [spec.template\n", "k.yaml")).toThrow(
      expect.objectContaining({ code: "invalid-config", location: { file: "k.yaml", line: 3, column: 12 } }),
    );
    expect(() => parseCustomKinds("\nkinds: {kind: Rollout}\n", "k.yaml")).toThrow(
      expect.objectContaining({ message: "k.yaml:2:8: expected `kinds:`, a list of {kind, apiVersion?, paths}" }),
    );
    expect(() => parseCustomKinds("other: 1\n", "k.yaml")).toThrow(
      expect.objectContaining({ message: "k.yaml:1:1: expected `kinds:`, a list of {kind, apiVersion?, paths}" }),
    );
    expect(() =>
      parseCustomKinds("kinds:\n  - kind: Rollout\n    paths: [spec.template]\n  - null\n", "k.yaml"),
    ).toThrow(
      expect.objectContaining({
        message: "k.yaml:4:5: kinds[1] needs kind (string), paths (list of strings) and optionally apiVersion",
      }),
    );
  });
});
