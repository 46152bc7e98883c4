import type { ClickHouseClient } from "@clickhouse/client";
import { isoFromClickHouse, selectRows } from "@wick/clickhouse";
import type { Experiment, ExperimentsQuery } from "@wick/contracts";
import { decodeCursor, encodeCursor, type ExperimentCursor } from "./cursor.ts";
import { EXPERIMENT_EVENTS, type EventColumn, eventsInWindow, experimentEvents, metadataMap } from "./events.ts";
import { EXPERIMENT_FILTER_COLUMNS, addExperimentFilters } from "./filters.ts";
import { pageExperiments } from "./experiment-page.ts";
import { experimentScores } from "./scores.ts";

interface DetailRow {
  experiment_id: string;
  name: string;
  description: string;
  first_start: string;
  last_end: string;
  item_count: number | string;
  dataset_id: string;
  metadata_names: string[];
  metadata_values: string[];
  last_trace_id: string;
  last_id: string;
}

/**
 * `GET /api/public/experiments`: the experiments with an event in the window, newest latest event
 * first, each once, with aggregates over their events in the window.
 *
 * The page is picked first (`pageExperiments`, reading only start times and experiment ids of the
 * newest events); then one statement reads the wider columns for the page's experiments alone,
 * which the `experiment_id` set index narrows to the granules holding them.
 */
export async function listExperiments(client: ClickHouseClient, projectId: string, query: ExperimentsQuery): Promise<{ data: Experiment[]; cursor?: string }> {
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
  const where = eventsInWindow(projectId, query);
  addExperimentFilters(where, EXPERIMENT_FILTER_COLUMNS, { id: query.id, name: query.name, datasetId: query.datasetId }, query.filter);
  const asOf = cursor?.asOf ?? new Date().toISOString();
  const page = await pageExperiments(client, where, query.fromStartTime, cursor, query.limit + 1);
  const shown = page.slice(0, query.limit);
  if (shown.length === 0) return { data: [] };

  const ids = shown.map((row) => row.experiment_id);
  const withMetadata = query.fields.has("metadata");
  const detailColumns: EventColumn[] = ["trace_id", "end_time", "experiment_description"];
  if (withMetadata) detailColumns.push("experiment_metadata_names", "experiment_metadata_values");
  const details = await selectRows<DetailRow>(client, {
    name: "observations.experiments-details",
    sql: `SELECT experiment_id,
                 anyIf(experiment_name, experiment_name != '') AS name,
                 anyIf(experiment_description, experiment_description != '') AS description,
                 min(start_time) AS first_start,
                 max(greatest(start_time, ifNull(end_time, start_time))) AS last_end,
                 uniqExactIf(id, ${EXPERIMENT_EVENTS.isItemRoot}) AS item_count,
                 anyIf(experiment_dataset_id, experiment_dataset_id != '') AS dataset_id,
                 ${withMetadata ? "anyIf(experiment_metadata_names, notEmpty(experiment_metadata_names))" : "[]"} AS metadata_names,
                 ${withMetadata ? "anyIf(experiment_metadata_values, notEmpty(experiment_metadata_names))" : "[]"} AS metadata_values,
                 argMax(trace_id, (start_time, id)) AS last_trace_id,
                 max((start_time, id)).2 AS last_id
          FROM ${experimentEvents.from(detailColumns, `${where} AND experiment_id IN {pageIds:Array(String)}`)}
          GROUP BY experiment_id`,
    params: { ...where.params, pageIds: ids },
  });
  const byId = new Map(details.map((row) => [row.experiment_id, row]));
  const rows = shown.map((row) => byId.get(row.experiment_id)).filter((row): row is DetailRow => row !== undefined);
  const scores = query.fields.has("scores") ? await experimentScores(client, projectId, rows, query.scoreLimit) : undefined;

  const data = rows.map(
    (row): Experiment => ({
      id: row.experiment_id,
      name: row.name,
      description: row.description,
      startTime: isoFromClickHouse(row.first_start),
      endTime: isoFromClickHouse(row.last_end),
      itemCount: Number(row.item_count),
      datasetId: row.dataset_id === "" ? null : row.dataset_id,
      ...(withMetadata ? { metadata: metadataMap(row.metadata_names, row.metadata_values) } : {}),
      ...(scores ? { scores: scores.get(row.experiment_id) ?? [] } : {}),
    }),
  );
  if (page.length <= query.limit) return { data };
  const last = shown.at(-1)!;
  const lastDetails = byId.get(last.experiment_id);
  const next: ExperimentCursor = {
    v: 1,
    lastTime: isoFromClickHouse(last.latest),
    lastTraceId: lastDetails?.last_trace_id ?? "",
    lastId: lastDetails?.last_id ?? "",
    lastExperimentId: last.experiment_id,
    asOf,
  };
  return { data, cursor: encodeCursor(next) };
}
