import { createHash, randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiskObjectStore, UrlSigner } from "@wick/object-store";
import { issueApiKey } from "../src/domain/api-keys.ts";
import { basicAuthHeader, callPublic, createTestApp, postgresModes, testMediaConfig, type PublicCallOptions, type TestApp, type TestProject } from "./support/harness.ts";
import { ISO_DATE } from "./support/expectations.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

const UPLOAD_URL = { method: "POST", path: "/api/public/media" };
const GET_MEDIA = { method: "GET", path: "/api/public/media/{mediaId}" };
const PATCH_MEDIA = { method: "PATCH", path: "/api/public/media/{mediaId}" };
const MAX_CONTENT_LENGTH = 5_000_000;

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("base64");
/** The id the SDKs compute: URL-safe base64 of the SHA-256, first 22 characters. */
const mediaIdOf = (bytes: Buffer) => sha256(bytes).replaceAll("+", "-").replaceAll("/", "_").slice(0, 22);
const uid = () => randomBytes(6).toString("hex");

interface Announcement {
  traceId?: string | null;
  observationId?: string | null;
  datasetId?: string | null;
  datasetItemId?: string | null;
  field?: string;
  contentType?: string;
  contentLength?: number;
  sha256Hash?: string;
}

/** A POST body for these bytes in a fresh trace's input, with what the test overrides. */
const announcement = (bytes: Buffer, overrides: Announcement = {}) => ({
  traceId: `trace-${uid()}`,
  field: "input",
  contentType: "image/png",
  contentLength: bytes.length,
  sha256Hash: sha256(bytes),
  ...overrides,
});

