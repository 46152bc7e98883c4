import type { ClickHouseClient } from "@clickhouse/client";
import { clickHouseInstant, DATETIME64, isoFromClickHouse, observations, selectRows } from "@wick/clickhouse";
import type { ExperimentItem, ExperimentItemsQuery } from "@wick/contracts";
import { parseStoredMetadata } from "@wick/tracing-reads";
import { decodeCursor, encodeCursor, type ExperimentCursor } from "./cursor.ts";
import { EXPERIMENT_EVENTS, type EventColumn, eventsInWindow, experimentEvents, metadataMap } from "./events.ts";
import { EXPERIMENT_ITEM_FILTER_COLUMNS, addExperimentFilters } from "./filters.ts";
import { itemScores } from "./scores.ts";

interface ItemRow {
  id: string;
  trace_id: string;
  start_time: string;
  end_time: string | null;
  level: ExperimentItem["level"];
  environment: string;
  experiment_id: string;
  experiment_name: string;
  experiment_item_id: string;
  experiment_dataset_id: string;
  experiment_item_version: string | null;
  merge_version: number | string;
  input?: string | null;
  output?: string | null;
  experiment_item_expected_output?: string;
  metadata?: Record<string, string>;
  experiment_item_metadata_names?: string[];
  experiment_item_metadata_values?: string[];
  experiment_metadata_names?: string[];
  experiment_metadata_values?: string[];
  experiment_description?: string;
}

const CORE_COLUMNS: EventColumn[] = [
  "id",
  "trace_id",
  "start_time",
  "end_time",
  "level",
  "environment",
  "experiment_id",
  "experiment_name",
  "experiment_item_id",
  "experiment_dataset_id",
  "experiment_item_version",
  "merge_version",
];

/** The columns each optional group reads; the heavy ones (input, output, metadata) only when asked for. */
const GROUP_COLUMNS: Partial<Record<string, EventColumn[]>> = {
  io: ["input", "output", "experiment_item_expected_output"],
  metadata: ["metadata"],
  itemMetadata: ["experiment_item_metadata_names", "experiment_item_metadata_values"],
  experimentMetadata: ["experiment_metadata_names", "experiment_metadata_values", "experiment_description"],
};

const cursorOf = (row: ItemRow): ExperimentCursor => ({
  v: 1,
  lastTime: isoFromClickHouse(row.start_time),
  lastTraceId: row.trace_id,
  lastId: row.id,
  lastExperimentId: row.experiment_id,
});

/**
 * `GET /api/public/experiment-items`: one row per item root span starting in the window, in the
 * table's own key order reversed (start time, trace-id hash, span id), so a page reads the newest
 * granules in order and stops after the limit. A span belongs to one experiment, so the
 * reference's last tiebreak (experiment id) never decides anything.
 */
