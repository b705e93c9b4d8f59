// GetReference's two generations (tigera/operator pkg/components/references.go): string concatenation
// up to v1.40 and path.Join from v1.41, each with the Installation's registry, imagePath and
// imagePrefix given, empty, UseDefault, with and without slashes.
import { describe, expect, it } from "vitest";
import { operatorRepository, type PullSettings } from "./pull-reference.js";
import { releaseForOperator } from "./releases.js";

const concatenate = releaseForOperator("calico", "v1.40.15")!;
const join = releaseForOperator("calico", "v1.42.4")!;
const old = releaseForOperator("calico", "v1.36.16")!;

const cases: [string, PullSettings, string, string][] = [
  // settings, up to v1.40, from v1.41
  ["nothing set", {}, "quay.io/calico/node", "quay.io/calico/node"],
  ["empty strings", { registry: "", imagePath: "", imagePrefix: "" }, "quay.io/calico/node", "quay.io/calico/node"],
  [
    "UseDefault",
    { registry: "UseDefault", imagePath: "UseDefault", imagePrefix: "UseDefault" },
    "quay.io/calico/node",
    "quay.io/calico/node",
  ],
  [
    "registry with /",
    { registry: "registry.example.com/" },
    "registry.example.com/calico/node",
    "registry.example.com/calico/node",
  ],
  [
    "registry without /",
    { registry: "registry.example.com:5000" },
    "registry.example.com:5000/calico/node",
    "registry.example.com:5000/calico/node",
  ],
  [
    "registry with a path",
    { registry: "registry.example.com/team/" },
    "registry.example.com/team/calico/node",
    "registry.example.com/team/calico/node",
  ],
  [
    "registry with //",
    { registry: "registry.example.com//" },
    "registry.example.com//calico/node",
    "registry.example.com/calico/node",
  ],
  ["imagePath", { imagePath: "mirror/calico" }, "quay.io/mirror/calico/node", "quay.io/mirror/calico/node"],
  ["imagePath with /", { imagePath: "mirror/" }, "quay.io/mirror//node", "quay.io/mirror/node"],
  ["imagePrefix", { imagePrefix: "calico-" }, "quay.io/calico/calico-node", "quay.io/calico/calico-node"],
  [
    "all three",
    { registry: "registry.example.com:5000/", imagePath: "mirror/quay", imagePrefix: "calico-" },
    "registry.example.com:5000/mirror/quay/calico-node",
    "registry.example.com:5000/mirror/quay/calico-node",
  ],
];

describe("operatorRepository", () => {
  it.each(cases)("%s", (_name, settings, concatenated, joined) => {
    expect(operatorRepository("calico/node", settings, concatenate)).toBe(concatenated);
    expect(operatorRepository("calico/node", settings, join)).toBe(joined);
  });

  it("takes each image's default registry and path from its owner and release", () => {
    expect(operatorRepository("calico/node", {}, old)).toBe("docker.io/calico/node");
    expect(operatorRepository("tigera/cnx-node", {}, old)).toBe("quay.io/tigera/cnx-node");
    expect(operatorRepository("tigera/node", { imagePath: "mirror" }, join)).toBe("quay.io/mirror/node");
  });
});
