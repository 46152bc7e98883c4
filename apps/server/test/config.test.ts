import { describe, expect, it } from "vitest";
import { findOutboundUrlProblem } from "@wick/outbound-urls";
import { ConfigError, loadConfig } from "../src/config.ts";

describe("configuration from the environment", () => {
  it("defaults to embedded storage under ./.data on port 3000", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.postgres).toEqual({ kind: "embedded", dataDir: expect.stringMatching(/\/\.data\/postgres$/) });
    expect(config.clickhouse).toEqual({ kind: "embedded", dataDir: expect.stringMatching(/\/\.data\/clickhouse$/) });
    expect(config.salt).toBeUndefined();
    expect(config.adminApiKey).toBeUndefined();
    expect(config.init).toBeUndefined();
  });

  it("uses servers when DATABASE_URL and CLICKHOUSE_URL are set", () => {
    const config = loadConfig({
      DATABASE_URL: "postgres://u:p@db:5432/wick",
      CLICKHOUSE_URL: "http://ch:8123",
      CLICKHOUSE_USER: "wick",
      CLICKHOUSE_PASSWORD: "pw",
      CLICKHOUSE_DB: "traces",
      CLICKHOUSE_CLUSTER_ENABLED: "true",
      CLICKHOUSE_CLUSTER_NAME: "main",
    });
    expect(config.postgres).toEqual({ kind: "server", url: "postgres://u:p@db:5432/wick" });
    expect(config.clickhouse).toEqual({ kind: "server", url: "http://ch:8123", username: "wick", password: "pw", database: "traces", cluster: "main" });
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", SALT: "" })).toMatchObject({ postgres: { kind: "embedded" }, salt: undefined });
  });

  it("names every invalid variable", () => {
    expect(() => loadConfig({ PORT: "eighty", CLICKHOUSE_DB: "x; DROP" })).toThrowError(ConfigError);
    try {
      loadConfig({ PORT: "eighty", CLICKHOUSE_DB: "x; DROP" });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/CLICKHOUSE_DB/);
    }
  });

  it("reads where clients reach the media stores, and refuses a public URL that is not http(s)", () => {
    expect(loadConfig({ WICK_PUBLIC_URL: "https://wick.example.com/" }).media.store).toMatchObject({ kind: "disk", publicUrl: "https://wick.example.com/" });
    expect(() => loadConfig({ WICK_PUBLIC_URL: "wick.example.com" })).toThrowError(/WICK_PUBLIC_URL/);
    expect(() => loadConfig({ WICK_PUBLIC_URL: "ftp://wick.example.com" })).toThrowError(/WICK_PUBLIC_URL/);
    const s3 = loadConfig({ LANGFUSE_S3_MEDIA_UPLOAD_BUCKET: "media", WICK_S3_MEDIA_PUBLIC_ENDPOINT: "http://localhost:9090" }).media.store;
    expect(s3).toMatchObject({ kind: "s3", bucket: "media", publicEndpoint: "http://localhost:9090" });
  });

  it("reads the headless-init variables with Langfuse's defaults", () => {
    const config = loadConfig({ LANGFUSE_INIT_ORG_ID: "org", LANGFUSE_INIT_PROJECT_ID: "proj", LANGFUSE_INIT_USER_EMAIL: "a@b.c" });
    expect(config.init).toEqual({
      orgId: "org",
      orgName: "Provisioned Org",
      projectId: "proj",
      projectName: "Provisioned Project",
      projectRetentionDays: undefined,
      publicKey: undefined,
      secretKey: undefined,
    });
    expect(config.ignoredInitVariables).toEqual(["LANGFUSE_INIT_USER_EMAIL"]);
  });

  it("ignores every init variable without LANGFUSE_INIT_ORG_ID, as Langfuse does", () => {
    const config = loadConfig({ LANGFUSE_INIT_PROJECT_ID: "proj" });
    expect(config.init).toBeUndefined();
    expect(config.ignoredInitVariables).toEqual(["LANGFUSE_INIT_PROJECT_ID"]);
  });

  it("refuses a retention below 3 days and an unknown cloud plan", () => {
    expect(() => loadConfig({ LANGFUSE_INIT_PROJECT_RETENTION: "2" })).toThrowError(/LANGFUSE_INIT_PROJECT_RETENTION/);
    expect(() => loadConfig({ LANGFUSE_INIT_ORG_CLOUD_PLAN: "Free" })).toThrowError(/LANGFUSE_INIT_ORG_CLOUD_PLAN/);
  });

  it("turns the key cache off with LANGFUSE_CACHE_API_KEY_ENABLED=false", () => {
    expect(loadConfig({}).apiKeyCacheTtlMs).toBe(300_000);
    expect(loadConfig({ LANGFUSE_CACHE_API_KEY_ENABLED: "false" }).apiKeyCacheTtlMs).toBe(0);
  });

  it("reads ENCRYPTION_KEY as 64 hex characters, and leaves it unset when empty", () => {
    const hex = "0123456789abcdef".repeat(4);
    expect(loadConfig({ ENCRYPTION_KEY: hex }).encryptionKey?.bytes).toEqual(Buffer.from(hex, "hex"));
    expect(loadConfig({}).encryptionKey).toBeUndefined();
    expect(loadConfig({ ENCRYPTION_KEY: "" }).encryptionKey).toBeUndefined();
  });

  it.each([
    ["too short", "abcdef"],
    ["not hex", "g".repeat(64)],
  ])("refuses an ENCRYPTION_KEY that is %s, naming it and saying how to make one", (_case, value) => {
    expect(() => loadConfig({ ENCRYPTION_KEY: value })).toThrowError(ConfigError);
    expect(() => loadConfig({ ENCRYPTION_KEY: value })).toThrowError(/ENCRYPTION_KEY: must be 64 hex characters.*openssl rand -hex 32/);
  });

  it("reads the blob storage endpoint allowlist from Langfuse's three variables", async () => {
    const { blobStorageEndpointAllowlist: allowlist } = loadConfig({
      LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED_HOST: "minio, storage.corp",
      LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED_IPS: "192.168.1.10",
      LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED_IP_SEGMENTS: "10.0.0.0/8,fd00::/8",
    });
    for (const url of ["http://minio:9000", "http://storage.corp", "http://192.168.1.10", "http://10.9.8.7", "http://[fd00::5]"]) {
      expect(await findOutboundUrlProblem(url, allowlist), url).toBeUndefined();
    }
    expect(await findOutboundUrlProblem("http://minio:9000", loadConfig({}).blobStorageEndpointAllowlist)).toBeDefined();
  });

  it.each([
    ["LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED_IPS", "10.0.0.0/8"],
    ["LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED_IP_SEGMENTS", "10.0.0.1"],
  ])("refuses a malformed %s entry, naming the variable", (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrowError(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrowError(new RegExp(`${variable}: "${value}" is not`));
  });
});
