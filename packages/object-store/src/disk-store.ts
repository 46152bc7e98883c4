import { createReadStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { ObjectStoreRefusal } from "./errors.ts";
import type { ObjectStore, StoredObject, UploadSpec, UrlContext } from "./store.ts";
import type { SignedRequest, UrlSigner } from "./url-signer.ts";
import { writeVerifiedFile } from "./verified-file.ts";

/** Where Wick serves the local store's signed URLs. */
export const LOCAL_OBJECTS_ROUTE = "/media-files";

const EXPIRES = "X-Wick-Expires";
const SIGNATURE = "X-Wick-Signature";
const CONTENT_TYPE = "X-Wick-Content-Type";
/** Temporary files of uploads in progress; object keys never start with a dot, so it cannot clash. */
const INCOMING = ".incoming";

type Query = Record<string, string | string[] | undefined>;
type Headers = Record<string, string | string[] | undefined>;

function single(value: string | string[] | undefined): string {
  return typeof value === "string" ? value : "";
}

/** A key's path segments, refusing any that could leave the store's directory or reach its temporary files. */
function keySegments(key: string): string[] {
  const segments = key.split("/");
  for (const segment of segments) {
    if (segment === "" || segment.startsWith(".") || segment.includes("\\") || segment.includes("\0") || segment.includes("\n")) {
      throw new ObjectStoreRefusal(400, "InvalidArgument", "Invalid object key");
    }
  }
  return segments;
}

export interface SignedDownload extends StoredObject {
  contentType: string;
}

/**
 * Objects as files under one directory, reached through Wick's own URLs signed with an HMAC. It
 * behaves as S3 does with presigned URLs: an upload that differs from what was signed, or comes
 * after expiry, is refused with S3's status and nothing is stored.
 */
export class DiskObjectStore implements ObjectStore {
  readonly bucket = "local";
  readonly keyPrefix = "";

  private readonly now: () => number;
  /** Where clients reach Wick, when the host they name is not it (a proxy rewrites it); else their own. */
  private readonly publicOrigin: string | undefined;

  constructor(
    private readonly root: string,
    private readonly signer: UrlSigner,
    options: { now?: () => number; publicOrigin?: string } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.publicOrigin = options.publicOrigin?.replace(/\/+$/, "");
  }

  private pathOf(key: string): string {
    return join(this.root, ...keySegments(key));
  }

  private async url(context: UrlContext, key: string, request: SignedRequest, extra: Record<string, string> = {}): Promise<string> {
    const path = keySegments(key).map(encodeURIComponent).join("/");
    const query = new URLSearchParams({ ...extra, [EXPIRES]: String(request.expires), [SIGNATURE]: await this.signer.sign(request) });
    return `${this.publicOrigin ?? context.origin}${LOCAL_OBJECTS_ROUTE}/${path}?${query}`;
  }

  private expiry(expiresInSeconds: number): number {
    return Math.floor(this.now() / 1000) + expiresInSeconds;
  }

  async signedUploadUrl(spec: UploadSpec, expiresInSeconds: number, context: UrlContext): Promise<string> {
    const request: SignedRequest = { method: "PUT", ...spec, expires: this.expiry(expiresInSeconds) };
    return this.url(context, spec.key, request);
  }

  async signedDownloadUrl(key: string, contentType: string, expiresInSeconds: number, context: UrlContext): Promise<string> {
    const request: SignedRequest = { method: "GET", key, contentType, contentLength: "", sha256: "", expires: this.expiry(expiresInSeconds) };
    return this.url(context, key, request, { [CONTENT_TYPE]: contentType });
  }

  /** Refuses a request unless its signature covers exactly what it asks for and has not expired. */
  private async authorize(request: Omit<SignedRequest, "expires">, query: Query): Promise<void> {
    const expires = Number(single(query[EXPIRES]));
    if (!Number.isSafeInteger(expires) || !(await this.signer.verify({ ...request, expires }, single(query[SIGNATURE])))) {
      throw new ObjectStoreRefusal(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
    }
    if (expires * 1000 < this.now()) throw new ObjectStoreRefusal(403, "AccessDenied", "Request has expired");
  }

  /** A `PUT` to a signed upload URL: the headers must be the signed ones and the bytes must match them. */
  async receiveSignedUpload(key: string, query: Query, headers: Headers, body: Readable): Promise<void> {
    const contentLength = Number(single(headers["content-length"]));
    const spec: UploadSpec = { key, contentType: single(headers["content-type"]), contentLength, sha256: single(headers["x-amz-checksum-sha256"]) };
    await this.authorize({ method: "PUT", ...spec }, query);
    await this.put(spec, body);
  }

  /** A `GET` of a signed download URL. */
  async openSignedDownload(key: string, query: Query): Promise<SignedDownload> {
    const contentType = single(query[CONTENT_TYPE]);
    await this.authorize({ method: "GET", key, contentType, contentLength: "", sha256: "" }, query);
    const object = await this.get(key);
    if (!object) throw new ObjectStoreRefusal(404, "NoSuchKey", "The specified key does not exist.");
    return { ...object, contentType };
  }

  async put(spec: UploadSpec, body: Readable): Promise<void> {
    await writeVerifiedFile(join(this.root, INCOMING), this.pathOf(spec.key), body, spec);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const path = this.pathOf(key);
    try {
      const { size } = await stat(path);
      return { body: createReadStream(path), contentLength: size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
