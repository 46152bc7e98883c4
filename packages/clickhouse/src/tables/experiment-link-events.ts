import type { ClickHouseClient } from "@clickhouse/client";
import { runCommand, selectRows } from "../query/statements.ts";
import { IN_PROJECT } from "../query/where.ts";
import type { RowDeletes } from "../row-deletes.ts";
import { datasetRunItems } from "./dataset-run-items.ts";
import { observations } from "./observations.ts";
import { traces } from "./traces.ts";

const TABLE = "experiment_link_events";

/** The environment of the prompt experiments the reference runs in its UI: never stamped onto a linked experiment. */
const PROMPT_EXPERIMENTS = "'langfuse-prompt-experiment'";

/** How deep below a linked observation its descendants are looked for; also what ends a parent cycle. */
const MAX_LINK_DEPTH = 100;

const OF_TRACES = `${IN_PROJECT} AND trace_id IN {traceIds:Array(String)}`;

/**
 * The experiment events of the traces `{traceIds}`, derived from their run items as the
 * reference's backfill stamps them onto its events (prompts-datasets.md §3.1):
 * - a trace is taken once per linked observation (or per link to the whole trace), by its earliest
 *   run item, and only when no span of it carried experiment attributes of its own (the SDK
 *   experiment runners write run items for the items they trace over OTLP too);
 * - a link to a trace makes the trace the item root, as a span `t-<traceId>` with the trace's
 *   start, input, output and metadata, and every observation of the trace an event of the item;
 * - a link to an observation makes it the item root, and its descendants events of the item.
 * The run item's snapshots of its run and dataset item give the experiment columns.
 */
const DERIVED_EVENTS = `
  WITH RECURSIVE
    links AS (
      SELECT trace_id, ifNull(observation_id, '') AS linked_id,
             dataset_run_id, dataset_run_name, dataset_run_description, dataset_run_metadata, dataset_id,
             dataset_item_id, dataset_item_version, dataset_item_expected_output, dataset_item_metadata, inserted_at
      FROM ${datasetRunItems.name}
      WHERE ${OF_TRACES}
        AND trace_id NOT IN (SELECT trace_id FROM ${observations.name} WHERE ${OF_TRACES} AND experiment_id != '')
      ORDER BY created_at, inserted_at
      LIMIT 1 BY trace_id, linked_id
    ),
    spans AS (
      SELECT id, trace_id, parent_observation_id, start_time, end_time, level, environment, input, output, metadata, created_at, merge_version
      FROM ${observations.name}
      WHERE ${OF_TRACES}
      ORDER BY merge_version DESC, updated_at DESC
      LIMIT 1 BY id
    ),
    linked_spans AS (
      SELECT trace_id, id AS linked_id, id AS root_id, id AS span_id, 0 AS depth
      FROM spans
      WHERE (trace_id, id) IN (SELECT trace_id, linked_id FROM links WHERE linked_id != '')
      UNION ALL
      SELECT spans.trace_id, linked_spans.linked_id, linked_spans.root_id, spans.id, linked_spans.depth + 1
      FROM spans INNER JOIN linked_spans ON spans.trace_id = linked_spans.trace_id AND spans.parent_observation_id = linked_spans.span_id
      WHERE linked_spans.depth < ${MAX_LINK_DEPTH}
    ),
    members AS (
      SELECT trace_id, linked_id, root_id, span_id FROM linked_spans
      UNION ALL
      SELECT trace_id, '' AS linked_id, concat('t-', trace_id) AS root_id, id AS span_id
      FROM spans
      WHERE trace_id IN (SELECT trace_id FROM links WHERE linked_id = '')
    ),
    trace_spans AS (
      SELECT concat('t-', id) AS span_id, id AS trace_id, timestamp AS start_time, CAST(NULL AS Nullable(DateTime64(3, 'UTC'))) AS end_time,
             'DEFAULT' AS level, environment, input, output, metadata, created_at, merge_version
      FROM ${traces.name}
      WHERE ${IN_PROJECT} AND id IN (SELECT trace_id FROM links WHERE linked_id = '')
      ORDER BY merge_version DESC, updated_at DESC
      LIMIT 1 BY trace_id
    ),
    events AS (
      SELECT trace_spans.*, '' AS linked_id, trace_spans.span_id AS root_id FROM trace_spans
      UNION ALL
      SELECT spans.id AS span_id, spans.trace_id, spans.start_time, spans.end_time, spans.level, spans.environment, spans.input, spans.output,
             spans.metadata, spans.created_at, spans.merge_version, members.linked_id, members.root_id
      FROM spans INNER JOIN members ON spans.trace_id = members.trace_id AND spans.id = members.span_id
    )
  SELECT {projectId:String} AS project_id, events.span_id AS id, events.trace_id AS trace_id, events.start_time AS start_time,
         events.end_time AS end_time, events.level AS level, events.environment AS environment, events.input AS input,
         events.output AS output, events.metadata AS metadata,
         greatest(events.created_at, toDateTime64(links.inserted_at, 3, 'UTC')) AS created_at, events.merge_version AS merge_version,
         links.dataset_run_id AS experiment_id, links.dataset_run_name AS experiment_name,
         ifNull(links.dataset_run_description, '') AS experiment_description, links.dataset_id AS experiment_dataset_id,
         links.dataset_item_id AS experiment_item_id, events.root_id AS experiment_item_root_span_id,
         links.dataset_item_version AS experiment_item_version,
         ifNull(links.dataset_item_expected_output, '') AS experiment_item_expected_output,
         mapKeys(links.dataset_run_metadata) AS experiment_metadata_names, mapValues(links.dataset_run_metadata) AS experiment_metadata_values,
         mapKeys(links.dataset_item_metadata) AS experiment_item_metadata_names, mapValues(links.dataset_item_metadata) AS experiment_item_metadata_values
  FROM events INNER JOIN links ON events.trace_id = links.trace_id AND events.linked_id = links.linked_id
  WHERE events.environment != ${PROMPT_EXPERIMENTS}`;

