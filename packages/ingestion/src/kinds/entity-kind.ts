import type { IngestionEvent } from "@wick/contracts";
import type { MergedTable, MergeMeta, SessionRow } from "@wick/clickhouse";
import type { Attribution, LoggedEvent, NormalizedEvent } from "../events.ts";

/** What folding one entity gives: its row, and whatever else a later step of its kind needs. */
export interface Folded<Row extends MergeMeta = MergeMeta> {
  row: Row;
}

/**
 * Everything ingestion knows of one kind of stored entity. Adding a kind is writing one of these
 * and listing it in the registry: the batch check, the log, the merger and trace deletes go by it.
 */
export interface EntityKindDefinition<Name extends string = string, Result extends Folded = Folded> {
  readonly kind: Name;
  /** The ingestion event types that describe this kind. */
  readonly eventTypes: readonly IngestionEvent["type"][];
  /** Where its merged rows go, with their sort key and version rule. */
  readonly table: MergedTable;
  /**
   * The entity an accepted event describes and the body to log for it, normalised once so that
   * every later fold gives the same result; undefined for an event acknowledged but stored nowhere
   * (a body without an id, where the reference tolerates that).
   */
  normalize(event: IngestionEvent, envelope: Omit<NormalizedEvent, "body">): { entityId: string; event: NormalizedEvent } | undefined;
  /** The entity's current row, from every event logged for it; `attribution` is the latest event's. */
  fold(projectId: string, entityId: string, events: LoggedEvent[], attribution: Attribution): Result;
  /** The session a folded row opens, for kinds that carry one. */
  sessionOf?(row: Result["row"]): SessionRow | undefined;
}

/** Copies the keys that were sent (including explicit nulls); absent keys stay absent. */
export function sentFields(body: Record<string, unknown>, omit: ReadonlySet<string>): Record<string, unknown> {
  const sent: Record<string, unknown> = {};
  for (const key in body) {
    if (body[key] !== undefined && !omit.has(key)) sent[key] = body[key];
  }
  return sent;
}
