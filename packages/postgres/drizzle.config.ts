import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./packages/postgres/src/schema.ts",
  out: "./migrations/postgres",
});
