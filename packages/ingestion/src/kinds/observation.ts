import { randomUUID } from "node:crypto";
import { observations } from "@wick/clickhouse";
import { OBSERVATION_EVENT_TYPES, type IngestionEvent } from "@wick/contracts";
import { normalizeEnvironment } from "../environment.ts";
import { foldObservation, type FoldedObservation } from "../fold/observation.ts";
import { metadataObject } from "../json-values.ts";
import { providedCostDetails, providedUsageDetails } from "../usage.ts";
import { sentFields, type EntityKindDefinition } from "./entity-kind.ts";

const OMITTED = new Set(["usage", "usageDetails", "costDetails", "environment", "type"]);
const LEGACY_TYPES = ["observation-create", "observation-update"] as const;
const TYPED = Object.keys(OBSERVATION_EVENT_TYPES) as Array<keyof typeof OBSERVATION_EVENT_TYPES>;

type ObservationEvent = Extract<IngestionEvent, { type: keyof typeof OBSERVATION_EVENT_TYPES | (typeof LEGACY_TYPES)[number] }>;

function observationBody(event: ObservationEvent, type: string, environment: string) {
  const body = event.body as Record<string, unknown> & {
    traceId?: string | null;
    startTime?: string | null;
    metadata?: unknown;
    usage?: Parameters<typeof providedUsageDetails>[0];
    usageDetails?: Record<string, number>;
    costDetails?: Record<string, number>;
  };
  return {
    ...sentFields(body, OMITTED),
    type,
    environment,
    // Assigned once here and kept in the raw log, so every later fold sees the same trace id.
    traceId: body.traceId ?? randomUUID(),
    startTime: body.startTime ?? event.timestamp,
    metadata: metadataObject(body.metadata),
    providedUsageDetails: providedUsageDetails(body.usage, body.usageDetails),
    providedCostDetails: providedCostDetails(body.usage, body.costDetails),
  };
}

const isLegacy = (event: ObservationEvent): event is Extract<ObservationEvent, { type: (typeof LEGACY_TYPES)[number] }> => (LEGACY_TYPES as readonly string[]).includes(event.type);

/**
 * Spans, generations, events and the other observation types share one kind: their event types
 * differ in the observation type they store. The legacy `observation-*` events name the type in
 * their body and keep the default environment.
 */
export const observationKind: EntityKindDefinition<"observation", FoldedObservation> = {
  kind: "observation",
  eventTypes: [...TYPED, ...LEGACY_TYPES],
  table: observations,
  normalize(event, envelope) {
    const observation = event as ObservationEvent;
    if (!observation.body.id) return undefined;
    const body = isLegacy(observation)
      ? observationBody(observation, observation.body.type, "default")
      : observationBody(observation, OBSERVATION_EVENT_TYPES[observation.type], normalizeEnvironment(observation.body.environment));
    return { entityId: observation.body.id, event: { ...envelope, body } };
  },
  fold: (projectId, entityId, events) => foldObservation(projectId, entityId, events),
};
