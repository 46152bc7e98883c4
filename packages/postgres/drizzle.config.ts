import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: [
    "./packages/postgres/src/schema.ts",
    "./packages/postgres/src/models-schema.ts",
    "./packages/postgres/src/prompts-schema.ts",
    "./packages/postgres/src/annotations-schema.ts",
    "./packages/postgres/src/datasets-schema.ts",
    "./packages/postgres/src/media-schema.ts",
    "./packages/postgres/src/blob-storage-schema.ts",
    "./packages/postgres/src/dashboards-schema.ts",
    "./packages/postgres/src/llm-connections-schema.ts",
    "./packages/postgres/src/annotation-queues-schema.ts",
    "./packages/postgres/src/evals-schema.ts",
    "./packages/postgres/src/metrics-rollups-schema.ts",
  ],
  out: "./migrations/postgres",
});
