import { z } from "zod";
import { DatasetNameParams, decodedOnceMore } from "./datasets.ts";
import { LimitParam, PageMeta, PageParam } from "./query-params.ts";

// ---- Runs -----------------------------------------------------------------------------------

export const DatasetRun = z
  .object({
    id: z.string().describe("Derived from the project, the dataset and the run name: the same for every use of the name"),
    name: z.string(),
    description: z.string().nullable(),
    metadata: z.unknown().describe("A JSON object: the metadata of the run item that created the run"),
    datasetId: z.string(),
    datasetName: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "DatasetRun" });

export const PaginatedDatasetRuns = z.object({ data: z.array(DatasetRun), meta: PageMeta }).meta({ id: "PaginatedDatasetRuns" });

export const ListDatasetRunsQuery = z.object({
  page: PageParam.describe("Page number, from 1"),
  limit: LimitParam.describe("Runs per page, 1–100"),
});

export const DatasetRunParams = DatasetNameParams.extend({
  runName: z.string().transform(decodedOnceMore).describe("The run's name, URL-encoded as one path segment; decoded a second time after routing"),
});

export const DeleteDatasetRunResponse = z.object({ message: z.string() }).meta({ id: "DeleteDatasetRunResponse" });

// ---- Run items ------------------------------------------------------------------------------

export const DatasetRunItem = z
  .object({
    id: z.string(),
    datasetRunId: z.string(),
    datasetRunName: z.string(),
    datasetItemId: z.string(),
    traceId: z.string(),
    observationId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "DatasetRunItem" });

export const DatasetRunWithItems = DatasetRun.extend({
  datasetRunItems: z.array(DatasetRunItem).describe("Every item of the run, one per dataset item (its newest), newest first, unpaginated"),
}).meta({ id: "DatasetRunWithItems" });

export const PaginatedDatasetRunItems = z.object({ data: z.array(DatasetRunItem), meta: PageMeta }).meta({ id: "PaginatedDatasetRunItems" });

const Instant = z
  .string()
  .refine((value) => !Number.isNaN(new Date(value).getTime()), "Invalid date")
  .transform((value) => new Date(value))
  .meta({ format: "date-time" });

/** Strict, as upstream's: a key it does not know is a 400, not silently dropped. */
export const CreateDatasetRunItemRequest = z
  .strictObject({
    runName: z.string().describe("The run; created by its first item"),
    runDescription: z.string().nullish().describe("Used when this item creates the run; an existing run keeps its description"),
    metadata: z.unknown().optional().describe("Used when this item creates the run (an object as is, another value as `{metadata: value}`); an existing run keeps its metadata"),
    datasetItemId: z.string(),
    observationId: z.string().nullish(),
    traceId: z.string().nullish().describe("Needed unless observationId is given, in which case it is the observation's trace"),
    datasetVersion: Instant.nullish().describe("An instant (ISO 8601, UTC): link the item as it was then; it must have been active"),
    createdAt: z.iso.datetime({ offset: true }).nullish().describe("When the item ran (default now); also the run's creation time when this item creates it"),
  })
  .refine((body) => body.traceId != null || body.observationId != null, {
    path: ["traceId"],
    message: "Either traceId or observationId must be provided",
  })
  .meta({ id: "CreateDatasetRunItemRequest" });

export const ListDatasetRunItemsQuery = z.object({
  datasetId: z.string().describe("The dataset's id"),
  runName: z.string(),
  page: PageParam.describe("Page number, from 1"),
  limit: LimitParam.describe("Run items per page, 1–100"),
});

export type DatasetRun = z.infer<typeof DatasetRun>;
export type DatasetRunItem = z.infer<typeof DatasetRunItem>;
export type CreateDatasetRunItemRequest = z.infer<typeof CreateDatasetRunItemRequest>;
export type ListDatasetRunItemsQuery = z.infer<typeof ListDatasetRunItemsQuery>;
