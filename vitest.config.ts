import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["apps/*/test/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    // chDB binds one data directory per process: every test file gets a process of its own.
    pool: "forks",
    isolate: true,
    maxWorkers: 2,
    globalSetup: ["apps/server/test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
