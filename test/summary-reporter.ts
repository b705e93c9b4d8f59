// Ends a run with one plain line, `N passed, N failed[, N skipped]`, the summary every CI log reader
// understands whatever the test runner (vitest's own summary is decorated for terminals).
import type { Reporter, TestModule } from "vitest/node";

export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") counts.passed++;
        else if (state === "failed") counts.failed++;
        else counts.skipped++;
      }
      // a file that failed to load, or whose hook failed, may have no failed test to count, but it failed
      const failedTests = [...module.children.allTests()].filter((test) => test.result().state === "failed").length;
      if (module.state() === "failed" && failedTests === 0) counts.failed++;
    }
    counts.failed += unhandledErrors.length;
    const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : "";
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed${skipped}\n`);
  }
}
