import { z } from "zod";

export const BlobStorageIntegrationType = z.enum(["S3", "S3_COMPATIBLE", "AZURE_BLOB_STORAGE"]).meta({ id: "BlobStorageIntegrationType" });
export type BlobStorageIntegrationType = z.infer<typeof BlobStorageIntegrationType>;

export const BlobStorageIntegrationFileType = z
  .enum(["JSON", "CSV", "JSONL", "PARQUET"])
  .describe("File format of the exported files. Wick refuses PARQUET with 400: it exports JSON, CSV and JSONL only.")
  .meta({ id: "BlobStorageIntegrationFileType" });
export type BlobStorageIntegrationFileType = z.infer<typeof BlobStorageIntegrationFileType>;

export const BlobStorageExportMode = z.enum(["FULL_HISTORY", "FROM_TODAY", "FROM_CUSTOM_DATE"]).meta({ id: "BlobStorageExportMode" });
export type BlobStorageExportMode = z.infer<typeof BlobStorageExportMode>;

export const BlobStorageExportFrequency = z.enum(["every_20_minutes", "hourly", "daily", "weekly"]).meta({ id: "BlobStorageExportFrequency" });

export const BlobStorageExportSource = z
  .enum(["LEGACY_TRACES_OBSERVATIONS", "OBSERVATIONS_V2", "LEGACY_TRACES_AND_ENRICHED_OBSERVATIONS"])
  .describe("What the integration exports: the legacy traces and observations tables, v2 observations, or both; scores always")
  .meta({ id: "BlobStorageExportSource" });
export type BlobStorageExportSource = z.infer<typeof BlobStorageExportSource>;

export const BlobStorageExportFieldGroup = z
  .enum(["core", "basic", "time", "io", "metadata", "model", "usage", "prompt", "metrics", "tools", "trace_context"])
  .describe("A group of observation columns included in the export")
  .meta({ id: "BlobStorageExportFieldGroup" });
export type BlobStorageExportFieldGroup = z.infer<typeof BlobStorageExportFieldGroup>;

export const BlobStorageSyncStatus = z
  .enum(["idle", "running", "queued", "up_to_date", "disabled", "error"])
  .describe(
    "disabled: not enabled; error: the last export failed (see lastError); running: an export started less than 2 hours ago; queued: the next export is due; idle: never exported and none due; up_to_date: the next export is scheduled in the future",
  )
  .meta({ id: "BlobStorageSyncStatus" });
export type BlobStorageSyncStatus = z.infer<typeof BlobStorageSyncStatus>;

/** Azure's container naming rules: 3–63 lowercase letters, digits and single hyphens, alphanumeric at both ends. */
const AZURE_CONTAINER_NAME = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** How far ahead a start date may lie: a day, and the widest gap between time zones. */
const START_DATE_TOLERANCE_MS = 27 * 60 * 60 * 1000;

