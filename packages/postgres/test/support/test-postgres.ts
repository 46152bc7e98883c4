import { randomBytes, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { inject } from "vitest";
import { OrganizationRepository, openPostgres, ProjectRepository, type PostgresStore } from "../../src/index.ts";

export type PostgresMode = "embedded" | "server";

/** Embedded always; the Postgres server too when DATABASE_URL names one (CI sets it). */
export function postgresModes(): PostgresMode[] {
  return process.env.DATABASE_URL ? ["embedded", "server"] : ["embedded"];
}

async function runOnServer(serverUrl: string, statement: string): Promise<void> {
  const admin = await openPostgres({ kind: "server", url: serverUrl, poolSize: 1 });
  try {
    await admin.execute(statement);
  } finally {
    await admin.close();
  }
}

/**
 * A fresh, migrated Postgres with the managed models, copied from the template the run's global
 * setup made once: a PGlite loaded from its tarball, or a server database cloned from the template
 * database and dropped on close.
 */
export async function openTestPostgres(mode: PostgresMode): Promise<PostgresStore> {
  if (mode === "embedded") {
    const tarball = await readFile(inject("pgliteTemplate"));
    return openPostgres({ kind: "embedded", loadDataDir: new Blob([tarball]) });
  }
  const template = inject("postgresTemplateDatabase");
  if (!template) throw new Error("DATABASE_URL was set after the global setup ran");
  return newServerDatabase(template);
}

/**
 * A new database on the server DATABASE_URL names, dropped on close: a copy of `template`, or
 * empty (not even migrated) without one.
 */
export async function newServerDatabase(template?: string): Promise<PostgresStore> {
  const serverUrl = process.env.DATABASE_URL!;
  const database = `wick_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await runOnServer(serverUrl, `CREATE DATABASE ${database}${template ? ` TEMPLATE ${template}` : ""}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const store = await openPostgres({ kind: "server", url: url.toString() });
  return {
    ...store,
    close: async () => {
      await store.close();
      await runOnServer(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    },
  };
}

/** A new project in a new organization, for tests that need rows to belong somewhere; returns its id. */
export async function newTestProject(store: PostgresStore, name = "test"): Promise<string> {
  const orgId = `org-${randomUUID()}`;
  await new OrganizationRepository(store.db).create({ id: orgId, name });
  return (await new ProjectRepository(store.db).create({ id: `project-${randomUUID()}`, orgId, name })).id;
}
