import { MergedTable } from "./merged-table.ts";
import type { AsRead, MergeMeta } from "./rows.ts";

export interface TraceRow extends MergeMeta {
  timestamp: string;
  name: string | null;
  user_id: string | null;
  session_id: string | null;
  release: string | null;
  version: string | null;
  environment: string;
  public: boolean;
  bookmarked: boolean;
  tags: string[];
  metadata: Record<string, string>;
  input: string | null;
  output: string | null;
}

export type StoredTrace = AsRead<TraceRow>;

/** Sorted by (project_id, timestamp, id), partitioned by month of `timestamp` (0001_tracing.sql). */
export const traces = new MergedTable({ name: "traces", time: "timestamp", traceColumn: "id", traceHashInKey: false });
