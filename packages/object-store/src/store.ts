import type { Readable } from "node:stream";

/** What an upload must be: the signed URL and `put` refuse bytes that differ in any of these. */
export interface UploadSpec {
  key: string;
  contentType: string;
  contentLength: number;
  /** Base64 of the raw SHA-256 digest, as S3's `x-amz-checksum-sha256` header carries it. */
  sha256: string;
}

/** How clients reach this Wick, for stores whose URLs point back at Wick itself. */
export interface UrlContext {
  /** Scheme, host and port, e.g. `http://localhost:3000`. */
  origin: string;
}

export interface StoredObject {
  body: Readable;
  contentLength: number;
}

/**
 * Where media bytes live. Clients upload and download directly with signed URLs (as with S3
 * presigned URLs), so the API server never relays file bytes; `put` and `get` are for the server's
 * own use (tests, exports, extraction).
 */
export interface ObjectStore {
  /** The bucket name recorded with each object (the local store names its directory). */
  readonly bucket: string;
  /** Prepended to every object key, so several installs can share one bucket. */
  readonly keyPrefix: string;
  /** A URL that accepts exactly one `PUT` of these bytes (type, length, checksum) until it expires. */
  signedUploadUrl(spec: UploadSpec, expiresInSeconds: number, context: UrlContext): Promise<string>;
  /** A URL that serves the object with a `GET` until it expires. */
  signedDownloadUrl(key: string, contentType: string, expiresInSeconds: number, context: UrlContext): Promise<string>;
  /** Stores the bytes of a stream, refusing them unless they match the spec. Never buffers the whole stream. */
  put(spec: UploadSpec, body: Readable): Promise<void>;
  /** The object's bytes as a stream, or undefined when there is no such object. */
  get(key: string): Promise<StoredObject | undefined>;
  /** Removes the object; removing one that is not there is not an error. */
  delete(key: string): Promise<void>;
}
