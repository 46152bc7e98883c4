import { clickHouseInstant, DATETIME64, observations, Where } from "@wick/clickhouse";

/**
 * The experiment events: what both endpoints read, and the one place that says where experiment
 * data comes from. Today that is observation rows whose span carried `langfuse.experiment.*`
 * attributes (the OTLP path stores them in the `experiment_*` columns); a second source, such as
 * dataset run items copied onto their spans, would be added here and nowhere else.
 */
export const EXPERIMENT_EVENTS = {
  table: observations.name,
  /** A row is an event of some experiment. */
  isEvent: "experiment_id != ''",
  /** A row is the span that stands for an experiment item (the SDK names it on every span of the item). */
  isItemRoot: "experiment_item_id != '' AND id = experiment_item_root_span_id",
} as const;

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