export const CreateBlobStorageIntegrationRequest = z
  .strictObject({
    projectId: z.string().describe("The project to export; one of the key's organization"),
    type: BlobStorageIntegrationType,
    bucketName: z.string().min(1).describe("For AZURE_BLOB_STORAGE, a valid container name (3–63 lowercase letters, digits and hyphens, alphanumeric at both ends, no '--')"),
    endpoint: z
      .string()
      .nullish()
      .describe(
        "Endpoint URL for S3-compatible and Azure storage. Private and internal addresses are refused unless LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED_HOST, _IPS or _IP_SEGMENTS allow them",
      ),
    region: z.string(),
    accessKeyId: z.string().trim().nullish().describe("Required unless type is S3, which can use the host's own AWS credentials"),
    secretAccessKey: z.string().trim().nullish().describe("Stored encrypted (needs ENCRYPTION_KEY), never returned; omitted or null on update keeps the stored one"),
    prefix: z
      .string()
      .default("")
      .refine((prefix) => prefix === "" || prefix.endsWith("/"), "prefix must be empty or end with a forward slash (/)")
      .describe("Prepended to every exported object key"),
    exportFrequency: BlobStorageExportFrequency,
    enabled: z.boolean(),
    forcePathStyle: z.boolean(),
    fileType: BlobStorageIntegrationFileType,
    exportMode: BlobStorageExportMode,
    exportStartDate: z
      .union([z.iso.datetime({ offset: true }), z.iso.date()])
      .nullish()
      .describe("Required for FROM_CUSTOM_DATE; at most 27 hours ahead. Ignored by the other modes"),
    compressed: z.boolean().nullish().describe("gzip the exported files; true when omitted or null"),
    exportSource: BlobStorageExportSource.nullish().describe("Omitted on update keeps the stored source; on create it is OBSERVATIONS_V2"),
    exportFieldGroups: z
      .array(BlobStorageExportFieldGroup)
      .nullish()
      .describe("Must include core, and needs exportSource in the same request. Omitted keeps the stored groups; on create, all groups"),
  })
  .superRefine((body, context) => {
    const issue = (path: string, message: string) => context.addIssue({ code: "custom", path: [path], message });
    if (body.type === "AZURE_BLOB_STORAGE" && !AZURE_CONTAINER_NAME.test(body.bucketName)) {
      issue(
        "bucketName",
        "bucketName must be a valid Azure container name: 3–63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, without consecutive hyphens",
      );
    }
    if (body.type !== "S3" && !body.accessKeyId) issue("accessKeyId", `accessKeyId is required for ${body.type}; only S3 can use the host's credentials`);
    if (body.secretAccessKey && !body.accessKeyId) issue("secretAccessKey", "secretAccessKey needs an accessKeyId");
    if (body.exportMode === "FROM_CUSTOM_DATE" && !body.exportStartDate) issue("exportStartDate", "exportStartDate is required when exportMode is FROM_CUSTOM_DATE");
    if (body.exportStartDate && new Date(body.exportStartDate).getTime() > Date.now() + START_DATE_TOLERANCE_MS) {
      issue("exportStartDate", "exportStartDate must not be in the future");
    }
    if (body.exportFieldGroups != null) {
      if (!body.exportFieldGroups.includes("core")) issue("exportFieldGroups", "exportFieldGroups must include core");
      if (body.exportSource == null) issue("exportSource", "exportSource is required when exportFieldGroups is provided");
    }
  })
  .meta({ id: "CreateBlobStorageIntegrationRequest" });
export type CreateBlobStorageIntegrationRequest = z.infer<typeof CreateBlobStorageIntegrationRequest>;

const instant = z.iso.datetime();

/** An integration as every answer shows it: its settings and schedule, never its secret. */
export const BlobStorageIntegration = z
  .object({
    id: z.string().describe("The project id: a project has at most one integration"),
    projectId: z.string(),
    type: BlobStorageIntegrationType,
    bucketName: z.string(),
    endpoint: z.string().nullable(),
    region: z.string(),
    accessKeyId: z.string().nullable(),
    prefix: z.string(),
    exportFrequency: BlobStorageExportFrequency,
    enabled: z.boolean(),
    forcePathStyle: z.boolean(),
    fileType: BlobStorageIntegrationFileType,
    exportMode: BlobStorageExportMode,
    exportStartDate: instant.nullable(),
    compressed: z.boolean(),
    exportSource: BlobStorageExportSource,
    exportFieldGroups: z.array(BlobStorageExportFieldGroup).nullable(),
    nextSyncAt: instant.nullable(),
    lastSyncAt: instant.nullable(),
    lastError: z.string().nullable(),
    lastErrorAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: "BlobStorageIntegrationResponse" });
export type BlobStorageIntegration = z.infer<typeof BlobStorageIntegration>;

export const BlobStorageIntegrationsResponse = z.object({ data: z.array(BlobStorageIntegration) }).meta({ id: "BlobStorageIntegrationsResponse" });

export const BlobStorageIntegrationStatus = z
  .object({
    id: z.string(),
    projectId: z.string(),
    syncStatus: BlobStorageSyncStatus,
    enabled: z.boolean(),
    lastSyncAt: instant.nullable().describe("End of the last exported time window; null before the first export"),
    nextSyncAt: instant.nullable().describe("When the next export is due"),
    lastError: z.string().nullable().describe("Why the last export failed; cleared by a successful one"),
    lastErrorAt: instant.nullable(),
  })
  .meta({ id: "BlobStorageIntegrationStatusResponse" });
export type BlobStorageIntegrationStatus = z.infer<typeof BlobStorageIntegrationStatus>;

export const BlobStorageIntegrationDeletionResponse = z.object({ message: z.string() }).meta({ id: "BlobStorageIntegrationDeletionResponse" });

export const BlobStorageIntegrationParams = z.object({ id: z.string().describe("The project id of the integration") });
