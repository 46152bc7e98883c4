import { z } from "zod";

export const Organization = z.object({ id: z.string(), name: z.string() }).meta({ id: "Organization" });

export const Project = z
  .object({
    id: z.string(),
    name: z.string(),
    organization: Organization.describe("The organization this project belongs to"),
    metadata: z.record(z.string(), z.unknown()).describe("Metadata for the project"),
    retentionDays: z.number().int().nullish().describe("Days to keep data; omitted when data is kept forever"),
  })
  .meta({ id: "Project" });

export const Projects = z.object({ data: z.array(Project) }).meta({ id: "Projects" });

export type Project = z.infer<typeof Project>;
export type Projects = z.infer<typeof Projects>;
