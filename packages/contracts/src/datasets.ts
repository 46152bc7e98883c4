import { z } from "zod";
import { nameText, withFolderRules } from "./folder-names.ts";
import { isValidJsonSchema, MAX_JSON_SCHEMA_CHARS } from "./json-schema.ts";
import { LimitParam, PageMeta, PageParam } from "./query-params.ts";

// ---- Rules shared by requests ---------------------------------------------------------------

/**
 * A dataset name: the folder rules of prompt names, but `|` is allowed and nothing is reserved.
 * Checked by the service, which words the failure as upstream does; stored as sent, untrimmed.
 */
export const DatasetName = withFolderRules(nameText());

/**
 * The server decodes a dataset name from the path once more after the router has, as upstream
 * does; a name that does not decode again is taken as the router left it.
 */
export function decodedOnceMore(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

export const DatasetNameParams = z.object({
  datasetName: z.string().transform(decodedOnceMore).describe("The dataset's name, URL-encoded as one path segment; the server decodes it a second time after routing"),
});

const JsonSchemaField = z.unknown().refine(isValidJsonSchema, "Must be a valid JSON Schema").meta({ type: "object" }).nullish();

export const DatasetStatus = z.enum(["ACTIVE", "ARCHIVED"]).meta({ id: "DatasetStatus" });

// ---- Datasets -------------------------------------------------------------------------------

export const CreateDatasetRequest = z
  .object({
    name: z.string().describe("Unique per project; `/` makes virtual folders. An existing name is updated"),
    description: z.string().nullish().describe("Absent or null leaves an existing dataset's description as it is"),
    metadata: z.unknown().optional().describe("Any JSON value; absent or null leaves an existing dataset's metadata as it is"),
    inputSchema: JsonSchemaField.describe(
      `JSON Schema (draft-07, at most ${MAX_JSON_SCHEMA_CHARS} characters) that item inputs must match; null removes it, absent keeps it. Existing items are checked when it is set`,
    ),
    expectedOutputSchema: JsonSchemaField.describe("JSON Schema that item expected outputs must match; null removes it, absent keeps it"),
  })
  .meta({ id: "CreateDatasetRequest" });

export const ListDatasetsQuery = z.object({
  page: PageParam.describe("Page number, from 1"),
  limit: LimitParam.describe("Datasets per page, 1–100"),
});

/** The legacy list also takes page 0, which it serves as the first page. */
export const LegacyListDatasetsQuery = z.object({
  page: z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number().int().min(0).default(1)).describe("Page number, from 1 (0 reads as 1)"),
  limit: LimitParam.describe("Datasets per page, 1–100"),
});

export const Dataset = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    metadata: z.unknown().describe("Any JSON value, or null"),
    inputSchema: z.unknown().describe("JSON Schema for item inputs, or null"),
    expectedOutputSchema: z.unknown().describe("JSON Schema for item expected outputs, or null"),
    projectId: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Dataset" });

export const PaginatedDatasets = z.object({ data: z.array(Dataset), meta: PageMeta }).meta({ id: "PaginatedDatasets" });

// ---- Dataset items --------------------------------------------------------------------------

const VALUE_RULES = 'A string that parses as JSON is stored parsed, "" as null; absent or null keeps an existing item\'s value';
const itemValue = (what: string) => z.unknown().optional().describe(`${what}. ${VALUE_RULES}`);

export const CreateDatasetItemRequest = z
  .object({
    datasetName: z.string(),
    input: itemValue("Any JSON value; required for a new item without an id"),
    expectedOutput: itemValue("Any JSON value"),
    metadata: itemValue("Any JSON value"),
    sourceTraceId: z.string().nullish(),
    sourceObservationId: z.string().nullish(),
    id: z.string().min(1).max(255).nullish().describe("Items are upserted on their id, unique across the project's datasets; a UUID when absent"),
    status: DatasetStatus.nullish().describe("ACTIVE for new items; absent or null keeps an existing item's status"),
  })
  .meta({ id: "CreateDatasetItemRequest" });

const VersionParam = z
  .string()
  .refine((value) => !Number.isNaN(new Date(value).getTime()), "Invalid date")
  .transform((value) => new Date(value))
  .meta({ format: "date-time" });

export const ListDatasetItemsQuery = z
  .object({
    datasetName: z.string().optional().describe("Only the items of this dataset"),
    sourceTraceId: z.string().optional(),
    sourceObservationId: z.string().optional(),
    version: VersionParam.optional().describe("An instant (ISO 8601, UTC): the items as they were then. Needs datasetName"),
    page: PageParam.describe("Page number, from 1"),
    limit: LimitParam.describe("Items per page, 1–100"),
  })
  .refine((query) => query.version === undefined || Boolean(query.datasetName), {
    path: ["datasetName"],
    message: "datasetName is required when version parameter is provided",
  });

export const DatasetItemParams = z.object({ id: z.string().describe("The dataset item's id") });

export const DatasetItemMediaReference = z
  .object({
    field: z.enum(["input", "expectedOutput", "metadata"]),
    referenceString: z.string(),
    jsonPath: z.string(),
    media: z.object({ mediaId: z.string(), contentType: z.string(), contentLength: z.number().int(), url: z.string(), urlExpiry: z.string() }),
  })
  .meta({ id: "DatasetItemMediaReference" });

export const DatasetItem = z
  .object({
    id: z.string(),
    status: DatasetStatus,
    input: z.unknown(),
    expectedOutput: z.unknown(),
    metadata: z.unknown(),
    sourceTraceId: z.string().nullable(),
    sourceObservationId: z.string().nullable(),
    datasetId: z.string(),
    datasetName: z.string(),
    createdAt: z.string().describe("When this version of the item was written"),
    updatedAt: z.string(),
    mediaReferences: z.array(DatasetItemMediaReference).describe("Langfuse media referenced from input, expectedOutput or metadata"),
  })
  .meta({ id: "DatasetItem" });

export const PaginatedDatasetItems = z.object({ data: z.array(DatasetItem), meta: PageMeta }).meta({ id: "PaginatedDatasetItems" });

export const DeleteDatasetItemResponse = z.object({ message: z.string() }).meta({ id: "DeleteDatasetItemResponse" });

// ---- Legacy (v1) datasets -------------------------------------------------------------------

const runNames = z.array(z.string()).describe("Names of the dataset's runs");

export const LegacyDataset = Dataset.extend({
  items: z.array(DatasetItem).describe("Every active item, unpaginated"),
  runs: runNames,
}).meta({ id: "LegacyDataset" });

export const LegacyDatasetSummary = Dataset.extend({
  items: z.array(z.string()).describe("Ids of the active items"),
  runs: runNames,
}).meta({ id: "LegacyDatasetSummary" });

export const LegacyPaginatedDatasets = z.object({ data: z.array(LegacyDatasetSummary), meta: PageMeta }).meta({ id: "LegacyPaginatedDatasets" });

export type CreateDatasetRequest = z.infer<typeof CreateDatasetRequest>;
export type Dataset = z.infer<typeof Dataset>;
export type CreateDatasetItemRequest = z.infer<typeof CreateDatasetItemRequest>;
export type ListDatasetItemsQuery = z.infer<typeof ListDatasetItemsQuery>;
export type DatasetItem = z.infer<typeof DatasetItem>;
export type DatasetItemMediaReference = z.infer<typeof DatasetItemMediaReference>;
export type DatasetStatus = z.infer<typeof DatasetStatus>;
