import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { inject } from "vitest";
import { migrateClickHouse, openClickHouse, type ClickHouseStore } from "@wick/clickhouse";
import type { OutboundAllowlist } from "@wick/outbound-urls";
import { openTestPostgres, type PostgresMode } from "@wick/postgres/testing";
import type { EncryptionKey } from "@wick/secrets";
import { buildApp } from "../../src/app.ts";
import type { MediaConfig } from "../../src/config.ts";
import type { ConnectionLimits } from "../../src/plugins/connection-limits.ts";
import { issueApiKey } from "../../src/domain/api-keys.ts";
import { createServices, type ServiceOptions, type Services } from "../../src/services.ts";
import type { Stores } from "../../src/stores.ts";

export { openTestPostgres, postgresModes, type PostgresMode } from "@wick/postgres/testing";

let clickhouseDir: string | undefined;
let migrated: Promise<unknown> | undefined;

/**
 * chDB in this test process, migrated once. All apps of a test file share it, as several Wick
 * instances share one ClickHouse; tests keep apart by using projects of their own.
 */
export async function openTestClickHouse(): Promise<ClickHouseStore> {
  clickhouseDir ??= join(inject("scratchDir"), `chdb-${process.pid}-${randomUUID()}`);
  const store = await openClickHouse({ kind: "embedded", dataDir: clickhouseDir });
  migrated ??= migrateClickHouse(store.client);
  await migrated;
  return store;
}

/** Media settings as the defaults, with a local store in a directory of its own. */
export function testMediaConfig(overrides: Partial<MediaConfig> = {}): MediaConfig {
  return {
    store: { kind: "disk", dir: join(inject("scratchDir"), `media-${process.pid}-${randomUUID()}`) },
    maxContentLength: 1_000_000_000,
    downloadUrlExpirySeconds: 3600,
    extractFromOtel: false,
    ...overrides,
  };
}

export interface TestProject {
  id: string;
  orgId: string;
  publicKey: string;
  secretKey: string;
  /** `Authorization` header value for Basic auth with this project's key pair. */
  basic: string;
}

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  stores: Stores;
  project: TestProject;
  /** Another project with its own key, to check that nothing leaks between projects. */
  createProject(): Promise<TestProject>;
  close(): Promise<void>;
}

export function basicAuthHeader(publicKey: string, secretKey: string): string {
  return `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString("base64")}`;
}

export interface TestAppOptions {
  /** Share the stores of another app, as a second Wick instance would. */
  stores?: Stores;
  adminApiKey?: string;
  apiKeyCacheTtlMs?: number;
  /** How long writes keep their days from the metrics rollups; 0 by default, so queries use them at once. */
  rollupSettleMs?: number;
  connectionLimits?: ConnectionLimits;
  /** How long a close waits for requests in flight; the server's default otherwise. */
  closeGraceMs?: number;
  inFlightBodyBytes?: number;
  /** Media settings; a local store in a directory of its own by default. */
  media?: Partial<MediaConfig>;
  /** Where `POST /feedback` forwards feedback; none by default, as in a fresh deployment. */
  feedbackWebhookUrl?: string;
  /** Seals stored secrets; none by default, as in a fresh deployment. */
  encryptionKey?: EncryptionKey;
  blobStorageEndpointAllowlist?: OutboundAllowlist;
  llmConnectionAllowlist?: OutboundAllowlist;
  codeEvalDispatcher?: string;
  /** The built browser UI to serve; apps/web/dist by default. */
  webDir?: string;
  /** Receives what the services log at start; nothing by default. */
  log?: ServiceOptions["log"];
}

export async function createTestApp(mode: PostgresMode, options: TestAppOptions = {}): Promise<TestApp> {
  const ownsStores = !options.stores;
  const stores = options.stores ?? { postgres: await openTestPostgres(mode), clickhouse: await openTestClickHouse() };
  const services = await createServices(stores, {
    salt: "test-salt",
    adminApiKey: options.adminApiKey,
    apiKeyCacheTtlMs: options.apiKeyCacheTtlMs ?? 300_000,
    version: "test",
    media: testMediaConfig(options.media),
    feedbackWebhookUrl: options.feedbackWebhookUrl,
    encryptionKey: options.encryptionKey,
    blobStorageEndpointAllowlist: options.blobStorageEndpointAllowlist,
    llmConnectionAllowlist: options.llmConnectionAllowlist,
    codeEvalDispatcher: options.codeEvalDispatcher,
    rollupSettleMs: options.rollupSettleMs ?? 0,
    log: options.log,
  });
  const createProject = async (): Promise<TestProject> => {
    const orgId = `org-${randomUUID()}`;
    const id = `project-${randomUUID()}`;
    await services.repositories.organizations.create({ id: orgId, name: "Test Org" });
    await services.repositories.projects.ensure({ id, orgId, name: "test-project" });
    const key = await issueApiKey(services.repositories.apiKeys, services.salt, { scope: "PROJECT", projectId: id });
    return { id, orgId, publicKey: key.publicKey, secretKey: key.secretKey, basic: basicAuthHeader(key.publicKey, key.secretKey) };
  };
  const project = await createProject();
  const app = await buildApp(services, {
    logLevel: "silent",
    connectionLimits: options.connectionLimits,
    closeGraceMs: options.closeGraceMs,
    inFlightBodyBytes: options.inFlightBodyBytes,
    webDir: options.webDir,
  });
  await app.ready();
  return {
    app,
    services,
    stores,
    project,
    createProject,
    close: async () => {
      await app.close();
      if (ownsStores) {
        await stores.postgres.close();
        await stores.clickhouse.close();
      }
    },
  };
}

/** Listens on a free loopback port, for clients that speak real HTTP (SDKs, exporters). */
export async function listen(app: FastifyInstance): Promise<string> {
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  return address;
}

export interface PublicCallOptions {
  body?: unknown;
  /** Another header value, or null to send none; the app's project key pair by default. */
  authorization?: string | null;
  /** Whose key pair to send when `authorization` is not given. */
  project?: TestProject;
}

/** A `/api/public` request through `app.inject`, authenticated as a project unless told otherwise. */
export function callPublic(t: TestApp, method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", url: string, options: PublicCallOptions = {}) {
  const authorization = options.authorization === undefined ? (options.project ?? t.project).basic : options.authorization;
  return t.app.inject({
    method,
    url: `/api/public${url}`,
    headers: authorization === null ? {} : { authorization },
    ...(options.body === undefined ? {} : { payload: options.body as object }),
  });
}
