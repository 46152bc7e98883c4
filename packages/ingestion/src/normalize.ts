import { randomUUID } from "node:crypto";
import { OBSERVATION_EVENT_TYPES, type IngestionEvent } from "@wick/contracts";
import { normalizeEnvironment } from "./environment.ts";
import type { EntityKind, NormalizedEvent } from "./events.ts";
import { metadataObject } from "./json-values.ts";
import { providedCostDetails, providedUsageDetails } from "./usage.ts";

export interface NormalizedEntityEvent {
  kind: EntityKind;
  entityId: string;
  event: NormalizedEvent;
}

/** Copies the keys that were sent (including explicit nulls); absent keys stay absent. */
function sentFields(body: Record<string, unknown>, omit: ReadonlySet<string>): Record<string, unknown> {
  const sent: Record<string, unknown> = {};
  for (const key in body) {
    if (body[key] !== undefined && !omit.has(key)) sent[key] = body[key];
  }
  return sent;
}

const OBSERVATION_OMITTED = new Set(["usage", "usageDetails", "costDetails", "environment", "type"]);
const TRACE_OMITTED = new Set(["environment", "externalId"]);
const SCORE_OMITTED = new Set(["environment", "dataType", "source"]);

function observationBody(event: Extract<IngestionEvent, { body: { id: unknown; traceId?: unknown } }>, type: string, environment: string) {
  const body = event.body as Record<string, unknown> & {
    usage?: Parameters<typeof providedUsageDetails>[0];
    usageDetails?: Record<string, number>;
    costDetails?: Record<string, number>;
  };
  return {
    ...sentFields(body, OBSERVATION_OMITTED),
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

/**
 * Turns a validated event into the entity event that is logged and folded. Returns undefined for
 * events that are acknowledged but store nothing: SDK logs, and bodies without an id where the
 * reference tolerates that (traces, scores, legacy observations).
 */
export function normalizeEvent(event: IngestionEvent): NormalizedEntityEvent | undefined {
  const envelope = { eventId: event.id, type: event.type, timestamp: event.timestamp };
  switch (event.type) {
    case "sdk-log":
    case "dataset-run-item-create":
      return undefined;
    case "trace-create": {
      const { body } = event;
      if (!body.id) return undefined;
      return {
        kind: "trace",
        entityId: body.id,
        event: {
          ...envelope,
          body: {
            ...sentFields(body, TRACE_OMITTED),
            environment: normalizeEnvironment(body.environment),
            timestamp: body.timestamp ?? event.timestamp,
            metadata: metadataObject(body.metadata),
          },
        },
      };
    }
    case "score-create": {
      const { body } = event;
      if (!body.id) return undefined;
      const dataType = body.dataType ?? (typeof body.value === "number" ? "NUMERIC" : "CATEGORICAL");
      return {
        kind: "score",
        entityId: body.id,
        event: {
          ...envelope,
          body: {
            ...sentFields(body, SCORE_OMITTED),
            dataType,
            name: dataType === "CORRECTION" ? "output" : body.name,
            source: body.source ?? "API",
            environment: normalizeEnvironment(body.environment),
            metadata: metadataObject(body.metadata),
          },
        },
      };
    }
    case "observation-create":
    case "observation-update": {
      if (!event.body.id) return undefined;
      return {
        kind: "observation",
        entityId: event.body.id,
        event: { ...envelope, body: observationBody(event as never, event.body.type, "default") },
      };
    }
    default: {
      const type = OBSERVATION_EVENT_TYPES[event.type];
      return {
        kind: "observation",
        entityId: event.body.id,
        event: { ...envelope, body: observationBody(event as never, type, normalizeEnvironment(event.body.environment)) },
      };
    }
  }
}
