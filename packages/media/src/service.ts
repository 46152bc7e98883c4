import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { MEDIA_CONTENT_TYPES, type GetMediaResponse, type GetMediaUploadUrlRequest, type PatchMediaBody } from "@wick/contracts";
import type { ObjectStore, UrlContext } from "@wick/object-store";
import type { Database } from "@wick/postgres";
import { InvalidMediaRequestError, MediaNotFoundError } from "./errors.ts";
import type { EmbeddedMedia } from "./extraction/embedded-media.ts";
import { mediaIdOf } from "./media-id.ts";
import { findMedia, findMediaByHash, linkMedia, recordUpload, upsertMedia, type MediaLink } from "./repository.ts";

/** Where an object lives in the store: one per project, media id and type. */
const objectKey = (store: ObjectStore, projectId: string, mediaId: string, contentType: keyof typeof MEDIA_CONTENT_TYPES) =>
  `${store.keyPrefix}${projectId}/${mediaId}.${MEDIA_CONTENT_TYPES[contentType]}`;

/** As the reference: an upload URL works for an hour. */
const UPLOAD_URL_EXPIRY_SECONDS = 3600;

export interface MediaSettings {
  /** `LANGFUSE_S3_MEDIA_MAX_CONTENT_LENGTH`: the largest upload announced. */
  maxContentLength: number;
  /** `LANGFUSE_S3_MEDIA_DOWNLOAD_URL_EXPIRY_SECONDS`. */
  downloadUrlExpirySeconds: number;
}

export interface UploadTicket {
  mediaId: string;
  /** Null when the project already holds these bytes with this type: nothing to upload. */
  uploadUrl: string | null;
}

function linkOf(request: GetMediaUploadUrlRequest): MediaLink {
  if (request.traceId != null) return { kind: "trace", traceId: request.traceId, observationId: request.observationId ?? undefined, field: request.field };
  // The contract admits a dataset item context only with both ids.
  return { kind: "datasetItem", datasetId: request.datasetId!, datasetItemId: request.datasetItemId!, field: request.field };
}

/**
 * The media API's rules: clients announce a file by its SHA-256, upload it straight to the object
 * store with the signed URL they get, report how that went, and later fetch a signed download URL.
 */
export class MediaService {
  constructor(
    private readonly db: Database,
    private readonly store: ObjectStore,
    private readonly settings: MediaSettings,
  ) {}

  async requestUpload(projectId: string, request: GetMediaUploadUrlRequest, context: UrlContext): Promise<UploadTicket> {
    if (request.contentLength > this.settings.maxContentLength) {
      throw new InvalidMediaRequestError(`File size must be less than ${this.settings.maxContentLength} bytes`);
    }
    const mediaId = mediaIdOf(request.sha256Hash);
    const link = linkOf(request);
    const existing = await findMediaByHash(this.db, projectId, request.sha256Hash);
    if (existing && existing.uploadHttpStatus === 200 && existing.contentType === request.contentType) {
      await linkMedia(this.db, projectId, existing.id, link);
      return { mediaId: existing.id, uploadUrl: null };
    }
    const key = objectKey(this.store, projectId, mediaId, request.contentType);
    await upsertMedia(this.db, {
      id: mediaId,
      projectId,
      sha256Hash: request.sha256Hash,
      bucketName: this.store.bucket,
      bucketPath: key,
      contentType: request.contentType,
      contentLength: request.contentLength,
    });
    await linkMedia(this.db, projectId, mediaId, link);
    const spec = { key, contentType: request.contentType, contentLength: request.contentLength, sha256: request.sha256Hash };
    return { mediaId, uploadUrl: await this.store.signedUploadUrl(spec, UPLOAD_URL_EXPIRY_SECONDS, context) };
  }

  /**
   * Stores a file the server found inside a traced value (the OTLP path's extraction) as a client
   * upload would: the same id, key, dedup and link, reported uploaded at once. Answers the reference
   * string that takes the file's place, or undefined for a file too large or empty to keep.
   */
  async storeFound(projectId: string, found: EmbeddedMedia, link: MediaLink): Promise<string | undefined> {
    if (found.bytes.length === 0 || found.bytes.length > this.settings.maxContentLength) return undefined;
    const sha256Hash = createHash("sha256").update(found.bytes).digest("base64");
    const mediaId = mediaIdOf(sha256Hash);
    const existing = await findMediaByHash(this.db, projectId, sha256Hash);
    const stored = existing?.uploadHttpStatus === 200 && existing.contentType === found.contentType;
    if (!stored) {
      const spec = { key: objectKey(this.store, projectId, mediaId, found.contentType), contentType: found.contentType, contentLength: found.bytes.length, sha256: sha256Hash };
      await upsertMedia(this.db, {
        id: mediaId,
        projectId,
        sha256Hash,
        bucketName: this.store.bucket,
        bucketPath: spec.key,
        contentType: found.contentType,
        contentLength: spec.contentLength,
      });
      await this.store.put(spec, Readable.from([found.bytes]));
      await recordUpload(this.db, projectId, mediaId, { uploadedAt: new Date(), uploadHttpStatus: 200, uploadHttpError: null });
    }
    await linkMedia(this.db, projectId, mediaId, link);
    return `@@@langfuseMedia:type=${found.contentType}|id=${mediaId}|source=${found.source}@@@`;
  }

  /** Records the client's report of its upload (also of a failed one). */
  async reportUpload(projectId: string, mediaId: string, report: PatchMediaBody): Promise<void> {
    const found = await recordUpload(this.db, projectId, mediaId, {
      uploadedAt: new Date(report.uploadedAt),
      uploadHttpStatus: report.uploadHttpStatus,
      uploadHttpError: report.uploadHttpStatus === 200 ? null : (report.uploadHttpError ?? null),
    });
    if (!found) throw new MediaNotFoundError(`Media asset ${mediaId} not found in project ${projectId}`);
  }

  async download(projectId: string, mediaId: string, context: UrlContext): Promise<GetMediaResponse> {
    const row = await findMedia(this.db, projectId, mediaId);
    if (!row) throw new MediaNotFoundError("Media asset not found");
    if (row.uploadHttpStatus === null || row.uploadedAt === null) throw new MediaNotFoundError("Media not yet uploaded");
    if (row.uploadHttpStatus !== 200 && row.uploadHttpStatus !== 201) throw new MediaNotFoundError(`Media upload failed with status ${row.uploadHttpStatus}`);
    const expiresIn = this.settings.downloadUrlExpirySeconds;
    const urlExpiry = new Date(Date.now() + expiresIn * 1000).toISOString();
    return {
      mediaId: row.id,
      contentType: row.contentType,
      contentLength: row.contentLength,
      uploadedAt: row.uploadedAt.toISOString(),
      url: await this.store.signedDownloadUrl(row.bucketPath, row.contentType, expiresIn, context),
      urlExpiry,
    };
  }
}
