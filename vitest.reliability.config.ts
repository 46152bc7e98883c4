import { defineConfig } from "vitest/config";

/** `npm run test:reliability`: checks against server processes, one file at a time so each has the machine. */
export default defineConfig({
  test: {
    include: ["apps/server/reliability/**/*.reliability.ts"],
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 1_800_000,
    hookTimeout: 300_000,
  },
});
