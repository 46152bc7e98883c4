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
  if (events.length < 2) return events;
  const distinct = new Map<string, { event: LoggedEvent; body: string }>();
  for (const event of events) {
    const body = JSON.stringify(event.body);
    const key = `${event.eventId}\u0000${event.type}\u0000${event.timestamp}\u0000${body}`;
    const seen = distinct.get(key);
    if (!seen || event.receivedAt < seen.event.receivedAt) distinct.set(key, { event, body });
  }
  return [...distinct.values()].sort((a, b) => compare(a.event, b.event) || (a.body < b.body ? -1 : 1)).map(({ event }) => event);
}

/** First-seen and last-seen times of the set, as stored in `created_at`/`updated_at`. */
export function seenTimes(events: LoggedEvent[]): { created_at: string; updated_at: string } {
  let first = Infinity;
  let last = -Infinity;
  for (const { receivedAt } of events) {
    if (receivedAt < first) first = receivedAt;
    if (receivedAt > last) last = receivedAt;
  }
  const createdAt = new Date(first).toISOString();
  return { created_at: createdAt, updated_at: first === last ? createdAt : new Date(last).toISOString() };
}
