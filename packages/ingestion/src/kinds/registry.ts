import type { EntityKindDefinition } from "./entity-kind.ts";
import { observationKind } from "./observation.ts";
import { scoreKind } from "./score.ts";
import { traceKind } from "./trace.ts";

/** Every kind of entity ingestion stores. */
export const ENTITY_KINDS = [traceKind, observationKind, scoreKind] as const;

export type EntityKind = (typeof ENTITY_KINDS)[number]["kind"];

const BY_KIND = new Map<string, EntityKindDefinition>(ENTITY_KINDS.map((definition) => [definition.kind, definition as EntityKindDefinition]));
const BY_EVENT_TYPE = new Map<string, EntityKindDefinition>(ENTITY_KINDS.flatMap((definition) => definition.eventTypes.map((type) => [type, definition as EntityKindDefinition])));

/** The definition of a stored kind. */
export function definitionOf(kind: EntityKind): EntityKindDefinition {
  return BY_KIND.get(kind)!;
}

/** The kind an event type writes, or undefined for the types that store nothing. */
export function kindOfEventType(type: string): EntityKindDefinition | undefined {
  return BY_EVENT_TYPE.get(type);
}
