import { randomBytes, randomUUID } from "node:crypto";
import { buffer, text } from "node:stream/consumers";
import { gunzipSync } from "node:zlib";
import { BlobStorageIntegrationRepository } from "@wick/blob-exports";
import { OutboundAllowlist } from "@wick/outbound-urls";
import { S3ObjectStore } from "@wick/object-store";
import { EncryptionKey } from "@wick/secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalS3, type LocalS3Server } from "../../../packages/object-store/test/support/s3-server.ts";
import { issueApiKey } from "../src/domain/api-keys.ts";
import { basicAuthHeader, createTestApp, postgresModes, type TestApp } from "./support/harness.ts";
import { okCall } from "./support/reference-calls.ts";

const UPSERT = { method: "PUT", path: "/api/public/integrations/blob-storage" };
const STATUS = { method: "GET", path: "/api/public/integrations/blob-storage/{id}" };
const HOUR = 3_600_000;

type Body = Record<string, unknown>;
interface Manifest {
  window: { minTimestamp: string; maxTimestamp: string };
  files: Array<{ key: string; table: string; rowCount: number }>;
}

describe.each(postgresModes())("scheduled blob storage exports (%s Postgres)", (mode) => {
  let t: TestApp;
  let s3: LocalS3Server;
  let bucket: S3ObjectStore;
  let orgKey: string;
  /** Four hours back, on the hour: the exports' custom start. */
  const start = new Date(Math.floor(Date.now() / HOUR) * HOUR - 4 * HOUR);
  const traceIds = Array.from({ length: 8 }, () => randomUUID());

  beforeAll(async () => {
    s3 = await startLocalS3("exports");
    t = await createTestApp(mode, {
      encryptionKey: EncryptionKey.fromHex(randomBytes(32).toString("hex")),
      blobStorageEndpointAllowlist: new OutboundAllowlist({ hosts: [], ips: ["127.0.0.1"], segments: [] }),
    });
    bucket = new S3ObjectStore(s3.config);
    const issued = await issueApiKey(t.services.repositories.apiKeys, t.services.salt, { scope: "ORGANIZATION", organizationId: t.project.orgId });
    orgKey = basicAuthHeader(issued.publicKey, issued.secretKey);
    // A trace every half hour from the start, the last ones too recent to export yet.
    const batch = traceIds.map((id, index) => ({
      id: randomUUID(),
      type: "trace-create",
      timestamp: new Date().toISOString(),
      body: { id, name: "scheduled", timestamp: new Date(start.getTime() + index * HOUR * 0.5).toISOString() },
    }));
    const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: t.project.basic }, payload: { batch } });
    expect(response.json().errors).toEqual([]);
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
  });

  const integration = (overrides: Body = {}): Body => ({
    projectId: t.project.id,
    type: "S3_COMPATIBLE",
    bucketName: s3.config.bucket,
    endpoint: s3.config.endpoint,
    region: "us-east-1",
    accessKeyId: s3.config.accessKeyId,
    secretAccessKey: s3.config.secretAccessKey,
    prefix: "wick/",
    exportFrequency: "hourly",
    enabled: true,
    forcePathStyle: true,
    fileType: "JSONL",
    exportMode: "FROM_CUSTOM_DATE",
    exportStartDate: start.toISOString(),
    exportSource: "LEGACY_TRACES_OBSERVATIONS",
    ...overrides,
  });
  const status = () => okCall(t, STATUS, `/integrations/blob-storage/${t.project.id}`, { authorization: orgKey });
  /**
   * The manifests of the windows up to `lastSyncAt`: whole hours from the start, and a last window
   * ending 20 minutes ago when a run came after its hour had passed but before the next one closed.
   */
  const manifests = async (lastSyncAt: Date): Promise<Manifest[]> => {
    const found: Manifest[] = [];
    const ends = [1, 2, 3, 4].map((hour) => start.getTime() + hour * HOUR).filter((end) => end < lastSyncAt.getTime());
    for (const end of [...ends, lastSyncAt.getTime()]) {
      const stamp = new Date(end).toISOString().slice(0, 19).replaceAll(":", "-");
      const object = await bucket.get(`wick/${t.project.id}/manifests/${stamp}.json`);
      if (object) found.push(JSON.parse(await text(object.body)));
    }
    return found;
  };
  const exportedTraceIds = async (list: Manifest[]) => {
    const ids: string[] = [];
    for (const manifest of list) {
      const file = manifest.files.find((entry) => entry.table === "traces")!;
      const lines = gunzipSync(await buffer((await bucket.get(file.key))!.body))
        .toString("utf8")
        .split("\n")
        .filter(Boolean);
      ids.push(...lines.map((line) => JSON.parse(line).id));
    }
    return ids;
  };

  it("records a failed run and exports nothing, then catches up one period per run, each row once", async () => {
    // Credentials the bucket refuses: the run fails, and the window stays to be exported.
    await okCall(t, UPSERT, "/integrations/blob-storage", { body: integration({ bucketName: "no-such-bucket" }), authorization: orgKey });
    expect(await t.services.blobExports.runDue()).toBe(0);
    const failed = await status();
    expect(failed).toMatchObject({ syncStatus: "error", lastSyncAt: null, lastError: expect.any(String) });
    expect(await manifests(new Date())).toEqual([]);

    // Saving it again makes it due at once; each pass exports one hour of the backlog.
    await okCall(t, UPSERT, "/integrations/blob-storage", { body: integration(), authorization: orgKey });
    let passes = 0;
    while ((await t.services.blobExports.runDue()) > 0) passes += 1;
    expect(passes).toBeGreaterThanOrEqual(3);
    const done = await status();
    expect(done).toMatchObject({ syncStatus: "up_to_date", lastError: null });
    // Never the last 20 minutes; the next run one period after the last window's end.
    expect(Date.now() - Date.parse(done.lastSyncAt)).toBeGreaterThanOrEqual(20 * 60_000);
    expect(Date.parse(done.nextSyncAt)).toBe(Date.parse(done.lastSyncAt) + HOUR);

    const written = await manifests(new Date(done.lastSyncAt));
    expect(written.length).toBe(passes);
    for (const [index, manifest] of written.entries()) {
      expect(manifest.window.minTimestamp).toBe(index === 0 ? start.toISOString() : written[index - 1]!.window.maxTimestamp);
      expect(manifest.files.map((file) => file.table)).toEqual(["traces", "observations", "scores"]);
    }
    // Each trace up to the last window's end, once, in time order.
    const expected = traceIds.filter((_, index) => start.getTime() + index * HOUR * 0.5 < Date.parse(done.lastSyncAt));
    expect(await exportedTraceIds(written)).toEqual(expected);
    // Nothing more is due.
    expect(await t.services.blobExports.runDue()).toBe(0);
  });

  it("leaves an integration another run holds alone", async () => {
    const other = await t.services.repositories.projects.create({ id: `project-${randomUUID()}`, orgId: t.project.orgId, name: "held" });
    await okCall(t, UPSERT, "/integrations/blob-storage", { body: integration({ projectId: other.id, prefix: "held/" }), authorization: orgKey });
    // Another Wick's run took it a minute ago and still holds it.
    const startedAt = new Date(Date.now() - 60_000);
    expect(await new BlobStorageIntegrationRepository(t.stores.postgres.db).claim(other.id, startedAt, new Date(startedAt.getTime() - 2 * HOUR))).toBeDefined();
    expect(await t.services.blobExports.runDue()).toBe(0);
    const held = await okCall(t, STATUS, `/integrations/blob-storage/${other.id}`, { authorization: orgKey });
    expect(held).toMatchObject({ syncStatus: "running", lastSyncAt: null });
  });
});
