import type { IngestionEvent } from "@wick/contracts";
import type { NormalizedEvent } from "./events.ts";
import { kindOfEventType, type EntityKind } from "./kinds/registry.ts";

export interface NormalizedEntityEvent {
  kind: EntityKind;
  entityId: string;
  event: NormalizedEvent;
}

/**
 * Turns a validated event into the entity event that is logged and folded, by the kind its type
 * writes. Returns undefined for events that are acknowledged but store nothing: SDK logs, and
 * bodies without an id where the reference tolerates that (traces, scores, legacy observations).
 */
export function normalizeEvent(event: IngestionEvent): NormalizedEntityEvent | undefined {
  const definition = kindOfEventType(event.type);
  const normalized = definition?.normalize(event, { eventId: event.id, type: event.type, timestamp: event.timestamp });
  return normalized && { kind: definition!.kind as EntityKind, ...normalized };
}
