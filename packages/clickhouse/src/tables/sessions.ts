import type { ClickHouseClient } from "@clickhouse/client";
import { insertRows } from "../query/statements.ts";

/** A session as first seen on a trace. */
export interface SessionRow {
  project_id: string;
  id: string;
  created_at: string;
  environment: string;
}

/**
 * Sorted by (project_id, id), 0002_sessions.sql. Its ReplacingMergeTree version grows as
 * `created_at` gets earlier, so a session's current row, read FINAL, is its earliest sighting
 * whatever the order traces arrived in.
 */
export const sessions = {
  name: "sessions",
  final: () => "sessions FINAL",
  insert: (client: ClickHouseClient, rows: readonly SessionRow[]) => insertRows(client, "sessions.insert", "sessions", rows),
};
