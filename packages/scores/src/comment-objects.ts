import type { ClickHouseClient } from "@clickhouse/client";
import { IN_PROJECT, observations, selectRows, traces } from "@wick/clickhouse";
import { and, eq } from "drizzle-orm";
import type { CommentObjectType } from "@wick/contracts";
import { prompts, type Database } from "@wick/postgres";

/** How to find each kind of object in ClickHouse: a trace or observation by id, a session by any trace naming it. */
const anyRow = (table: string, column: string) => `SELECT 1 FROM ${table} WHERE ${IN_PROJECT} AND ${column} = {objectId:String} LIMIT 1`;
const TRACING_LOOKUPS: Record<Exclude<CommentObjectType, "PROMPT">, string> = {
  TRACE: anyRow(traces.name, "id"),
  OBSERVATION: anyRow(observations.name, "id"),
  SESSION: anyRow(traces.name, "session_id"),
};

/** Whether the object a comment is about exists in the project; a prompt is one version's row id. */
export async function commentObjectExists(
  stores: { db: Database; clickhouse: ClickHouseClient },
  projectId: string,
  objectType: CommentObjectType,
  objectId: string,
): Promise<boolean> {
  if (objectType === "PROMPT") {
    const [row] = await stores.db
      .select({ id: prompts.id })
      .from(prompts)
      .where(and(eq(prompts.projectId, projectId), eq(prompts.id, objectId)));
    return row !== undefined;
  }
  const found = await selectRows(stores.clickhouse, { name: `comments.${objectType.toLowerCase()}-exists`, sql: TRACING_LOOKUPS[objectType], params: { projectId, objectId } });
  return found.length > 0;
}
