import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { availableReferenceDir, referenceMissingMessage } from "@wick/conformance";
import { ModelRepository } from "@wick/models";
import { migratePostgres, openPostgres } from "@wick/postgres";
import { createTemplateDatabase, dropDatabase } from "./postgres-server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated PGlite data directory with the default models, as a tarball; each test loads a copy instead of running initdb. */
    pgliteTemplate: string;
    /** On a Postgres server (DATABASE_URL): a migrated database to clone per test file. */
    postgresTemplateDatabase: string | null;
    /** A directory removed after the run, for data that test processes leave behind (chDB directories). */
    scratchDir: string;
  }
}

/** Runs once per `vitest run`: pays PGlite's initdb and the migrations a single time. */
export default async function setup(project: TestProject) {
  if (availableReferenceDir() === null) {
    process.stdout.write(`\nReference checks skipped: ${referenceMissingMessage()}. Every other check runs.\n\n`);
  }
  const dir = await mkdtemp(join(tmpdir(), "wick-test-"));
  const pglite = await openPostgres({ kind: "embedded" });
  await migratePostgres(pglite);
  await new ModelRepository(pglite.db).syncManaged();
  const tarball = join(dir, "pglite-template.tar");
  await writeFile(tarball, Buffer.from(await (await pglite.dumpDataDir!()).arrayBuffer()));
  await pglite.close();
  project.provide("pgliteTemplate", tarball);
  project.provide("scratchDir", dir);

  const serverUrl = process.env.DATABASE_URL;
  const templateDatabase = serverUrl ? await createTemplateDatabase(serverUrl) : null;
  project.provide("postgresTemplateDatabase", templateDatabase);

  return async () => {
    if (serverUrl && templateDatabase) await dropDatabase(serverUrl, templateDatabase);
    await rm(dir, { recursive: true, force: true });
  };
}
