import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutboundAllowlist } from "@wick/outbound-urls";
import { EncryptionKey, SecretBox } from "@wick/secrets";
import { issueApiKey } from "../src/domain/api-keys.ts";
import { basicAuthHeader, callPublic, createTestApp, postgresModes, type TestApp } from "./support/harness.ts";
import { checkedCall, okCall } from "./support/reference-calls.ts";

const LIST = { method: "GET", path: "/api/public/integrations/blob-storage" };
const UPSERT = { method: "PUT", path: "/api/public/integrations/blob-storage" };
const STATUS = { method: "GET", path: "/api/public/integrations/blob-storage/{id}" };
const REMOVE = { method: "DELETE", path: "/api/public/integrations/blob-storage/{id}" };

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const ALL_GROUPS = ["core", "basic", "time", "io", "metadata", "model", "usage", "prompt", "metrics", "tools", "trace_context"];
const HOUR = 60 * 60 * 1000;

type Body = Record<string, unknown>;
type Warnings = string[];
/** What the export runner keeps up to date. */
type Schedule = { lastSyncAt?: Date | null; nextSyncAt?: Date | null; runStartedAt?: Date | null; lastError?: string | null };

const collectingLog = (warnings: Warnings) => ({ info: () => {}, warn: (message: string) => void warnings.push(message) });

