import { z } from "zod";

/** The types Langfuse takes media of, each with the file extension of its object key. */
export const MEDIA_CONTENT_TYPES = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/jpg": "jpg",
  "image/webp": "webp",
  "image/gif": "gif",
  "image/svg+xml": "svg",
  "image/tiff": "tiff",
  "image/bmp": "bmp",
  "image/avif": "avif",
  "image/heic": "heic",
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
  "audio/wav": "wav",
  "audio/ogg": "ogg",
  "audio/oga": "oga",
  "audio/aac": "aac",
  "audio/mp4": "m4a",
  "audio/flac": "flac",
  "audio/opus": "opus",
  "audio/webm": "weba",
  "video/mp4": "mp4",
  "video/webm": "webm",
  "video/ogg": "ogv",
  "video/mpeg": "mpeg",
  "video/quicktime": "mov",
  "video/x-msvideo": "avi",
  "video/x-matroska": "mkv",
  "text/plain": "txt",
  "text/html": "html",
  "text/css": "css",
  "text/csv": "csv",
  "text/markdown": "md",
  "text/x-python": "py",
  "application/javascript": "js",
  "text/x-typescript": "ts",
  "application/x-yaml": "yaml",
  "application/pdf": "pdf",
  "application/msword": "doc",
  "application/vnd.ms-excel": "xls",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "application/zip": "zip",
  "application/json": "json",
  "application/xml": "xml",
  "application/octet-stream": "bin",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
  "application/rtf": "rtf",
  "application/x-ndjson": "jsonl",
  "application/vnd.apache.parquet": "parquet",
  "application/gzip": "gz",
  "application/x-tar": "tar",
  "application/x-7z-compressed": "7z",
} as const;

export const MediaContentType = z.enum(Object.keys(MEDIA_CONTENT_TYPES) as [keyof typeof MEDIA_CONTENT_TYPES]).meta({ id: "MediaContentType" });
export type MediaContentType = z.infer<typeof MediaContentType>;

const TRACE_FIELDS = ["input", "output", "metadata"];
const DATASET_ITEM_FIELDS = ["input", "expectedOutput", "metadata"];

/**
 * Exactly one context: a trace (and perhaps one of its observations) or a dataset item. The
 * maximum length is a setting, checked by the service.
 */
export const GetMediaUploadUrlRequest = z
  .object({
    traceId: z.string().min(1).nullish().describe("The trace the media belongs to; null for dataset item media"),
    observationId: z.string().min(1).nullish().describe("The observation of the trace the media belongs to, if any"),
    datasetId: z.string().min(1).nullish().describe("The dataset of the item the media belongs to; null for trace media"),
    datasetItemId: z.string().min(1).nullish().describe("The dataset item the media belongs to (it need not exist yet)"),
    contentType: MediaContentType,
    contentLength: z.number().int().positive().describe("Size in bytes, at most LANGFUSE_S3_MEDIA_MAX_CONTENT_LENGTH"),
    sha256Hash: z
      .string()
      .regex(/^[A-Za-z0-9+/=]{44}$/, "Must be the base64 of a SHA-256 digest (44 characters)")
      .describe("Base64 of the raw SHA-256 digest of the bytes"),
    field: z.string().describe("`input`, `output` or `metadata` for a trace; `input`, `expectedOutput` or `metadata` for a dataset item"),
  })
  .superRefine((body, context) => {
    const trace = body.traceId != null || body.observationId != null;
    const item = body.datasetId != null || body.datasetItemId != null;
    if (trace === item) {
      context.addIssue({ code: "custom", path: [], message: "Provide either traceId (optionally with observationId) or datasetId with datasetItemId, not both and not neither" });
    } else if (trace) {
      if (body.traceId == null) context.addIssue({ code: "custom", path: ["traceId"], message: "traceId is required with observationId" });
      if (!TRACE_FIELDS.includes(body.field)) context.addIssue({ code: "custom", path: ["field"], message: `field must be one of ${TRACE_FIELDS.join(", ")} for trace media` });
    } else {
      if (body.datasetId == null || body.datasetItemId == null) {
        context.addIssue({
          code: "custom",
          path: [body.datasetId == null ? "datasetId" : "datasetItemId"],
          message: "datasetId and datasetItemId are both required for dataset item media",
        });
      }
      if (!DATASET_ITEM_FIELDS.includes(body.field)) {
        context.addIssue({ code: "custom", path: ["field"], message: `field must be one of ${DATASET_ITEM_FIELDS.join(", ")} for dataset item media` });
      }
    }
  })
  .meta({ id: "GetMediaUploadUrlRequest" });
export type GetMediaUploadUrlRequest = z.infer<typeof GetMediaUploadUrlRequest>;

export const GetMediaUploadUrlResponse = z
  .object({
    uploadUrl: z.string().nullable().describe("A signed PUT URL; null when the same content of the same type is already uploaded"),
    mediaId: z.string(),
  })
  .meta({ id: "GetMediaUploadUrlResponse" });

export const PatchMediaBody = z
  .object({
    uploadedAt: z.iso.datetime({ offset: true, local: true }),
    uploadHttpStatus: z.number().int().positive(),
    uploadHttpError: z.string().nullish(),
    uploadTimeMs: z.number().nullish().describe("Reported by the SDKs; not stored"),
  })
  .meta({ id: "PatchMediaBody" });
export type PatchMediaBody = z.infer<typeof PatchMediaBody>;

export const PatchMediaResponse = z.object({ message: z.literal("OK") }).meta({ id: "PatchMediaResponse" });

export const MediaIdParams = z.object({ mediaId: z.string() });

export const GetMediaResponse = z
  .object({
    mediaId: z.string(),
    contentType: z.string(),
    contentLength: z.number().int(),
    uploadedAt: z.string(),
    url: z.string().describe("A signed GET URL of the bytes"),
    urlExpiry: z.string().describe("When the URL stops working (ISO 8601)"),
  })
  .meta({ id: "GetMediaResponse" });
export type GetMediaResponse = z.infer<typeof GetMediaResponse>;
