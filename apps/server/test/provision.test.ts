import { afterEach, describe, expect, it } from "vitest";
import { provision, type ProvisionLog } from "../src/bootstrap/provision.ts";
import type { InitConfig } from "../src/config.ts";
import { createServices, type Services } from "../src/services.ts";
import { basicAuthHeader, openTestClickHouse, openTestPostgres, postgresModes, testMediaConfig } from "./support/harness.ts";
import { buildApp } from "../src/app.ts";

function recordingLog(): ProvisionLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (message) => lines.push(`info: ${message}`), warn: (message) => lines.push(`warn: ${message}`) };
}

describe.each(postgresModes())("provisioning on start (%s Postgres)", (mode) => {
  let services: Services | undefined;
  afterEach(async () => {
    await services?.stores.postgres.close();
    await services?.stores.clickhouse.close();
    services = undefined;
  });

  async function freshServices(salt?: string): Promise<Services> {
    const stores = { postgres: await openTestPostgres(mode), clickhouse: await openTestClickHouse() };
    services = await createServices(stores, { salt, apiKeyCacheTtlMs: 0, version: "test", media: testMediaConfig() });
    return services;
  }

  async function projectsWith(s: Services, publicKey: string, secretKey: string) {
    const app = await buildApp(s, { logLevel: "silent" });
    try {
      return await app.inject({ method: "GET", url: "/api/public/projects", headers: { authorization: basicAuthHeader(publicKey, secretKey) } });
    } finally {
      await app.close();
    }
  }

  it("gives an empty instance a project and a working key, once", async () => {
    const s = await freshServices();
    const credentials = await provision(s, undefined, [], recordingLog());
    expect(credentials?.publicKey).toMatch(/^pk-lf-[0-9a-f-]{36}$/);
    expect(credentials?.secretKey).toMatch(/^sk-lf-[0-9a-f-]{36}$/);
    const response = await projectsWith(s, credentials!.publicKey, credentials!.secretKey);
    expect(response.statusCode).toBe(200);
    expect(response.json().data[0]).toMatchObject({ id: credentials!.projectId, name: "default", organization: { name: "Wick" } });

    expect(await provision(s, undefined, [], recordingLog())).toBeUndefined();
    expect(await s.repositories.projects.count()).toBe(1);
  });

  it("generates a salt on the first start and keeps it", async () => {
    const s = await freshServices();
    expect(s.salt).toMatch(/^[0-9a-f]{64}$/);
    const again = await createServices(s.stores, { apiKeyCacheTtlMs: 0, version: "test", media: testMediaConfig() });
    expect(again.salt).toBe(s.salt);
  });

  const init: InitConfig = {
    orgId: "org-init",
    orgName: "Init Org",
    projectId: "project-init",
    projectName: "Init Project",
    projectRetentionDays: 30,
    publicKey: "pk-lf-init",
    secretKey: "sk-lf-init",
  };

  it("creates what the LANGFUSE_INIT_* variables describe, and nothing on an empty instance besides", async () => {
    const s = await freshServices("salt");
    expect(await provision(s, init, [], recordingLog())).toBeUndefined();
    const response = await projectsWith(s, "pk-lf-init", "sk-lf-init");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      data: [{ id: "project-init", name: "Init Project", organization: { id: "org-init", name: "Init Org" }, metadata: {}, retentionDays: 30 }],
    });
    expect(await s.repositories.organizations.count()).toBe(1);
  });

  it("is create-if-missing: a rerun with other names or another secret changes nothing", async () => {
    const s = await freshServices("salt");
    await provision(s, init, [], recordingLog());
    await provision(s, { ...init, orgName: "Renamed", projectName: "Renamed", secretKey: "sk-lf-other" }, [], recordingLog());
    expect((await s.repositories.organizations.findById("org-init"))?.name).toBe("Init Org");
    expect((await s.repositories.projects.findById("project-init"))?.name).toBe("Init Project");
    expect((await projectsWith(s, "pk-lf-init", "sk-lf-init")).statusCode).toBe(200);
    expect((await projectsWith(s, "pk-lf-init", "sk-lf-other")).statusCode).toBe(401);
  });

  it("moves a key that belongs to another project into the init project", async () => {
    const s = await freshServices("salt");
    await provision(s, init, [], recordingLog());
    const log = recordingLog();
    await provision(s, { ...init, projectId: "project-second" }, [], log);
    const response = await projectsWith(s, "pk-lf-init", "sk-lf-init");
    expect(response.json().data[0].id).toBe("project-second");
    expect(log.lines).toContain("info: Moved API key pk-lf-init to project project-second");
  });

  it("warns and creates no key when only one half of the pair is set", async () => {
    const s = await freshServices("salt");
    const log = recordingLog();
    await provision(s, { ...init, secretKey: undefined }, [], log);
    expect(await s.repositories.apiKeys.findByPublicKey("pk-lf-init")).toBeUndefined();
    expect(log.lines.some((line) => line.startsWith("warn: LANGFUSE_INIT_PROJECT_PUBLIC_KEY and LANGFUSE_INIT_PROJECT_SECRET_KEY"))).toBe(true);
  });

  it("names the init variables it ignores", async () => {
    const s = await freshServices("salt");
    const log = recordingLog();
    await provision(s, undefined, ["LANGFUSE_INIT_PROJECT_ID"], log);
    expect(log.lines).toContain("warn: Ignoring LANGFUSE_INIT_PROJECT_ID: LANGFUSE_INIT_ORG_ID is not set");
  });
});
