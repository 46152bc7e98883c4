import type { ObservationsView, ScoreV1 } from "@wick/contracts";
import { isoFromClickHouse, type StoredObservation, type StoredScore, type StoredTrace } from "@wick/clickhouse";
import { numericMap, parseStoredMetadata, parseStoredText, secondsBetween, sumWhereKeyContains } from "./values.ts";

/** Default-tier unit prices of a matched model, as the v1 observation views show them. */
export interface ModelPrices {
  input: number | null;
  output: number | null;
  total: number | null;
}

export function observationView(row: StoredObservation, prices: ModelPrices | undefined, missingPrice: 0 | null): ObservationsView {
  const usageDetails = numericMap(row.usage_details);
  const costDetails = numericMap(row.cost_details);
  const startTime = isoFromClickHouse(row.start_time);
  const endTime = isoFromClickHouse(row.end_time);
  const completionStartTime = isoFromClickHouse(row.completion_start_time);
  const input = sumWhereKeyContains(usageDetails, "input") ?? 0;
  const output = sumWhereKeyContains(usageDetails, "output") ?? 0;
  const total = usageDetails.total ?? 0;
  return {
    id: row.id,
    projectId: row.project_id,
    traceId: row.trace_id,
    type: row.type,
    name: row.name,
    startTime,
    endTime,
    completionStartTime,
    createdAt: isoFromClickHouse(row.created_at),
    updatedAt: isoFromClickHouse(row.updated_at),
    model: row.provided_model_name,
    modelParameters: parseStoredText(row.model_parameters),
    input: parseStoredText(row.input),
    output: parseStoredText(row.output),
    metadata: parseStoredMetadata(row.metadata),
    version: row.version,
    usage: { unit: "TOKENS", input, output, total },
    unit: "TOKENS",
    level: row.level as ObservationsView["level"],
    statusMessage: row.status_message,
    parentObservationId: row.parent_observation_id,
    promptId: row.prompt_id,
    promptName: row.prompt_name,
    promptVersion: row.prompt_version === null ? null : Number(row.prompt_version),
    usageDetails,
    costDetails,
    environment: row.environment,
    promptTokens: input,
    completionTokens: output,
    totalTokens: total,
    modelId: row.internal_model_id,
    inputPrice: prices?.input ?? missingPrice,
    outputPrice: prices?.output ?? missingPrice,
    totalPrice: prices?.total ?? missingPrice,
    calculatedInputCost: sumWhereKeyContains(costDetails, "input"),
    calculatedOutputCost: sumWhereKeyContains(costDetails, "output"),
    calculatedTotalCost: costDetails.total ?? 0,
    latency: secondsBetween(startTime, endTime),
    timeToFirstToken: secondsBetween(startTime, completionStartTime),
    usagePricingTierId: row.usage_pricing_tier_id,
    usagePricingTierName: row.usage_pricing_tier_name,
  };
}

/** A trace-level score in the v1 shape; session and dataset-run scores have no place there. */
export function scoreV1View(row: StoredScore): ScoreV1 {
  const dataType = row.data_type as ScoreV1["dataType"];
  return {
    id: row.id,
    projectId: row.project_id,
    traceId: row.trace_id ?? "",
    observationId: row.observation_id,
    name: row.name,
    dataType,
    ...(dataType === "TEXT" ? {} : { value: Number(row.value) }),
    ...(dataType === "NUMERIC" ? { stringValue: null } : { stringValue: row.string_value }),
    source: row.source as ScoreV1["source"],
    timestamp: isoFromClickHouse(row.timestamp),
    createdAt: isoFromClickHouse(row.created_at),
    updatedAt: isoFromClickHouse(row.updated_at),
    authorUserId: row.author_user_id,
    comment: row.comment,
    metadata: parseStoredMetadata(row.metadata),
    configId: row.config_id,
    queueId: row.queue_id,
    executionTraceId: row.execution_trace_id,
    environment: row.environment,
  };
}

export function traceCore(row: StoredTrace) {
  return {
    id: row.id,
    projectId: row.project_id,
    externalId: null,
    timestamp: isoFromClickHouse(row.timestamp),
    name: row.name,
    userId: row.user_id,
    sessionId: row.session_id,
    release: row.release,
    version: row.version,
    environment: row.environment,
    public: Boolean(row.public),
    bookmarked: Boolean(row.bookmarked),
    tags: row.tags,
    createdAt: isoFromClickHouse(row.created_at),
    updatedAt: isoFromClickHouse(row.updated_at),
    htmlPath: `/project/${row.project_id}/traces/${row.id}`,
  };
}

export function traceIo(row: StoredTrace) {
  return { input: parseStoredText(row.input), output: parseStoredText(row.output), metadata: parseStoredMetadata(row.metadata) };
}
