import { randomUUID } from "node:crypto";
import type { Database, DatasetRow } from "@wick/postgres";
import { DatasetRepository } from "../../src/repository.ts";

/** A dataset with nothing but a name in the project, stored at `createdAt`. */
export function insertTestDataset(db: Database, projectId: string, name: string, createdAt: Date): Promise<DatasetRow> {
  return new DatasetRepository(db).insertDataset({
    id: randomUUID(),
    projectId,
    name,
    description: null,
    metadata: null,
    inputSchema: null,
    expectedOutputSchema: null,
    createdAt,
    updatedAt: createdAt,
  });
}
