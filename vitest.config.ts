import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // integration suites start real servers; two cores do not gain from more parallel files
    maxWorkers: 2,
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
