import { clickHouseInstant, DATETIME64, experimentLinkEvents, observations, Where } from "@wick/clickhouse";

/**
 * The experiment events: what both endpoints read, and the one place that says where experiment
 * data comes from. There are two sources, read as one:
 * - spans that carried `langfuse.experiment.*` attributes (the OTLP path stores them in the
 *   observation's `experiment_*` columns);
 * - traces and observations linked to dataset items by run items created through the API (older
 *   SDKs' `item.link`, scripts), so that such a run is an experiment too; their events are derived
 *   when the spans or links change (`experimentLinkEvents` in @wick/clickhouse).
 */
export const EXPERIMENT_EVENTS = {
  /** A row is an event of some experiment. */
  isEvent: "experiment_id != ''",
  /** A row is the span that stands for an experiment item (the SDK names it on every span of the item). */
  isItemRoot: "experiment_item_id != '' AND id = experiment_item_root_span_id",
} as const;

/** The columns of an experiment event; both sources give each of them. */
export type EventColumn =
  | "project_id"
  | "id"
  | "trace_id"
  | "start_time"
  | "end_time"
  | "level"
  | "environment"
  | "input"
  | "output"
  | "metadata"
  | "created_at"
  | "merge_version"
  | "experiment_id"
  | "experiment_name"
  | "experiment_description"
  | "experiment_dataset_id"
  | "experiment_item_id"
  | "experiment_item_root_span_id"
  | "experiment_item_version"
  | "experiment_item_expected_output"
  | "experiment_metadata_names"
  | "experiment_metadata_values"
  | "experiment_item_metadata_names"
  | "experiment_item_metadata_values";

/** The columns any experiment condition may name: the window, the filters and the item-root test. */
const CONDITION_COLUMNS: readonly EventColumn[] = [
  "project_id",
  "id",
  "start_time",
  "experiment_id",
  "experiment_name",
  "experiment_dataset_id",
  "experiment_item_id",
  "experiment_item_root_span_id",
];

/**
 * The experiment events of a project as one request reads them: the spans' own, and those derived
 * from run items (`experiment_link_events`), in one sort order.
 */
export const experimentEvents = {
  /**
   * The experiment events that satisfy `condition`, as a FROM target with `columns` (and those
   * the condition names). The condition is applied inside each source, so each table's sort key
   * and indexes narrow its read as they would a plain read of it; `perSource` (an ORDER BY and
   * LIMIT) likewise bounds each source before the union is ordered.
   */
  from(columns: readonly EventColumn[], condition: string, perSource = ""): string {
    const selected = [...new Set([...columns, ...CONDITION_COLUMNS])].join(", ");
    return `(
      SELECT ${selected} FROM ${observations.name} WHERE ${condition} ${perSource}
      UNION ALL
      SELECT ${selected} FROM ${experimentLinkEvents.name} WHERE ${condition} ${perSource}
    )`;
  },
};

export interface EventWindow {
  fromStartTime: string;
  toStartTime?: string;
}

/**
 * The experiment events of a project that start inside the window. The bounds are typed instants,
 * so the sort key (`start_time` first after the project) narrows the scan to the window's granules.
 */
export function eventsInWindow(projectId: string, window: EventWindow): Where {
  const where = new Where(projectId).add(EXPERIMENT_EVENTS.isEvent);
  where.add(`start_time >= {windowFrom:${DATETIME64}}`, { windowFrom: clickHouseInstant(new Date(window.fromStartTime)) });
  if (window.toStartTime) where.add(`start_time < {windowTo:${DATETIME64}}`, { windowTo: clickHouseInstant(new Date(window.toStartTime)) });
  return where;
}

/** A string map from the parallel name and value arrays the experiment metadata is stored in, null when empty. */
export function metadataMap(names: string[], values: string[]): Record<string, string> | null {
  if (names.length === 0) return null;
  const map: Record<string, string> = Object.create(null);
  names.forEach((name, index) => {
    map[name] = values[index] ?? "";
  });
  return map;
}