describe.each(postgresModes())("media API (%s Postgres)", (mode) => {
  let t: TestApp;
  const { store: mediaStore } = testMediaConfig();
  const dir = mediaStore.kind === "disk" ? mediaStore.dir : "";
  beforeAll(async () => {
    t = await createTestApp(mode, { media: { store: mediaStore, maxContentLength: MAX_CONTENT_LENGTH } });
  });
  afterAll(async () => t?.close());

  const call = (method: "GET" | "POST" | "PATCH", url: string, options: PublicCallOptions = {}) => callPublic(t, method, url, options);

  /** POST /media, its body checked against the reference (which documents the 201 as 200). */
  const announce = async (body: unknown, project?: TestProject) => {
    const response = await call("POST", "/media", { body, project });
    expectReferenceResponse(UPLOAD_URL, response.statusCode === 201 ? 200 : response.statusCode, response.json());
    return response;
  };
  const announced = async (body: unknown, project?: TestProject): Promise<{ mediaId: string; uploadUrl: string | null }> => {
    const response = await announce(body, project);
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };
  /** PATCH /media/{id}; the reference documents its 200 `{"message":"OK"}` as a bodiless 204. */
  const report = async (mediaId: string, body: unknown, project?: TestProject) => {
    const response = await call("PATCH", `/media/${encodeURIComponent(mediaId)}`, { body, project });
    if (response.statusCode !== 200) expectReferenceResponse(PATCH_MEDIA, response.statusCode, response.json());
    return response;
  };
  const getMedia = async (mediaId: string, project?: TestProject) => {
    const response = await call("GET", `/media/${encodeURIComponent(mediaId)}`, { project });
    expectReferenceResponse(GET_MEDIA, response.statusCode, response.json());
    return response;
  };
  /** PUT of the bytes to a signed URL of the local store, as the SDKs send it. */
  const upload = (url: string, bytes: Buffer, contentType = "image/png", headers: Record<string, string> = {}) => {
    const { pathname, search } = new URL(url);
    return t.app.inject({
      method: "PUT",
      url: pathname + search,
      payload: bytes,
      headers: { "content-type": contentType, "content-length": String(bytes.length), "x-amz-checksum-sha256": sha256(bytes), "x-ms-blob-type": "BlockBlob", ...headers },
    });
  };
  const uploaded = { uploadedAt: new Date().toISOString(), uploadHttpStatus: 200, uploadHttpError: null, uploadTimeMs: 12 };
  /** The whole SDK flow for these bytes; returns the media id. */
  const store = async (bytes: Buffer, overrides: Announcement = {}, project?: TestProject) => {
    const { mediaId, uploadUrl } = await announced(announcement(bytes, overrides), project);
    if (uploadUrl) {
      expect((await upload(uploadUrl, bytes, overrides.contentType)).statusCode).toBe(200);
      expect((await report(mediaId, uploaded, project)).statusCode).toBe(200);
    }
    return mediaId;
  };
  const download = async (url: string) => {
    const { pathname, search } = new URL(url);
    return t.app.inject({ method: "GET", url: pathname + search });
  };

  describe("authentication and isolation", () => {
    it("takes project keys only", async () => {
      const bytes = randomBytes(10);
      const missing = await call("POST", "/media", { authorization: null, body: announcement(bytes) });
      expect(missing.statusCode).toBe(401);
      const bearer = await call("POST", "/media", { authorization: `Bearer ${t.project.publicKey}`, body: announcement(bytes) });
      expect(bearer.statusCode).toBe(403);
      expect(bearer.json()).toEqual({ message: "Access denied - insufficient permissions for this endpoint" });
      const orgKey = await issueApiKey(t.services.repositories.apiKeys, t.services.salt, { scope: "ORGANIZATION", organizationId: t.project.orgId });
      expect((await call("GET", "/media/x", { authorization: basicAuthHeader(orgKey.publicKey, orgKey.secretKey) })).statusCode).toBe(403);
      expect((await call("PATCH", "/media/x", { authorization: null, body: uploaded })).statusCode).toBe(401);
    });

    it("keeps each project's media to itself, and deduplicates within a project only", async () => {
      const other = await t.createProject();
      const bytes = randomBytes(100);
      const mediaId = await store(bytes);
      const theirs = await getMedia(mediaId, other);
      expect(theirs.statusCode).toBe(404);
      expect(theirs.json()).toEqual({ message: "Media asset not found", error: "LangfuseNotFoundError" });
      const patch = await report(mediaId, uploaded, other);
      expect(patch.statusCode).toBe(404);
      expect(patch.json()).toEqual({ message: `Media asset ${mediaId} not found in project ${other.id}`, error: "LangfuseNotFoundError" });
      // The other project announcing the same bytes has to upload them itself.
      const again = await announced(announcement(bytes), other);
      expect(again).toEqual({ mediaId, uploadUrl: expect.any(String) });
      expect((await getMedia(mediaId)).statusCode).toBe(200);
    });
  });

  describe("POST /api/public/media", () => {
    it("answers 201 with the id the SDKs compute and a signed upload URL", async () => {
      const bytes = randomBytes(1000);
      const response = await announce(announcement(bytes, { observationId: `obs-${uid()}` }));
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({ mediaId: mediaIdOf(bytes), uploadUrl: expect.stringMatching(/^http:\/\/localhost(:80)?\/media-files\//) });
    });

    it("answers uploadUrl null for bytes of the same type already uploaded, and a URL otherwise", async () => {
      const bytes = randomBytes(500);
      const first = await announced(announcement(bytes));
      // Announced but not reported uploaded: announcing again gives a URL again.
      expect((await announced(announcement(bytes))).uploadUrl).toEqual(expect.any(String));
      expect((await upload(first.uploadUrl!, bytes)).statusCode).toBe(200);
      expect((await report(first.mediaId, uploaded)).statusCode).toBe(200);
      expect(await announced(announcement(bytes))).toEqual({ mediaId: first.mediaId, uploadUrl: null });
      expect(await announced(announcement(bytes, { traceId: null, datasetId: "d", datasetItemId: "i" }))).toEqual({ mediaId: first.mediaId, uploadUrl: null });
      // The same bytes as another type are uploaded again.
      const asJpeg = await announced(announcement(bytes, { contentType: "image/jpeg" }));
      expect(asJpeg).toEqual({ mediaId: first.mediaId, uploadUrl: expect.any(String) });
    });

    it("accepts each of the reference's content types and both contexts with their fields", async () => {
      for (const contentType of ["image/jpg", "audio/mp3", "video/x-matroska", "text/x-typescript", "application/vnd.apache.parquet", "application/x-7z-compressed"]) {
        expect((await announce(announcement(randomBytes(8), { contentType }))).statusCode).toBe(201);
      }
      for (const field of ["input", "output", "metadata"]) expect((await announce(announcement(randomBytes(8), { field }))).statusCode).toBe(201);
      for (const field of ["input", "expectedOutput", "metadata"]) {
        const body = announcement(randomBytes(8), { traceId: undefined, datasetId: `ds-${uid()}`, datasetItemId: `item-${uid()}`, field });
        expect((await announce(body)).statusCode).toBe(201);
      }
      expect((await announce(announcement(randomBytes(8), { contentLength: MAX_CONTENT_LENGTH }))).statusCode).toBe(201);
    });

    it("refuses bad bodies with 400, naming the field", async () => {
      const bytes = randomBytes(8);
      const cases: Array<[Announcement, string]> = [
        [{ contentType: "image/x-unknown" }, "contentType"],
        [{ contentType: "IMAGE/PNG" }, "contentType"],
        [{ contentLength: 0 }, "contentLength"],
        [{ contentLength: -1 }, "contentLength"],
        [{ contentLength: 1.5 }, "contentLength"],
        [{ sha256Hash: sha256(bytes).slice(0, 43) }, "sha256Hash"],
        [{ sha256Hash: `${sha256(bytes).slice(0, 43)}!` }, "sha256Hash"],
        [{ sha256Hash: createHash("sha256").update(bytes).digest("hex") }, "sha256Hash"],
        [{ field: "expectedOutput" }, "field"],
        [{ field: "" }, "field"],
        [{ traceId: null, observationId: "o-1" }, "traceId"],
        [{ traceId: null, datasetId: "d-1", datasetItemId: "i-1", field: "output" }, "field"],
        [{ traceId: null, datasetId: "d-1" }, "datasetItemId"],
        [{ traceId: null, datasetItemId: "i-1" }, "datasetId"],
      ];
      for (const [overrides, path] of cases) {
        const response = await announce(announcement(bytes, overrides));
        expect(response.statusCode, JSON.stringify(overrides)).toBe(400);
        const body = response.json();
        expect(body.message).toBe("Invalid request data");
        expect(body.error.map((issue: { instancePath: string }) => issue.instancePath)).toContain(`/${path}`);
      }
      // Both contexts, or neither.
      for (const body of [announcement(bytes, { datasetId: "d", datasetItemId: "i" }), announcement(bytes, { traceId: null })]) {
        const response = await announce(body);
        expect(response.statusCode).toBe(400);
        expect(response.json().error[0].message).toMatch(/either traceId/);
      }
      const { sha256Hash: _, ...noHash } = announcement(bytes);
      expect((await announce(noHash)).statusCode).toBe(400);
      const broken = await t.app.inject({
        method: "POST",
        url: "/api/public/media",
        headers: { authorization: t.project.basic, "content-type": "application/json" },
        payload: "{not json",
      });
      expect(broken.statusCode).toBe(400);
      expect((await announce([])).statusCode).toBe(400);
    });

    it("refuses files over LANGFUSE_S3_MEDIA_MAX_CONTENT_LENGTH", async () => {
      const response = await announce(announcement(randomBytes(8), { contentLength: MAX_CONTENT_LENGTH + 1 }));
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ message: `File size must be less than ${MAX_CONTENT_LENGTH} bytes`, error: "InvalidRequestError" });
    });

    it("links the media to the trace, observation or dataset item, once however often it is announced", async () => {
      const bytes = randomBytes(64);
      const traceId = `trace-${uid()}`;
      const observationId = `obs-${uid()}`;
      const datasetItemId = `item-${uid()}`;
      for (let round = 0; round < 2; round += 1) {
        await announced(announcement(bytes, { traceId, field: "output" }));
        await announced(announcement(bytes, { traceId, observationId, field: "metadata" }));
        await announced(announcement(bytes, { traceId: null, datasetId: "ds-1", datasetItemId, field: "expectedOutput" }));
      }
      const mediaId = mediaIdOf(bytes);
      const sql = (query: string, id: string) => t.stores.postgres.execute(query, [t.project.id, id]);
      expect(await sql("select field, media_id from trace_media where project_id = $1 and trace_id = $2", traceId)).toEqual([{ field: "output", media_id: mediaId }]);
      expect(await sql("select trace_id, field from observation_media where project_id = $1 and observation_id = $2", observationId)).toEqual([
        { trace_id: traceId, field: "metadata" },
      ]);
      expect(
        await sql("select dataset_id, field, dataset_item_valid_from, media_id from dataset_item_media where project_id = $1 and dataset_item_id = $2", datasetItemId),
      ).toEqual([{ dataset_id: "ds-1", field: "expectedOutput", dataset_item_valid_from: null, media_id: mediaId }]);
    });
  });

  describe("PATCH and GET /api/public/media/{mediaId}", () => {
    it("serves a signed download URL of the exact bytes once the upload is reported", async () => {
      const bytes = randomBytes(200_000);
      const { mediaId, uploadUrl } = await announced(announcement(bytes));
      const before = await getMedia(mediaId);
      expect(before.statusCode).toBe(404);
      expect(before.json()).toEqual({ message: "Media not yet uploaded", error: "LangfuseNotFoundError" });

      expect((await upload(uploadUrl!, bytes)).statusCode).toBe(200);
      const uploadedAt = "2026-01-02T03:04:05.678Z";
      const patched = await report(mediaId, { uploadedAt, uploadHttpStatus: 200, uploadHttpError: "ignored when 200", uploadTimeMs: 5 });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toEqual({ message: "OK" });

      const started = Date.now();
      const response = await getMedia(mediaId);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toEqual({ mediaId, contentType: "image/png", contentLength: bytes.length, uploadedAt, url: expect.any(String), urlExpiry: ISO_DATE });
      expect(Math.abs(Date.parse(body.urlExpiry) - started - 3_600_000)).toBeLessThan(5_000);
      const file = await download(body.url);
      expect(file.statusCode).toBe(200);
      expect(file.headers["content-type"]).toBe("image/png");
      expect(file.rawPayload).toEqual(bytes);
      // The URL is for that object only, unaltered.
      expect((await download(body.url.replace("X-Wick-Content-Type=image%2Fpng", "X-Wick-Content-Type=text%2Fhtml"))).statusCode).toBe(403);
    });

    it("answers 404 for an upload reported as failed, with its status", async () => {
      const bytes = randomBytes(30);
      const { mediaId } = await announced(announcement(bytes));
      const patched = await report(mediaId, { uploadedAt: new Date().toISOString(), uploadHttpStatus: 403, uploadHttpError: "SignatureDoesNotMatch" });
      expect(patched.statusCode).toBe(200);
      const response = await getMedia(mediaId);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ message: "Media upload failed with status 403", error: "LangfuseNotFoundError" });
    });

    it("answers 404 for unknown media and 400 for bad reports, never a 500", async () => {
      for (const id of ["unknown", "x".repeat(2000), "ü/ö", "%00", "'; drop table media; --"]) {
        const response = await getMedia(id);
        expect(response.statusCode, id).toBe(404);
        expect(response.json()).toEqual({ message: "Media asset not found", error: "LangfuseNotFoundError" });
        expect((await report(id, uploaded)).statusCode, id).toBe(404);
      }
      const { mediaId } = await announced(announcement(randomBytes(9)));
      for (const body of [
        {},
        { ...uploaded, uploadedAt: "yesterday" },
        { ...uploaded, uploadHttpStatus: 0 },
        { ...uploaded, uploadHttpStatus: 200.5 },
        { ...uploaded, uploadHttpStatus: "200" },
        { uploadedAt: uploaded.uploadedAt },
      ]) {
        const response = await report(mediaId, body);
        expect(response.statusCode, JSON.stringify(body)).toBe(400);
        expect(response.json().message).toBe("Invalid request data");
      }
    });
  });

  describe("local store URLs", () => {
    it("refuses a PUT whose checksum, length or type differs from the announcement, or that comes after expiry, storing nothing", async () => {
      const files = async () => (await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])).filter((entry) => entry.isFile()).length;
      const bytes = randomBytes(4096);
      const { mediaId, uploadUrl } = await announced(announcement(bytes));
      const before = await files();
      const other = randomBytes(4096);
      const refusals = [
        await upload(uploadUrl!, bytes, "image/jpeg"),
        await upload(uploadUrl!, bytes.subarray(1)),
        await upload(uploadUrl!, other),
        await upload(uploadUrl!, other, "image/png", { "x-amz-checksum-sha256": sha256(bytes) }),
        await upload(uploadUrl!, bytes, "image/png", { "x-amz-checksum-sha256": "" }),
        await upload(uploadUrl!.replace(/X-Wick-Signature=[^&]+/, "X-Wick-Signature=forged"), bytes),
      ];
      expect(refusals.map((response) => response.statusCode)).toEqual([403, 403, 403, 400, 403, 403]);
      expect(refusals[3]!.body).toContain("<Code>BadDigest</Code>");
      // A URL signed with the instance's key two hours ago, valid for one.
      const key = await t.services.repositories.settings.getOrCreate("media_url_signing_key", () => "unused");
      const past = new DiskObjectStore("unused", new UrlSigner(async () => Buffer.from(key, "hex")), { now: () => Date.now() - 7_200_000 });
      const spec = { key: `${t.project.id}/${mediaId}.png`, contentType: "image/png", contentLength: bytes.length, sha256: sha256(bytes) };
      const expired = await upload(await past.signedUploadUrl(spec, 3600, { origin: "http://localhost" }), bytes);
      expect(expired.statusCode).toBe(403);
      expect(expired.body).toContain("Request has expired");
      expect(await files()).toBe(before);
      expect((await upload(uploadUrl!, bytes)).statusCode).toBe(200);
      expect(await files()).toBe(before + 1);
    });
  });

  describe("dataset items", () => {
    it("accept references to the project's media and refuse others", async () => {
      const other = await t.createProject();
      const datasetName = `media-${uid()}`;
      expect((await call("POST", "/v2/datasets", { body: { name: datasetName } })).statusCode).toBe(200);
      const bytes = randomBytes(40);
      const mediaId = await store(bytes, { traceId: null, datasetId: "unknown-yet", datasetItemId: "item-1", field: "input" });
      const reference = (id: string) => `@@@langfuseMedia:type=image/png|id=${id}|source=base64_data_uri@@@`;
      const created = await call("POST", "/dataset-items", { body: { datasetName, input: { image: reference(mediaId) } } });
      expect(created.statusCode, created.body).toBe(200);
      expect(created.json().input).toEqual({ image: reference(mediaId) });
      const unknown = await call("POST", "/dataset-items", { body: { datasetName, input: [reference(mediaId), reference("nope")] } });
      expect(unknown.json()).toEqual({ message: "Dataset item references unknown media: nope", error: "InvalidRequestError" });
      expect((await call("POST", "/v2/datasets", { body: { name: datasetName }, project: other })).statusCode).toBe(200);
      const theirs = await call("POST", "/dataset-items", { body: { datasetName, input: reference(mediaId) }, project: other });
      expect(theirs.statusCode).toBe(400);
    });
  });
});
