import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiskObjectStore } from "../src/disk-store.ts";
import { ObjectStoreRefusal } from "../src/errors.ts";
import { S3ObjectStore } from "../src/s3-store.ts";
import type { UploadSpec } from "../src/store.ts";
import { UrlSigner } from "../src/url-signer.ts";
import { startLocalS3, type LocalS3Server } from "./support/s3-server.ts";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("base64");
const specOf = (key: string, bytes: Buffer, contentType = "image/png"): UploadSpec => ({ key, contentType, contentLength: bytes.length, sha256: sha256(bytes) });
const context = { origin: "http://wick.test" };

describe("local disk store", () => {
  let root: string;
  let clock = Date.now();
  let store: DiskObjectStore;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "wick-disk-store-"));
    store = new DiskObjectStore(root, new UrlSigner(async () => randomBytes(32)), { now: () => clock });
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  /** The query and key of a URL the store signed. */
  const parse = (url: string) => {
    const parsed = new URL(url);
    const key = parsed.pathname
      .replace(/^\/media-files\//, "")
      .split("/")
      .map(decodeURIComponent)
      .join("/");
    return { key, query: Object.fromEntries(parsed.searchParams) };
  };
  const headersOf = (spec: UploadSpec) => ({ "content-type": spec.contentType, "content-length": String(spec.contentLength), "x-amz-checksum-sha256": spec.sha256 });
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ObjectStoreRefusal);
    return error as ObjectStoreRefusal;
  };
  /** Files left anywhere under the store's directory, temporary ones included. */
  const files = async () => (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name);

  it("takes a signed upload and serves it back through a signed download", async () => {
    const bytes = randomBytes(70_000);
    const spec = specOf("project-1/abc.png", bytes);
    const upload = parse(await store.signedUploadUrl(spec, 60, context));
    expect(upload.key).toBe(spec.key);
    await store.receiveSignedUpload(upload.key, upload.query, headersOf(spec), Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
    const download = parse(await store.signedDownloadUrl(spec.key, "image/png", 60, context));
    const served = await store.openSignedDownload(download.key, download.query);
    expect(served.contentType).toBe("image/png");
    expect(served.contentLength).toBe(bytes.length);
    expect(Buffer.concat(await served.body.toArray())).toEqual(bytes);
  });

  it("names its public URL in the URLs it signs, when it has one, instead of the host the client named", async () => {
    const behindProxy = new DiskObjectStore(root, new UrlSigner(async () => randomBytes(32)), { publicOrigin: "https://wick.example.com/base/" });
    const spec = specOf("project-1/proxied.png", randomBytes(10));
    expect(await behindProxy.signedUploadUrl(spec, 60, context)).toMatch(/^https:\/\/wick\.example\.com\/base\/media-files\/project-1\/proxied\.png\?/);
    expect(await store.signedUploadUrl(spec, 60, context)).toMatch(new RegExp(`^${context.origin}/media-files/`));
  });

  it("refuses uploads that differ from what was signed, and stores nothing", async () => {
    const before = await files();
    const bytes = randomBytes(5_000);
    const spec = specOf("project-1/refused.png", bytes);
    const { key, query } = parse(await store.signedUploadUrl(spec, 60, context));
    const other = randomBytes(5_000);
    // Wrong type, length or checksum header: the signature does not cover them (403, as S3).
    for (const headers of [
      { ...headersOf(spec), "content-type": "image/jpeg" },
      { ...headersOf(spec), "content-length": "4999" },
      { ...headersOf(spec), "x-amz-checksum-sha256": sha256(other) },
      { "content-type": spec.contentType, "content-length": String(spec.contentLength) },
    ]) {
      const error = await refusal(store.receiveSignedUpload(key, query, headers, Readable.from([bytes])));
      expect([error.statusCode, error.code]).toEqual([403, "SignatureDoesNotMatch"]);
    }
    // Signed headers, other bytes: the checksum check refuses them (400 BadDigest, as S3).
    const bad = await refusal(store.receiveSignedUpload(key, query, headersOf(spec), Readable.from([other])));
    expect([bad.statusCode, bad.code]).toEqual([400, "BadDigest"]);
    const short = await refusal(store.receiveSignedUpload(key, query, headersOf(spec), Readable.from([bytes.subarray(1)])));
    expect([short.statusCode, short.code]).toEqual([400, "IncompleteBody"]);
    const long = await refusal(store.receiveSignedUpload(key, query, headersOf(spec), Readable.from([bytes, Buffer.from("x")])));
    expect([long.statusCode, long.code]).toEqual([400, "IncompleteBody"]);
    // Another key with the same signature.
    await refusal(store.receiveSignedUpload("project-2/refused.png", query, headersOf(spec), Readable.from([bytes])));
    // A tampered signature or expiry.
    await refusal(store.receiveSignedUpload(key, { ...query, "X-Wick-Expires": String(Number(query["X-Wick-Expires"]) + 10) }, headersOf(spec), Readable.from([bytes])));
    expect(await files()).toEqual(before);
    expect(await store.get(spec.key)).toBeUndefined();
  });

  it("refuses a signed URL after it expires", async () => {
    const bytes = randomBytes(100);
    const spec = specOf("project-1/late.png", bytes);
    const { key, query } = parse(await store.signedUploadUrl(spec, 60, context));
    clock += 61_000;
    const error = await refusal(store.receiveSignedUpload(key, query, headersOf(spec), Readable.from([bytes])));
    expect([error.statusCode, error.code]).toEqual([403, "AccessDenied"]);
    expect(await store.get(spec.key)).toBeUndefined();
  });

  it("refuses keys that would leave its directory", async () => {
    for (const key of ["../x.png", "a/../../x.png", "/abs.png", ".incoming/x", "a//b"]) {
      await refusal(store.put(specOf(key, Buffer.from("x")), Readable.from([Buffer.from("x")])));
    }
  });

  it("puts, gets and deletes objects directly", async () => {
    const bytes = Buffer.from("hello");
    await store.put(specOf("p/hello.txt", bytes, "text/plain"), Readable.from([bytes]));
    expect(await text((await store.get("p/hello.txt"))!.body)).toBe("hello");
    await store.delete("p/hello.txt");
    await store.delete("p/hello.txt");
    expect(await store.get("p/hello.txt")).toBeUndefined();
  });
});