export async function listExperimentItems(client: ClickHouseClient, projectId: string, query: ExperimentItemsQuery): Promise<{ data: ExperimentItem[]; cursor?: string }> {
  let from = query.cursor ? decodeCursor(query.cursor) : undefined;
  const where = eventsInWindow(projectId, query).add(EXPERIMENT_EVENTS.isItemRoot);
  addExperimentFilters(
    where,
    EXPERIMENT_ITEM_FILTER_COLUMNS,
    { experimentId: query.experimentId, experimentName: query.experimentName, experimentItemId: query.experimentItemId, datasetId: query.datasetId },
    query.filter,
  );
  const columns = [...CORE_COLUMNS, ...[...query.fields].flatMap((group) => GROUP_COLUMNS[group] ?? [])];
  const keyOrder = `ORDER BY ${observations.keyOrder("DESC")} LIMIT {fetch:UInt32}`;

  const scan = (after: ExperimentCursor | undefined, fetch: number) =>
    selectRows<ItemRow>(client, {
      name: "observations.experiment-items-page",
      sql: `SELECT ${columns.join(", ")}
            FROM ${experimentEvents.from(
              columns,
              `${where}${
                after
                  ? ` AND start_time <= {cursorTime:${DATETIME64}}
                      AND (${observations.sortKey.join(", ")}) < ({cursorTime:${DATETIME64}}, xxHash32({cursorTraceId:String}), {cursorId:String})`
                  : ""
              }`,
              keyOrder,
            )}
            ${keyOrder}`,
      params: after
        ? { ...where.params, fetch, cursorTime: clickHouseInstant(new Date(after.lastTime)), cursorTraceId: after.lastTraceId, cursorId: after.lastId }
        : { ...where.params, fetch },
    });

  // Versions of one span share the sort key and sit side by side: keep the newest of each, then
  // drop rows some newer version (no longer an item root) has superseded, and read on past them.
  const rows: ItemRow[] = [];
  let exhausted = false;
  // One row more than the page shows, and one to spare for the span a full read may end inside.
  let fetch = query.limit + 2;
  while (rows.length <= query.limit && !exhausted) {
    const raw = await scan(from, fetch);
    exhausted = raw.length < fetch;
    // A full read may stop partway through one span's versions: that span is left to the next
    // read, which starts right after the last span kept here.
    const complete = exhausted
      ? raw
      : raw.slice(
          0,
          raw.findIndex((row) => row.id === raw.at(-1)!.id),
        );
    if (complete.length === 0) {
      fetch *= 2;
      continue;
    }
    const distinct: ItemRow[] = [];
    for (const row of complete) {
      const previous = distinct.at(-1);
      if (previous?.id !== row.id) distinct.push(row);
      else distinct[distinct.length - 1] = observations.newerOf(previous, row);
    }
    rows.push(...(await observations.keepNewest(client, projectId, distinct)));
    from = cursorOf(complete.at(-1)!);
    fetch = Math.max(2, query.limit + 2 - rows.length);
  }
  const page = rows.slice(0, query.limit);
  const scores = query.fields.has("scores") ? await itemScores(client, projectId, page, query.scoreLimit) : undefined;
  const data = page.map((row) => itemView(row, query.fields, scores));
  const last = page.at(-1);
  return rows.length > query.limit && last ? { data, cursor: encodeCursor(cursorOf(last)) } : { data };
}

function itemView(row: ItemRow, groups: ExperimentItemsQuery["fields"], scores: Map<string, ExperimentItem["scores"] & object> | undefined): ExperimentItem {
  const item: ExperimentItem = {
    id: row.id,
    traceId: row.trace_id,
    startTime: isoFromClickHouse(row.start_time),
    endTime: isoFromClickHouse(row.end_time),
    level: row.level,
    environment: row.environment,
    experimentId: row.experiment_id,
    experimentName: row.experiment_name,
    experimentItemId: row.experiment_item_id,
  };
  if (groups.has("dataset")) {
    item.experimentDatasetId = row.experiment_dataset_id === "" ? null : row.experiment_dataset_id;
    item.experimentItemVersion = isoFromClickHouse(row.experiment_item_version);
  }
  if (groups.has("io")) {
    item.input = row.input ?? null;
    item.output = row.output ?? null;
    item.expectedOutput = row.experiment_item_expected_output ?? null;
  }
  if (groups.has("metadata")) item.metadata = parseStoredMetadata(row.metadata ?? {});
  if (groups.has("itemMetadata")) item.experimentItemMetadata = metadataMap(row.experiment_item_metadata_names ?? [], row.experiment_item_metadata_values ?? []);
  if (groups.has("experimentMetadata")) {
    item.experimentMetadata = metadataMap(row.experiment_metadata_names ?? [], row.experiment_metadata_values ?? []);
    item.experimentDescription = row.experiment_description ?? null;
  }
  if (scores) {
    // Scores are fetched per trace; an item shows its trace's own scores and those of its root span only.
    item.scores = (scores.get(row.trace_id) ?? []).filter((score) => score.subject?.kind !== "observation" || score.subject.id === row.id);
  }
  return item;
}