/** How many traces one derivation statement takes at most, so that its sets stay small. */
const TRACES_PER_STATEMENT = 1000;

/**
 * `experiment_link_events` (0009_experiment_link_events.sql): the experiment events of traces
 * linked by run items alone, sorted as `observations` is, so the experiments API reads both alike.
 * Its rows are derived state: `refresh` derives a trace's rows again from its spans and run items.
 */
export const experimentLinkEvents = {
  name: TABLE,
  sortKey: observations.sortKey,

  /**
   * Derives the rows of these traces again: those with run items get rows from their current
   * spans and links, and rows of the others (their run deleted) go. Costs one indexed lookup when
   * none of the traces is linked, which is the case of every write of ordinary traffic. Callers
   * order refreshes of one project, so that an older derivation never lands after a newer one.
   */
  async refresh(client: ClickHouseClient, deletes: RowDeletes, projectId: string, traceIds: readonly string[]): Promise<void> {
    for (let start = 0; start < traceIds.length; start += TRACES_PER_STATEMENT) {
      const chunk = traceIds.slice(start, start + TRACES_PER_STATEMENT);
      const found = await selectRows<{ trace_id: string; linked: number | string }>(client, {
        name: `${TABLE}.of-traces`,
        sql: `SELECT trace_id, 1 AS linked FROM ${datasetRunItems.name} WHERE ${OF_TRACES}
              UNION DISTINCT
              SELECT trace_id, 0 AS linked FROM ${TABLE} WHERE ${OF_TRACES}`,
        params: { projectId, traceIds: chunk },
      });
      const derived = [...new Set(found.filter((row) => Number(row.linked) === 0).map((row) => row.trace_id))];
      const linked = [...new Set(found.filter((row) => Number(row.linked) === 1).map((row) => row.trace_id))];
      if (derived.length > 0) await experimentLinkEvents.deleteOfTraces(deletes, projectId, derived);
      if (linked.length > 0) {
        await runCommand(client, {
          name: `${TABLE}.derive`,
          sql: `INSERT INTO ${TABLE} SELECT * FROM (${DERIVED_EVENTS})`,
          params: { projectId, traceIds: linked },
        });
      }
    }
  },

  /** The traces of a project that run items link, for deriving their rows anew (`refresh`). */
  linkedTraces: async (client: ClickHouseClient, projectId: string): Promise<string[]> => {
    const rows = await selectRows<{ trace_id: string }>(client, {
      name: `${TABLE}.linked-traces`,
      sql: `SELECT DISTINCT trace_id FROM ${datasetRunItems.name} WHERE ${IN_PROJECT}`,
      params: { projectId },
    });
    return rows.map((row) => row.trace_id);
  },

  /** The projects that have run items, or rows derived from run items since deleted. */
  linkedProjects: async (client: ClickHouseClient): Promise<string[]> => {
    const rows = await selectRows<{ project_id: string }>(client, {
      name: `${TABLE}.linked-projects`,
      sql: `SELECT DISTINCT project_id FROM ${datasetRunItems.name} UNION DISTINCT SELECT DISTINCT project_id FROM ${TABLE}`,
      params: {},
    });
    return rows.map((row) => row.project_id);
  },

  /** Deletes the rows of these traces. */
  deleteOfTraces: (deletes: RowDeletes, projectId: string, traceIds: readonly string[]) => deletes.delete(`${TABLE}.delete-of-traces`, TABLE, OF_TRACES, { projectId, traceIds }),
};
