import { type FormEvent, useEffect, useState } from "react";
import { QUICK_RANGES, type TimeRange, type TraceFilters } from "./filters.ts";

const RANGE_LABELS: Record<TimeRange, string> = { "1h": "Last hour", "24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days", all: "All time", custom: "Custom…" };
const RANGES: TimeRange[] = [...(Object.keys(QUICK_RANGES) as TimeRange[]), "all", "custom"];

/** `datetime-local` speaks local time without a zone; the URL keeps ISO instants. */
const toLocalInput = (iso: string | undefined) => {
  if (!iso) return "";
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : undefined);

interface Draft {
  search: string;
  name: string;
  userId: string;
  sessionId: string;
  tags: string;
  environment: string;
}

const draftOf = (filters: TraceFilters): Draft => ({
  search: filters.search ?? "",
  name: filters.name ?? "",
  userId: filters.userId ?? "",
  sessionId: filters.sessionId ?? "",
  tags: filters.tags.join(", "),
  environment: filters.environment ?? "",
});

/** Text filters apply on submit (Enter or Apply) so typing does not fire a query per key; the time range applies at once. */
export function FilterBar({ filters, onChange }: { filters: TraceFilters; onChange: (next: TraceFilters) => void }) {
  const [draft, setDraft] = useState(() => draftOf(filters));
  useEffect(() => setDraft(draftOf(filters)), [filters]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const text = (value: string) => value.trim() || undefined;
    onChange({
      ...filters,
      search: text(draft.search),
      name: text(draft.name),
      userId: text(draft.userId),
      sessionId: text(draft.sessionId),
      environment: text(draft.environment),
      tags: draft.tags
        .split(",")
        .map((tag) => tag.trim())
        .filter((tag) => tag !== ""),
      page: 1,
    });
  };
  const field = (key: keyof Draft, label: string, placeholder: string) => (
    <label>
      {label}
      <input name={key} value={draft[key]} placeholder={placeholder} onChange={(event) => setDraft({ ...draft, [key]: event.target.value })} />
    </label>
  );

  return (
    <form className="filters" onSubmit={apply}>
      <label>
        Time
        <select name="range" value={filters.range} onChange={(event) => onChange({ ...filters, range: event.target.value as TimeRange, page: 1 })}>
          {RANGES.map((range) => (
            <option key={range} value={range}>
              {RANGE_LABELS[range]}
            </option>
          ))}
        </select>
      </label>
      {filters.range === "custom" && (
        <>
          <label>
            From
            <input
              type="datetime-local"
              name="from"
              value={toLocalInput(filters.from)}
              onChange={(event) => onChange({ ...filters, from: fromLocalInput(event.target.value), page: 1 })}
            />
          </label>
          <label>
            To
            <input
              type="datetime-local"
              name="to"
              value={toLocalInput(filters.to)}
              onChange={(event) => onChange({ ...filters, to: fromLocalInput(event.target.value), page: 1 })}
            />
          </label>
        </>
      )}
      {field("search", "Search", "name contains, or a trace id")}
      {field("name", "Name", "exact name")}
      {field("userId", "User", "user id")}
      {field("sessionId", "Session", "session id")}
      {field("tags", "Tags", "all of: a, b")}
      {field("environment", "Environment", "e.g. production")}
      <button type="submit">Apply</button>
    </form>
  );
}
