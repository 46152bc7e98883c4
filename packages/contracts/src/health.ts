import { z } from "zod";

export const HealthResponse = z
  .object({
    version: z.string().describe("Wick's version, without a leading v"),
    status: z.string().describe('"OK", or which store is not available'),
  })
  .meta({ id: "HealthResponse" });

export const HealthQuery = z.object({
  failIfDatabaseUnavailable: z.string().optional().describe("Accepted for Langfuse compatibility; both stores are always checked"),
});

export type HealthResponse = z.infer<typeof HealthResponse>;
