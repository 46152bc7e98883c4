import type { MetricsV2Response, Traces, TraceWithFullDetails } from "@wick/contracts";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { apiGet } from "../api/client.ts";
import type { KeyPair } from "../auth/keys.ts";
import { formatCost, formatCount, formatDuration, formatTime } from "../common/format.ts";
import { Pager } from "../common/Pager.tsx";
import { ErrorPanel, Loading } from "../common/Status.tsx";
import { Link } from "../routing/Link.tsx";
import { navigate } from "../routing/location.ts";
import { FilterBar } from "./FilterBar.tsx";
import { pageMetricsQuery, traceLines, type TraceLine } from "./page-metrics.ts";
import { filtersFromSearch, filtersToSearch, PAGE_SIZES, type TraceFilters, traceListQuery } from "./filters.ts";

export function TracesPage({ keys, search, onSignOut }: { keys: KeyPair; search: string; onSignOut: () => void }) {
  // Kept while the URL holds still: the filter bar resets its typed-in draft when this changes.
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const setFilters = (next: TraceFilters) => navigate(`/traces${filtersToSearch(next)}`, { replace: true });
  const traces = useQuery({
    queryKey: ["traces", keys.publicKey, filtersToSearch(filters)],
    queryFn: ({ signal }) => apiGet<Traces>(keys, "/traces", traceListQuery(filters, new Date()), signal),
    placeholderData: keepPreviousData,
  });

  // The search may be a trace's id rather than part of a name: offered apart, when such a trace exists.
  const byId = useQuery({
    queryKey: ["trace-exists", keys.publicKey, filters.search],
    queryFn: ({ signal }) => apiGet<TraceWithFullDetails>(keys, `/traces/${encodeURIComponent(filters.search!)}`, { fields: "core" }, signal),
    enabled: filters.search !== undefined,
    retry: false,
  });

  const listed = traces.data?.data ?? [];
  const lines = useQuery({
    queryKey: ["trace-lines", keys.publicKey, listed.map((trace) => trace.id).join(",")],
    queryFn: ({ signal }) =>
      apiGet<MetricsV2Response>(keys, "/v2/metrics", { query: JSON.stringify(pageMetricsQuery(listed, new Date())) }, signal).then((body) => traceLines(body.data)),
    enabled: listed.length > 0,
  });

  const meta = traces.data?.meta;
  return (
    <section className="page">
      <h1>Traces</h1>
      <FilterBar filters={filters} onChange={setFilters} />
      {filters.search && byId.data && (
        <p className="id-match">
          A trace has this id: <Link href={`/traces/${encodeURIComponent(byId.data.id)}`}>{byId.data.name ?? byId.data.id}</Link>
        </p>
      )}
      {traces.isPending ? (
        <Loading what="traces" />
      ) : traces.isError ? (
        <ErrorPanel error={traces.error} onSignOut={onSignOut} onRetry={() => traces.refetch()} />
      ) : (
        <>
          <div className="table-wrap">
            <table className="traces" aria-busy={traces.isFetching}>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Time</th>
                  <th className="num">Latency</th>
                  <th>User</th>
                  <th>Session</th>
                  <th>Tags</th>
                  <th className="num">Total cost</th>
                  <th className="num">Tokens</th>
                  <th className="num">Observations</th>
                </tr>
              </thead>
              <tbody>
                {traces.data.data.map((trace) => (
                  <tr key={trace.id}>
                    <td>
                      <Link href={`/traces/${encodeURIComponent(trace.id)}`}>{trace.name ?? <span className="muted">{trace.id}</span>}</Link>
                      <LevelMark level={lines.data?.get(trace.id)?.level ?? null} />
                    </td>
                    <td className="nowrap">{formatTime(trace.timestamp)}</td>
                    <td className="num">{formatDuration(trace.latency * 1000)}</td>
                    <td>{trace.userId && <FilterLink filters={filters} patch={{ userId: trace.userId }} text={trace.userId} />}</td>
                    <td>{trace.sessionId && <FilterLink filters={filters} patch={{ sessionId: trace.sessionId }} text={trace.sessionId} />}</td>
                    <td>
                      {trace.tags.map((tag) => (
                        <span key={tag} className="tag">
                          {tag}
                        </span>
                      ))}
                    </td>
                    <td className="num">{formatCost(trace.totalCost)}</td>
                    <td className="num">{lines.data ? formatCount(lines.data.get(trace.id)?.tokens ?? 0) : "…"}</td>
                    <td className="num">{trace.observations.length}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {traces.data.data.length === 0 && <p className="empty">No traces match these filters.</p>}
          </div>
          {meta && (
            <Pager page={meta.page} totalPages={meta.totalPages} totalItems={meta.totalItems} noun="traces" onPage={(page) => setFilters({ ...filters, page })}>
              <label>
                Rows
                <select name="limit" value={filters.limit} onChange={(event) => setFilters({ ...filters, limit: Number(event.target.value), page: 1 })}>
                  {PAGE_SIZES.map((size) => (
                    <option key={size} value={size}>
                      {size}
                    </option>
                  ))}
                </select>
              </label>
            </Pager>
          )}
        </>
      )}
    </section>
  );
}

/** A trace whose observations include a warning or an error says so beside its name. */
function LevelMark({ level }: { level: TraceLine["level"] }) {
  if (!level) return null;
  return (
    <span className={`level-mark ${level}`} title={`An observation of this trace has level ${level}`}>
      {level === "ERROR" ? "error" : "warning"}
    </span>
  );
}

/** A user or session cell narrows the list to it. */
function FilterLink({ filters, patch, text }: { filters: TraceFilters; patch: Partial<TraceFilters>; text: string }) {
  return (
    <Link href={`/traces${filtersToSearch({ ...filters, ...patch, page: 1 })}`} title={`Only ${text}`}>
      {text}
    </Link>
  );
}
