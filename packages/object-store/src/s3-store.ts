import type { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { ObjectStore, StoredObject, UploadSpec } from "./store.ts";

/** Langfuse's `LANGFUSE_S3_MEDIA_UPLOAD_*` settings. */
export interface S3StoreConfig {
  bucket: string;
  region: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  prefix: string;
  /**
   * Where clients reach the bucket, when not at `endpoint` (Wick's own way there): in docker
   * compose, Wick reaches MinIO by its service name and SDKs on the host through a published port.
   */
  publicEndpoint?: string;
}

function clientFor(config: S3StoreConfig, endpoint: string | undefined): S3Client {
  return new S3Client({
    region: config.region,
    endpoint,
    forcePathStyle: config.forcePathStyle,
    // Unset: the SDK's default chain (environment, profile, instance role).
    credentials: config.accessKeyId && config.secretAccessKey ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } : undefined,
    // The SDK would otherwise add a CRC32 checksum of its own to presigned URLs, which the
    // uploading client cannot know; the SHA-256 the client declares is the checksum.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/**
 * Objects in an S3-compatible bucket. Upload URLs are presigned over `Content-Type`,
 * `Content-Length` and `x-amz-checksum-sha256`, so the bucket itself refuses bytes other than the
 * ones the client declared, as with Langfuse.
 */
export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  readonly keyPrefix: string;
  private readonly client: S3Client;
  /** Signs the URLs clients use; a request signed for one host is refused at another. */
  private readonly signer: S3Client;

  constructor(config: S3StoreConfig) {
    this.bucket = config.bucket;
    this.keyPrefix = config.prefix;
    this.client = clientFor(config, config.endpoint);
    this.signer = config.publicEndpoint ? clientFor(config, config.publicEndpoint) : this.client;
  }

  async signedUploadUrl(spec: UploadSpec, expiresInSeconds: number): Promise<string> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: spec.key,
      ContentType: spec.contentType,
      ContentLength: spec.contentLength,
      ChecksumSHA256: spec.sha256,
    });
    return getSignedUrl(this.signer, command, {
      expiresIn: expiresInSeconds,
      signableHeaders: new Set(["content-type", "content-length"]),
      // Kept a header (not moved into the query) so the client must send it and S3 checks the bytes against it.
      unhoistableHeaders: new Set(["x-amz-checksum-sha256"]),
    });
  }

  async signedDownloadUrl(key: string, _contentType: string, expiresInSeconds: number): Promise<string> {
    // The object keeps the type it was uploaded with, which S3 serves.
    return getSignedUrl(this.signer, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: expiresInSeconds });
  }

  async put(spec: UploadSpec, body: Readable): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: spec.key,
        Body: body,
        ContentType: spec.contentType,
        ContentLength: spec.contentLength,
        ChecksumSHA256: spec.sha256,
      }),
    );
  }

  async get(key: string): Promise<StoredObject | undefined> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return { body: object.Body as Readable, contentLength: object.ContentLength ?? 0 };
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}
