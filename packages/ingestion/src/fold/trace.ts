import type { LoggedEvent } from "../events.ts";
import { deepMerge, isTruthy, storedMetadata, storedText, type JsonObject } from "../json-values.ts";
import type { TraceRow } from "@wick/clickhouse";
import { foldOrder, seenTimes } from "./order.ts";

const OVERWRITTEN = { name: "name", userId: "user_id", sessionId: "session_id", release: "release", version: "version" } as const;

/** The trace described by a set of trace-create events (ingestion rules §3.2–3.6). */
export function foldTrace(projectId: string, id: string, events: LoggedEvent[]): TraceRow {
  const ordered = foldOrder(events);
  const first = ordered[0]!.body;
  const row: TraceRow = {
    project_id: projectId,
    id,
    timestamp: first.timestamp as string,
    environment: first.environment as string,
    name: null,
    user_id: null,
    session_id: null,
    release: null,
    version: null,
    public: false,
    bookmarked: false,
    tags: [],
    metadata: {},
    input: null,
    output: null,
    ...seenTimes(ordered),
    merge_version: ordered.length,
  };
  const tags = new Set<string>();
  let metadata: unknown = {};
  let input: unknown;
  let output: unknown;
  for (const { body } of ordered) {
    for (const [field, column] of Object.entries(OVERWRITTEN)) {
      if (field in body) row[column] = (body[field] as string | null) ?? null;
    }
    // Every trace event sets the flag: leaving it out means "not public".
    row.public = body.public === true;
    for (const tag of (body.tags as string[] | null | undefined) ?? []) tags.add(tag);
    metadata = deepMerge(metadata, body.metadata);
    if (isTruthy(body.input)) input = body.input;
    if (isTruthy(body.output)) output = body.output;
  }
  row.tags = [...tags].sort();
  row.metadata = storedMetadata(metadata as JsonObject);
  row.input = input === undefined ? null : storedText(input);
  row.output = output === undefined ? null : storedText(output);
  return row;
}
