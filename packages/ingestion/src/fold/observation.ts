import type { LoggedEvent } from "../events.ts";
import { deepMerge, isTruthy, storedMetadata, storedText, type JsonObject } from "../json-values.ts";
import type { ObservationRow } from "@wick/clickhouse";
import { foldOrder, seenTimes } from "./order.ts";
import { foldAttribution, foldSpanColumns } from "./span-columns.ts";

/** What pricing needs besides the row: the model parameters and metadata of the latest event that carried usage. */
export interface FoldedObservation {
  row: ObservationRow;
  tierAttributes?: { modelParameters?: JsonObject; metadata?: JsonObject };
  /** The prompt the latest event with both a name and a version names. */
  prompt?: { name: string; version: number };
}

const nonEmpty = (map: unknown): map is Record<string, number> => map !== null && typeof map === "object" && Object.keys(map).length > 0;

/** The observation described by a set of events of any observation type (ingestion rules §2.2–3.4). */
export function foldObservation(projectId: string, id: string, events: LoggedEvent[]): FoldedObservation {
  const ordered = foldOrder(events);
  const first = ordered[0]!.body;
  const row: ObservationRow = {
    project_id: projectId,
    id,
    trace_id: first.traceId as string,
    start_time: first.startTime as string,
    environment: first.environment as string,
    type: "SPAN",
    parent_observation_id: null,
    end_time: null,
    completion_start_time: null,
    name: null,
    level: "DEFAULT",
    status_message: null,
    version: null,
    metadata: {},
    input: null,
    output: null,
    provided_model_name: null,
    internal_model_id: null,
    model_parameters: null,
    provided_usage_details: {},
    usage_details: {},
    provided_cost_details: {},
    cost_details: {},
    total_cost: null,
    usage_pricing_tier_id: null,
    usage_pricing_tier_name: null,
    prompt_id: null,
    prompt_name: null,
    prompt_version: null,
    ...foldSpanColumns(ordered),
    ...foldAttribution(ordered),
    ...seenTimes(ordered),
    merge_version: ordered.length,
  };
  const folded: FoldedObservation = { row };
  let level: string | null = null;
  let metadata: unknown = {};
  let input: unknown;
  let output: unknown;
  for (const { body } of ordered) {
    row.type = body.type as string;
    // Sent as null, these clear the value; left out, they keep it.
    if ("name" in body) row.name = (body.name as string | null) ?? null;
    if ("level" in body) level = (body.level as string | null) ?? null;
    if ("model" in body) row.provided_model_name = (body.model as string | null) ?? null;
    // These cannot be cleared: null counts as not sent.
    if (body.statusMessage != null) row.status_message = body.statusMessage as string;
    if (body.parentObservationId != null) row.parent_observation_id = body.parentObservationId as string;
    if (body.version != null) row.version = body.version as string;
    if (body.endTime) row.end_time = body.endTime as string;
    if (body.completionStartTime) row.completion_start_time = body.completionStartTime as string;
    if (isTruthy(body.modelParameters)) row.model_parameters = JSON.stringify(body.modelParameters);
    const usage = body.providedUsageDetails;
    const cost = body.providedCostDetails;
    if (nonEmpty(usage)) row.provided_usage_details = usage;
    if (nonEmpty(cost)) row.provided_cost_details = cost;
    if (nonEmpty(usage) || nonEmpty(cost)) {
      folded.tierAttributes = {
        modelParameters: (body.modelParameters as JsonObject | null | undefined) ?? undefined,
        metadata: body.metadata as JsonObject,
      };
    }
    metadata = deepMerge(metadata, body.metadata);
    if (isTruthy(body.input)) input = body.input;
    if (isTruthy(body.output)) output = body.output;
    if (typeof body.promptName === "string" && typeof body.promptVersion === "number" && body.promptVersion !== 0) {
      folded.prompt = { name: body.promptName, version: body.promptVersion };
    }
  }
  row.level = level ?? "DEFAULT";
  row.metadata = storedMetadata(metadata as JsonObject);
  row.input = input === undefined ? null : storedText(input);
  row.output = output === undefined ? null : storedText(output);
  if (row.end_time !== null && row.end_time < row.start_time) row.end_time = row.start_time;
  return folded;
}