describe.each(postgresModes())("blob storage integrations API (%s Postgres)", (mode) => {
  let t: TestApp;
  const key = EncryptionKey.fromHex(randomBytes(32).toString("hex"));
  const warnings: Warnings = [];
  /** The organization key of `t.project`'s organization. */
  let orgKey: string;
  /** Another organization's project and organization key. */
  let other: { projectId: string; orgKey: string };

  const organizationKey = async (organizationId: string) => {
    const issued = await issueApiKey(t.services.repositories.apiKeys, t.services.salt, { scope: "ORGANIZATION", organizationId });
    return basicAuthHeader(issued.publicKey, issued.secretKey);
  };

  beforeAll(async () => {
    t = await createTestApp(mode, {
      encryptionKey: key,
      blobStorageEndpointAllowlist: new OutboundAllowlist({ hosts: ["minio"], ips: [], segments: ["10.0.0.0/8"] }),
      log: collectingLog(warnings),
    });
    orgKey = await organizationKey(t.project.orgId);
    const otherProject = await t.createProject();
    other = { projectId: otherProject.id, orgKey: await organizationKey(otherProject.orgId) };
  });
  afterAll(async () => t?.close());

  /** A new project in `t.project`'s organization. */
  const newProject = async () => (await t.services.repositories.projects.create({ id: `project-${randomUUID()}`, orgId: t.project.orgId, name: "exports" })).id;

  const s3Body = (projectId: string, overrides: Body = {}): Body => ({
    projectId,
    type: "S3",
    bucketName: "wick-exports",
    region: "eu-west-1",
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: SECRET,
    prefix: "langfuse/",
    exportFrequency: "daily",
    enabled: true,
    forcePathStyle: false,
    fileType: "JSONL",
    exportMode: "FULL_HISTORY",
    ...overrides,
  });

  const put = (body: Body, authorization = orgKey) => checkedCall(t, UPSERT, "/integrations/blob-storage", { body, authorization });
  const putOk = async (body: Body, authorization = orgKey) => okCall(t, UPSERT, "/integrations/blob-storage", { body, authorization });
  const status = (projectId: string, authorization = orgKey) => checkedCall(t, STATUS, `/integrations/blob-storage/${projectId}`, { authorization });
  const statusOk = (projectId: string) => okCall(t, STATUS, `/integrations/blob-storage/${projectId}`, { authorization: orgKey });
  const list = (authorization = orgKey) => okCall(t, LIST, "/integrations/blob-storage", { authorization });

  /** What Postgres holds, as text, so no driver reads a time zone into it. */
  const storedRow = async (projectId: string) => {
    const [row] = await t.stores.postgres.execute(
      `select secret_access_key, access_key_id, run_started_at::text as run_started_at, export_field_groups::text as export_field_groups
       from blob_storage_integrations where project_id = $1`,
      [projectId],
    );
    return row as { secret_access_key: string | null; access_key_id: string | null; run_started_at: string | null; export_field_groups: string } | undefined;
  };

  /** Sets what the export runner keeps up to date; instants are written as UTC wall clock, as Wick writes them. */
  const setSchedule = async (projectId: string, state: Schedule) => {
    const utc = (value: Date | null | undefined) => (value ? value.toISOString() : null);
    await t.stores.postgres.execute(
      `update blob_storage_integrations
       set last_sync_at = $2::timestamp, next_sync_at = $3::timestamp, run_started_at = $4::timestamp, last_error = $5, last_error_at = $6::timestamp
       where project_id = $1`,
      [projectId, utc(state.lastSyncAt), utc(state.nextSyncAt), utc(state.runStartedAt), state.lastError ?? null, state.lastError ? new Date().toISOString() : null],
    );
  };

  const expectRecent = (instant: unknown, since: number) => {
    expect(typeof instant).toBe("string");
    const time = new Date(instant as string).getTime();
    expect(time).toBeGreaterThanOrEqual(since - 1);
    expect(time).toBeLessThanOrEqual(Date.now() + 1);
  };

  /** The 400's body, after checking that its message or one of its issues says `message`. */
  const expectBadRequest = async (request: Body, message: RegExp | string) => {
    const response = await put(request);
    expect(response.statusCode, response.body).toBe(400);
    const body = response.json();
    const issues: Array<{ message: string }> = Array.isArray(body.error) ? body.error : [];
    expect([body.message, ...issues.map((issue) => issue.message)].join("\n")).toMatch(message);
    return body;
  };

  describe("authentication", () => {
    const routes: Array<[string, string, string, Body?]> = [
      ["GET", "/integrations/blob-storage", "list"],
      ["PUT", "/integrations/blob-storage", "upsert", { projectId: "any" }],
      ["GET", "/integrations/blob-storage/any", "status"],
      ["DELETE", "/integrations/blob-storage/any", "delete"],
    ];

    it.each(routes)("%s %s answers 401 without or with unknown credentials, 403 for a project key", async (method, url, _name, body) => {
      const call = (authorization: string | null) => callPublic(t, method as "GET", url, { authorization, body });
      const missing = await call(null);
      expect(missing.statusCode).toBe(401);
      expect(missing.json()).toEqual({ message: "No authorization header", error: "UnauthorizedError" });
      const unknown = await call(basicAuthHeader("pk-lf-unknown", "sk-lf-unknown"));
      expect(unknown.statusCode).toBe(401);
      expect(unknown.json()).toEqual({ message: "Invalid credentials. Confirm that you've configured the correct host.", error: "UnauthorizedError" });
      const projectKey = await call(t.project.basic);
      expect(projectKey.statusCode).toBe(403);
      expect(projectKey.json()).toEqual({ message: "Organization-scoped API key required for this operation.", error: "ForbiddenError" });
    });

    it("answers 405 to a method the path does not take", async () => {
      const response = await callPublic(t, "POST", "/integrations/blob-storage", { authorization: orgKey, body: {} });
      expect(response.statusCode).toBe(405);
    });
  });

  describe("PUT creates an integration", () => {
    it("answers every field with the reference's defaults, and never the secret", async () => {
      const projectId = await newProject();
      const before = Date.now();
      const created = await putOk(s3Body(projectId));
      expect(created).toEqual({
        id: projectId,
        projectId,
        type: "S3",
        bucketName: "wick-exports",
        endpoint: null,
        region: "eu-west-1",
        accessKeyId: "AKIAIOSFODNN7EXAMPLE",
        prefix: "langfuse/",
        exportFrequency: "daily",
        enabled: true,
        forcePathStyle: false,
        fileType: "JSONL",
        exportMode: "FULL_HISTORY",
        exportStartDate: null,
        compressed: true,
        exportSource: "OBSERVATIONS_V2",
        exportFieldGroups: ALL_GROUPS,
        nextSyncAt: null,
        lastSyncAt: null,
        lastError: null,
        lastErrorAt: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expectRecent(created.createdAt, before);
      expect(JSON.stringify(created)).not.toContain(SECRET);
      expect(await statusOk(projectId)).toEqual({
        id: projectId,
        projectId,
        syncStatus: "idle",
        enabled: true,
        lastSyncAt: null,
        nextSyncAt: null,
        lastError: null,
        lastErrorAt: null,
      });
    });

    it("stores the secret sealed with ENCRYPTION_KEY, never in clear", async () => {
      const projectId = await newProject();
      await putOk(s3Body(projectId));
      const row = await storedRow(projectId);
      expect(row?.secret_access_key).toMatch(/^v1:/);
      expect(row?.secret_access_key).not.toContain(SECRET);
      expect(new SecretBox(key).open(row!.secret_access_key!)).toBe(SECRET);
    });

    it("keeps the host's credentials for S3 without an access key id: nothing stored", async () => {
      const projectId = await newProject();
      const created = await putOk(s3Body(projectId, { accessKeyId: undefined, secretAccessKey: undefined }));
      expect(created.accessKeyId).toBeNull();
      expect(await storedRow(projectId)).toMatchObject({ access_key_id: null, secret_access_key: null });
    });

    it("takes every field the reference allows: S3-compatible with an allowed endpoint, chosen source, groups and compression", async () => {
      const projectId = await newProject();
      const created = await putOk(
        s3Body(projectId, {
          type: "S3_COMPATIBLE",
          endpoint: "http://minio:9000",
          forcePathStyle: true,
          prefix: "",
          exportFrequency: "every_20_minutes",
          fileType: "CSV",
          compressed: false,
          exportSource: "LEGACY_TRACES_AND_ENRICHED_OBSERVATIONS",
          exportFieldGroups: ["core", "io", "io", "usage"],
          enabled: false,
        }),
      );
      expect(created).toMatchObject({
        type: "S3_COMPATIBLE",
        endpoint: "http://minio:9000",
        forcePathStyle: true,
        prefix: "",
        exportFrequency: "every_20_minutes",
        fileType: "CSV",
        compressed: false,
        exportSource: "LEGACY_TRACES_AND_ENRICHED_OBSERVATIONS",
        exportFieldGroups: ["core", "io", "usage"],
        enabled: false,
      });
      expect((await statusOk(projectId)).syncStatus).toBe("disabled");
    });

    it("takes a valid Azure container name", async () => {
      const projectId = await newProject();
      const created = await putOk(s3Body(projectId, { type: "AZURE_BLOB_STORAGE", bucketName: "wick-exports-1", accessKeyId: "storageaccount" }));
      expect(created).toMatchObject({ type: "AZURE_BLOB_STORAGE", bucketName: "wick-exports-1" });
    });

    it("answers 404 for a project that is missing, deleted or of another organization", async () => {
      const deleted = await newProject();
      await t.services.repositories.projects.softDelete(deleted);
      for (const projectId of ["no-such-project", deleted, other.projectId]) {
        const response = await put(s3Body(projectId));
        expect(response.statusCode).toBe(404);
        expect(response.json()).toEqual({ message: "Project not found", error: "LangfuseNotFoundError" });
      }
      expect(await storedRow(other.projectId)).toBeUndefined();
    });
  });

  describe("PUT refuses what the reference refuses", () => {
    it.each([
      ["an unknown field", { unknownField: 1 }, "Invalid request data"],
      ["a missing region", { region: undefined }, "Invalid request data"],
      ["an unknown type", { type: "GCS" }, "Invalid request data"],
      ["an empty bucket name", { bucketName: "" }, "Invalid request data"],
      ["a prefix without a trailing slash", { prefix: "exports" }, "prefix must be empty or end with a forward slash (/)"],
      ["a null prefix", { prefix: null }, "Invalid request data"],
      ["FROM_CUSTOM_DATE without a start date", { exportMode: "FROM_CUSTOM_DATE" }, "exportStartDate is required when exportMode is FROM_CUSTOM_DATE"],
      [
        "a start date two days ahead",
        { exportMode: "FROM_CUSTOM_DATE", exportStartDate: new Date(Date.now() + 48 * HOUR).toISOString() },
        "exportStartDate must not be in the future",
      ],
      ["a start date that is not a date", { exportMode: "FROM_CUSTOM_DATE", exportStartDate: "yesterday" }, "Invalid request data"],
      ["field groups without core", { exportSource: "OBSERVATIONS_V2", exportFieldGroups: ["io"] }, "exportFieldGroups must include core"],
      ["field groups without a source", { exportFieldGroups: ["core"] }, "exportSource is required when exportFieldGroups is provided"],
      ["an unknown field group", { exportSource: "OBSERVATIONS_V2", exportFieldGroups: ["core", "secrets"] }, "Invalid request data"],
      ["S3-compatible without an access key id", { type: "S3_COMPATIBLE", accessKeyId: null }, "accessKeyId is required for S3_COMPATIBLE"],
      ["Azure with a blank access key id", { type: "AZURE_BLOB_STORAGE", bucketName: "exports", accessKeyId: "  " }, "accessKeyId is required for AZURE_BLOB_STORAGE"],
      ["a secret without an access key id", { accessKeyId: null }, "secretAccessKey needs an accessKeyId"],
    ])("%s", async (_case, overrides, message) => {
      const body = await expectBadRequest(s3Body(await newProject(), overrides), message);
      expect(body.message).toBe("Invalid request data");
      expect(Array.isArray(body.error)).toBe(true);
    });

    it.each(["ab", "Exports", "my--exports", "-exports", "exports-", "my_exports", "a".repeat(64)])("an invalid Azure container name: %s", async (bucketName) => {
      await expectBadRequest(s3Body(await newProject(), { type: "AZURE_BLOB_STORAGE", bucketName, accessKeyId: "account" }), "must be a valid Azure container name");
    });

    it("Parquet, which Wick does not export, with a message saying so", async () => {
      const body = await expectBadRequest(s3Body(await newProject(), { fileType: "PARQUET" }), /Parquet/);
      expect(body).toEqual({ message: "Parquet export is not supported by Wick; choose JSON, CSV or JSONL", error: "InvalidRequestError" });
    });

    it("an access key id without a secret when none is stored", async () => {
      const body = await expectBadRequest(s3Body(await newProject(), { secretAccessKey: null }), /secretAccessKey is required/);
      expect(body.error).toBe("InvalidRequestError");
    });

    it.each([
      ["http://127.0.0.1:9000", "127.0.0.1 is a private or internal address"],
      ["http://[::1]:9000", "::1 is a private or internal address"],
      ["http://localhost:9000", "localhost is a local or internal host name"],
      ["http://169.254.169.254/latest/meta-data", "169.254.169.254 is a private or internal address"],
      ["http://192.168.1.20:9000", "192.168.1.20 is a private or internal address"],
      ["http://metadata.google.internal", "metadata.google.internal is a local or internal host name"],
    ])("a private or internal endpoint: %s", async (endpoint, reason) => {
      const body = await expectBadRequest(s3Body(await newProject(), { type: "S3_COMPATIBLE", endpoint }), reason);
      expect(body.error).toBe("InvalidRequestError");
      expect(body.message).toBe(
        `Invalid blob storage endpoint: ${reason}. A private or internal endpoint must be allowed by LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED_HOST, LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED_IPS or LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED_IP_SEGMENTS`,
      );
    });

    it.each([
      ["minio.example", "not a URL", '"minio.example" is not a valid URL'],
      ["ftp://52.216.1.1", "another scheme", "only http and https URLs are allowed, not ftp"],
      ["https://key:secret@52.216.1.1", "credentials in the URL", "the URL must not contain a user name or password"],
    ])("an endpoint that is %s (%s)", async (endpoint, _case, reason) => {
      const body = await expectBadRequest(s3Body(await newProject(), { type: "S3_COMPATIBLE", endpoint }), reason);
      expect(body).toEqual({ message: `Invalid blob storage endpoint: ${reason}`, error: "InvalidRequestError" });
    });

    it("accepts public endpoints and the private ones the allowlist names", async () => {
      for (const endpoint of ["https://52.216.1.1", "http://minio:9000", "http://10.1.2.3:9000", "https://[2600:1f18::1]"]) {
        const created = await putOk(s3Body(await newProject(), { type: "S3_COMPATIBLE", endpoint }));
        expect(created.endpoint).toBe(endpoint);
      }
    });
  });

  describe("exportStartDate follows the mode", () => {
    it("FULL_HISTORY stores none, even when one is sent", async () => {
      const created = await putOk(s3Body(await newProject(), { exportStartDate: "2025-01-01T00:00:00Z" }));
      expect(created.exportStartDate).toBeNull();
    });

    it("FROM_TODAY stores now", async () => {
      const before = Date.now();
      const created = await putOk(s3Body(await newProject(), { exportMode: "FROM_TODAY", exportStartDate: "2025-01-01T00:00:00Z" }));
      expectRecent(created.exportStartDate, before);
    });

    it.each([
      ["a date-time with an offset", "2025-03-01T12:30:00+02:00", "2025-03-01T10:30:00.000Z"],
      ["a date", "2025-03-01", "2025-03-01T00:00:00.000Z"],
      ["a time less than 27 hours ahead", new Date(Date.now() + 20 * HOUR).toISOString(), undefined],
    ])("FROM_CUSTOM_DATE stores the given one: %s", async (_case, exportStartDate, stored) => {
      const created = await putOk(s3Body(await newProject(), { exportMode: "FROM_CUSTOM_DATE", exportStartDate }));
      expect(created.exportStartDate).toBe(stored ?? exportStartDate);
    });
  });

  describe("PUT updates an integration", () => {
    it("keeps the stored secret when secretAccessKey is omitted or null, and replaces it when given", async () => {
      const projectId = await newProject();
      await putOk(s3Body(projectId));
      const sealed = (await storedRow(projectId))?.secret_access_key;
      await putOk(s3Body(projectId, { secretAccessKey: undefined, bucketName: "renamed" }));
      expect((await storedRow(projectId))?.secret_access_key).toBe(sealed);
      await putOk(s3Body(projectId, { secretAccessKey: null, accessKeyId: "AKIAOTHERKEYID" }));
      expect(await storedRow(projectId)).toMatchObject({ secret_access_key: sealed, access_key_id: "AKIAOTHERKEYID" });
      const updated = await putOk(s3Body(projectId, { secretAccessKey: "  a-new-secret  " }));
      expect(JSON.stringify(updated)).not.toContain("a-new-secret");
      expect(new SecretBox(key).open((await storedRow(projectId))!.secret_access_key!)).toBe("a-new-secret");
    });

    it("forgets the secret when the integration moves to the host's credentials", async () => {
      const projectId = await newProject();
      await putOk(s3Body(projectId));
      await putOk(s3Body(projectId, { accessKeyId: null, secretAccessKey: null }));
      expect(await storedRow(projectId)).toMatchObject({ access_key_id: null, secret_access_key: null });
    });

    it("keeps the export source and field groups when they are omitted, and replaces them when given", async () => {
      const projectId = await newProject();
      await putOk(s3Body(projectId, { exportSource: "LEGACY_TRACES_OBSERVATIONS", exportFieldGroups: ["core", "metrics"] }));
      const kept = await putOk(s3Body(projectId, { exportSource: null, exportFieldGroups: null }));
      expect(kept).toMatchObject({ exportSource: "LEGACY_TRACES_OBSERVATIONS", exportFieldGroups: ["core", "metrics"] });
      const replaced = await putOk(s3Body(projectId, { exportSource: "OBSERVATIONS_V2", exportFieldGroups: ["core", "trace_context"] }));
      expect(replaced).toMatchObject({ exportSource: "OBSERVATIONS_V2", exportFieldGroups: ["core", "trace_context"] });
      expect((await storedRow(projectId))?.export_field_groups).toBe("{core,trace_context}");
    });

    it("a new mode exports again from its start: lastSyncAt cleared, due now", async () => {
      const projectId = await newProject();
      const created = await putOk(s3Body(projectId));
      const lastSyncAt = new Date(Date.now() - 2 * HOUR);
      const nextSyncAt = new Date(Date.now() + 22 * HOUR);
      await setSchedule(projectId, { lastSyncAt, nextSyncAt });

      const sameMode = await putOk(s3Body(projectId, { bucketName: "other-bucket" }));
      expect(sameMode).toMatchObject({ lastSyncAt: lastSyncAt.toISOString(), nextSyncAt: nextSyncAt.toISOString(), createdAt: created.createdAt });

      const before = Date.now();
      const newMode = await putOk(s3Body(projectId, { exportMode: "FROM_TODAY" }));
      expect(newMode.lastSyncAt).toBeNull();
      expectRecent(newMode.nextSyncAt, before);
      expect((await statusOk(projectId)).syncStatus).toBe("queued");
    });

    it("an enabled integration saved after a failure is due now; a disabled one keeps its schedule", async () => {
      const projectId = await newProject();
      await putOk(s3Body(projectId));
      const nextSyncAt = new Date(Date.now() + 5 * HOUR);
      await setSchedule(projectId, { nextSyncAt, lastError: "Access Denied" });

      const disabled = await putOk(s3Body(projectId, { enabled: false }));
      expect(disabled).toMatchObject({ nextSyncAt: nextSyncAt.toISOString(), lastError: "Access Denied" });

      const before = Date.now();
      const enabled = await putOk(s3Body(projectId));
      expect(enabled.lastError).toBe("Access Denied");
      expectRecent(enabled.nextSyncAt, before);
    });

    it("ends a run marked as started", async () => {
      const projectId = await newProject();
      await putOk(s3Body(projectId));
      await setSchedule(projectId, { runStartedAt: new Date() });
      expect((await statusOk(projectId)).syncStatus).toBe("running");
      await putOk(s3Body(projectId));
      expect((await storedRow(projectId))?.run_started_at).toBeNull();
    });
  });

  describe("GET /integrations/blob-storage", () => {
    it("lists the organization's integrations, none of another organization's and no secret", async () => {
      const mine = await newProject();
      await putOk(s3Body(mine));
      await putOk(s3Body(other.projectId), other.orgKey);

      const { data } = await list();
      expect(data.map((integration: { id: string }) => integration.id)).toContain(mine);
      expect(data.map((integration: { id: string }) => integration.id)).not.toContain(other.projectId);
      expect(JSON.stringify(data)).not.toContain(SECRET);
      expect((await list(other.orgKey)).data.map((integration: { id: string }) => integration.id)).toEqual([other.projectId]);
    });
  });

  describe("GET /integrations/blob-storage/{id}", () => {
    const now = Date.now();
    it.each<[string, Body, Schedule, string]>([
      ["disabled, whatever else holds", { enabled: false }, { lastError: "failed", runStartedAt: new Date(now) }, "disabled"],
      ["error before running", {}, { lastError: "Access Denied", runStartedAt: new Date(now) }, "error"],
      ["running before queued", {}, { runStartedAt: new Date(now - HOUR), nextSyncAt: new Date(now - HOUR) }, "running"],
      ["a run started over 2 hours ago is no longer running", {}, { runStartedAt: new Date(now - 3 * HOUR), nextSyncAt: new Date(now - HOUR) }, "queued"],
      ["queued when due, though never synced", {}, { nextSyncAt: new Date(now - 1000) }, "queued"],
      ["idle when never synced and nothing due", {}, { nextSyncAt: new Date(now + HOUR) }, "idle"],
      ["up to date when synced and the next export is ahead", {}, { lastSyncAt: new Date(now - HOUR), nextSyncAt: new Date(now + HOUR) }, "up_to_date"],
    ])("%s", async (_case, overrides, schedule, syncStatus) => {
      const projectId = await newProject();
      await putOk(s3Body(projectId, overrides));
      await setSchedule(projectId, schedule);
      const answer = await statusOk(projectId);
      expect(answer.syncStatus).toBe(syncStatus);
      expect(answer).toMatchObject({ id: projectId, projectId, lastError: schedule.lastError ?? null });
    });

    it("answers 404 for a project without an integration, and for another organization's", async () => {
      for (const projectId of [await newProject(), other.projectId, "no-such-project"]) {
        const response = await status(projectId);
        expect(response.statusCode).toBe(404);
        expect(response.json()).toEqual({ message: "Blob storage integration not found", error: "LangfuseNotFoundError" });
      }
    });
  });

  describe("DELETE /integrations/blob-storage/{id}", () => {
    it("deletes the integration, then answers 404", async () => {
      const projectId = await newProject();
      await putOk(s3Body(projectId));
      const deleted = await okCall(t, REMOVE, `/integrations/blob-storage/${projectId}`, { authorization: orgKey });
      expect(deleted).toEqual({ message: "Blob storage integration successfully deleted" });
      expect(await storedRow(projectId)).toBeUndefined();
      expect((await status(projectId)).statusCode).toBe(404);
      const again = await checkedCall(t, REMOVE, `/integrations/blob-storage/${projectId}`, { authorization: orgKey });
      expect(again.statusCode).toBe(404);
      expect(again.json()).toEqual({ message: "Blob storage integration not found", error: "LangfuseNotFoundError" });
    });

    it("leaves another organization's integration alone: 404", async () => {
      await putOk(s3Body(other.projectId), other.orgKey);
      const response = await checkedCall(t, REMOVE, `/integrations/blob-storage/${other.projectId}`, { authorization: orgKey });
      expect(response.statusCode).toBe(404);
      expect(await storedRow(other.projectId)).toBeDefined();
    });
  });

  describe("project deletion", () => {
    it("deleting the project through the API deletes its integration and secret", async () => {
      const projectId = await newProject();
      await putOk(s3Body(projectId));
      const response = await callPublic(t, "DELETE", `/projects/${projectId}`, { authorization: orgKey });
      expect(response.statusCode).toBe(202);
      expect(await storedRow(projectId)).toBeUndefined();
      expect((await put(s3Body(projectId))).statusCode).toBe(404);
    });

    it("removing the project row cascades to its integration", async () => {
      const projectId = await newProject();
      await putOk(s3Body(projectId));
      await t.stores.postgres.execute("delete from projects where id = $1", [projectId]);
      expect(await storedRow(projectId)).toBeUndefined();
    });
  });

  describe("without ENCRYPTION_KEY", () => {
    let keyless: TestApp;
    const keylessWarnings: Warnings = [];
    beforeAll(async () => {
      keyless = await createTestApp(mode, { stores: t.stores, log: collectingLog(keylessWarnings) });
    });
    afterAll(async () => keyless?.close());

    const putKeyless = (body: Body) => checkedCall(keyless, UPSERT, "/integrations/blob-storage", { body, authorization: orgKey });

    it("says once at start that secrets cannot be stored, and how to make a key", () => {
      expect(keylessWarnings.filter((message) => message.includes("ENCRYPTION_KEY"))).toEqual([
        "ENCRYPTION_KEY is not set, so secrets (blob storage credentials, LLM connection keys) cannot be stored. Set it to 64 hex characters (32 bytes); make one with `openssl rand -hex 32`.",
      ]);
      expect(warnings.filter((message) => message.includes("ENCRYPTION_KEY"))).toEqual([]);
    });

    it("refuses to store a secret with a 400 naming the variable", async () => {
      const projectId = await newProject();
      const response = await putKeyless(s3Body(projectId));
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        message:
          "ENCRYPTION_KEY is not set, so Wick can neither store nor read secrets. Set ENCRYPTION_KEY to 64 hex characters (32 bytes); make one with `openssl rand -hex 32`, and restart Wick.",
        error: "InvalidRequestError",
      });
      expect(await storedRow(projectId)).toBeUndefined();
    });

    it("still saves what needs no new secret: the host's credentials, or a stored secret kept", async () => {
      const hostCredentials = await newProject();
      expect((await putKeyless(s3Body(hostCredentials, { accessKeyId: null, secretAccessKey: null }))).statusCode).toBe(200);

      const sealedEarlier = await newProject();
      await putOk(s3Body(sealedEarlier));
      const response = await putKeyless(s3Body(sealedEarlier, { secretAccessKey: undefined, enabled: false }));
      expect(response.statusCode).toBe(200);
      expect(response.json().enabled).toBe(false);
    });
  });
});