describe("S3 store on a local S3 server", () => {
  let server: LocalS3Server;
  let store: S3ObjectStore;
  beforeAll(async () => {
    server = await startLocalS3();
    store = new S3ObjectStore(server.config);
  });
  afterAll(async () => server?.close());

  const putTo = (url: string, bytes: Buffer, headers: Record<string, string>) => fetch(url, { method: "PUT", body: bytes, headers });

  it("takes a presigned PUT with the signed headers and serves it through a presigned GET", async () => {
    const bytes = randomBytes(50_000);
    const spec = specOf("project-1/abc.png", bytes);
    const url = await store.signedUploadUrl(spec, 60);
    expect(url).toContain("x-amz-checksum-sha256");
    const put = await putTo(url, bytes, { "content-type": spec.contentType, "x-amz-checksum-sha256": spec.sha256 });
    expect(put.status, await put.text()).toBe(200);
    const got = await fetch(await store.signedDownloadUrl(spec.key, spec.contentType, 60));
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await got.arrayBuffer())).toEqual(bytes);
  });

  it("presigns uploads over the type, length and checksum headers, which the client must send", async () => {
    // s3rver neither checks SigV4 signatures nor checksums, so what S3 enforces is checked on the URL.
    const spec = specOf("project-1/signed.png", randomBytes(10));
    const url = new URL(await store.signedUploadUrl(spec, 60));
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host;x-amz-checksum-sha256");
    expect(url.searchParams.has("x-amz-checksum-sha256")).toBe(false);
    expect(url.searchParams.get("X-Amz-Expires")).toBe("60");
  });

  it("puts, gets and deletes objects directly", async () => {
    const bytes = Buffer.from("hello");
    await store.put(specOf("p/hello.txt", bytes, "text/plain"), Readable.from([bytes]));
    expect(await text((await store.get("p/hello.txt"))!.body)).toBe("hello");
    await store.delete("p/hello.txt");
    expect(await store.get("p/hello.txt")).toBeUndefined();
  });

  it("signs clients' URLs for the public endpoint and reaches the bucket itself at its own", async () => {
    // As in docker compose: Wick reaches the server by one name, clients by another (here 127.0.0.1 and localhost).
    const own = new URL(server.config.endpoint!);
    const publicEndpoint = `http://localhost:${own.port}`;
    const split = new S3ObjectStore({ ...server.config, endpoint: `http://127.0.0.1:${own.port}`, publicEndpoint });
    const bytes = Buffer.from("published");
    const spec = specOf("p/public.txt", bytes, "text/plain");
    await split.put(spec, Readable.from([bytes]));
    const download = await split.signedDownloadUrl(spec.key, spec.contentType, 60);
    expect(new URL(download).host).toBe(`localhost:${own.port}`);
    expect(new URL(await split.signedUploadUrl(spec, 60)).host).toBe(`localhost:${own.port}`);
    const got = await fetch(download);
    expect(await got.text()).toBe("published");
  });
});
