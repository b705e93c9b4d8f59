import { describe, expect, it } from "vitest";
import { Diagnostics } from "./report.js";

describe("Diagnostics", () => {
  it("writes identical lines once with a count, in first-seen order, hints under their line", () => {
    const lines = new Diagnostics();
    for (let service = 0; service < 20; service++)
      lines.add("imagepin: warning: compose.yaml:2:10: nginx not pinned", "pin the anchor");
    lines.add("imagepin: other");
    lines.add("imagepin: warning: compose.yaml:2:10: nginx not pinned", "another hint");
    expect(lines.lines()).toEqual([
      "imagepin: warning: compose.yaml:2:10: nginx not pinned (20 times)",
      "  hint: pin the anchor",
      "imagepin: other",
      "imagepin: warning: compose.yaml:2:10: nginx not pinned",
      "  hint: another hint",
    ]);
  });
});
