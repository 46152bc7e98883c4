import type { LoggedEvent } from "../events.ts";

const isCreate = (type: string) => type.endsWith("-create");

function compare(a: LoggedEvent, b: LoggedEvent): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  if (isCreate(a.type) !== isCreate(b.type)) return isCreate(a.type) ? -1 : 1;
  if (a.eventId !== b.eventId) return a.eventId < b.eventId ? -1 : 1;
  return 0;
}

/**
 * The events of one entity in fold order: envelope timestamp, creates before updates at equal
 * times, then event id so the order never depends on arrival. The same event delivered twice
 * (same id and content) counts once, which is what makes a repeated batch a no-op.
 */
export function foldOrder(events: LoggedEvent[]): LoggedEvent[] {
  const distinct = new Map<string, LoggedEvent>();
  for (const event of events) {
    const key = `${event.eventId}\u0000${event.type}\u0000${event.timestamp}\u0000${JSON.stringify(event.body)}`;
    const seen = distinct.get(key);
    if (!seen || event.receivedAt < seen.receivedAt) distinct.set(key, event);
  }
  return [...distinct.values()].sort((a, b) => compare(a, b) || (JSON.stringify(a.body) < JSON.stringify(b.body) ? -1 : 1));
}

/** First-seen and last-seen times of the set, as stored in `created_at`/`updated_at`. */
export function seenTimes(events: LoggedEvent[]): { created_at: string; updated_at: string } {
  const times = events.map((event) => event.receivedAt);
  return { created_at: new Date(Math.min(...times)).toISOString(), updated_at: new Date(Math.max(...times)).toISOString() };
}
