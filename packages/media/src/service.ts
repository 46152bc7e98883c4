import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { MEDIA_CONTENT_TYPES, type GetMediaResponse, type GetMediaUploadUrlRequest, type PatchMediaBody } from "@wick/contracts";
import type { ObjectStore, UrlContext } from "@wick/object-store";
import type { Database, MediaRow } from "@wick/postgres";
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

type UploadedMedia = MediaRow & { uploadedAt: Date };

/** As the reference: a reported upload is served when the store answered 200 or 201. */
function isDownloadable(row: MediaRow): row is UploadedMedia {
  return row.uploadedAt !== null && (row.uploadHttpStatus === 200 || row.uploadHttpStatus === 201);
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
    // The row and its link are written together: media that nothing links to is removed when it
    // loses its last link, and an announced upload must never look like that.
    const spec = await this.db.transaction(async (tx) => {
      const existing = await findMediaByHash(tx, projectId, request.sha256Hash, "share");
      if (existing && existing.uploadHttpStatus === 200 && existing.contentType === request.contentType) {
        await linkMedia(tx, projectId, existing.id, link);
        return undefined;
      }
      const key = objectKey(this.store, projectId, mediaId, request.contentType);
      await upsertMedia(tx, {
        id: mediaId,
        projectId,
        sha256Hash: request.sha256Hash,
        bucketName: this.store.bucket,
        bucketPath: key,
        contentType: request.contentType,
        contentLength: request.contentLength,
      });
      await linkMedia(tx, projectId, mediaId, link);
      return { key, contentType: request.contentType, contentLength: request.contentLength, sha256: request.sha256Hash };
    });
    if (!spec) return { mediaId, uploadUrl: null };
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
    // Row and link together, as for an announcement (`requestUpload`): linked media is never removed.
    const spec = await this.db.transaction(async (tx) => {
      const existing = await findMediaByHash(tx, projectId, sha256Hash, "share");
      const stored = existing?.uploadHttpStatus === 200 && existing.contentType === found.contentType;
      const key = objectKey(this.store, projectId, mediaId, found.contentType);
      if (!stored) {
        await upsertMedia(tx, {
          id: mediaId,
          projectId,
          sha256Hash,
          bucketName: this.store.bucket,
          bucketPath: key,
          contentType: found.contentType,
          contentLength: found.bytes.length,
        });
      }
      await linkMedia(tx, projectId, mediaId, link);
      return stored ? undefined : { key, contentType: found.contentType, contentLength: found.bytes.length, sha256: sha256Hash };
    });
    if (spec) {
      try {
        await this.store.put(spec, Readable.from([found.bytes]));
      } catch (error) {
        // Reported as a client's failed upload would be, so the next occurrence tries again.
        await recordUpload(this.db, projectId, mediaId, { uploadedAt: new Date(), uploadHttpStatus: 500, uploadHttpError: error instanceof Error ? error.message : String(error) });
        throw error;
      }
      await recordUpload(this.db, projectId, mediaId, { uploadedAt: new Date(), uploadHttpStatus: 200, uploadHttpError: null });
    }
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
    if (!isDownloadable(row)) throw new MediaNotFoundError(`Media upload failed with status ${row.uploadHttpStatus}`);
    return this.signed(row, context);
  }

  /**
   * What `download` answers for each of these rows that can be downloaded, by id; the others
   * (not uploaded yet, or failed) are left out.
   */
  async signedDownloads(rows: MediaRow[], context: UrlContext): Promise<Map<string, GetMediaResponse>> {
    const signed = new Map<string, GetMediaResponse>();
    for (const row of rows) {
      if (isDownloadable(row) && !signed.has(row.id)) signed.set(row.id, await this.signed(row, context));
    }
    return signed;
  }

  private async signed(row: UploadedMedia, context: UrlContext): Promise<GetMediaResponse> {
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
