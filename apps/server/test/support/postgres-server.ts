import { randomBytes } from "node:crypto";
import pg from "pg";
import { ModelRepository } from "@wick/models";
import { migratePostgres, openPostgres } from "@wick/postgres";

/** The same server URL, pointing at another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `work` on a connection of its own to `serverUrl`, closed afterwards. */
export async function admin<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const uniqueName = (prefix: string) => `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;

/** Creates a migrated database, with Wick's default models, that tests copy through `openTestPostgres` (`@wick/postgres/testing`). */
export async function createTemplateDatabase(serverUrl: string): Promise<string> {
  const name = uniqueName("wick_template");
  await admin(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const store = await openPostgres({ kind: "server", url: databaseUrl(serverUrl, name) });
  try {
    await migratePostgres(store);
    await new ModelRepository(store.db).syncManaged();
  } finally {
    await store.close();
  }
  return name;
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await admin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
