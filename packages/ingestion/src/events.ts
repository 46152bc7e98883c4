import type { EntityKind } from "./kinds/registry.ts";

export type { EntityKind };

/**
 * One accepted event, normalised at acknowledgement (environment, usage maps, defaults such as a
 * generated trace id), so that folding it again later always gives the same result.
 */
export interface NormalizedEvent {
  eventId: string;
  type: string;
  /** The envelope timestamp (ISO 8601, UTC, milliseconds): the order in which events fold. */
  timestamp: string;
  body: Record<string, unknown>;
}

export interface Attribution {
  publicKey: string;
  sdkName: string;
  sdkVersion: string;
}

/** An event ready to be written: which entity of which project it describes. */
export interface EntityEvent {
  projectId: string;
  kind: EntityKind;
  entityId: string;
  event: NormalizedEvent;
  attribution: Attribution;
}

/** An event as read back from the raw log, with the time this server first stored it. */
export interface LoggedEvent extends NormalizedEvent {
  receivedAt: number;
  /** Who sent it, as the log records it; absent where events are folded without the log. */
  attribution?: Attribution;
}
