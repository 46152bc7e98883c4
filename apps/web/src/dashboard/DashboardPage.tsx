import type { MetricsV2Response } from "@wick/contracts";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { apiGet } from "../api/client.ts";
import type { KeyPair } from "../auth/keys.ts";
import { formatCost, formatCount, formatDuration } from "../common/format.ts";
import { ErrorPanel } from "../common/Status.tsx";
import { navigate } from "../routing/location.ts";
import { Chart, type ChartOption, type ChartTable } from "./Chart.tsx";
import {
  type Bar,
  barsOf,
  bucketsOf,
  type DashboardQuery,
  dashboardQueries,
  type MetricsRow,
  numberOf,
  type Series,
  seriesByDimension,
  seriesOfMetrics,
  type Window,
} from "./metrics.ts";
import { type DASHBOARD_RANGES, type DashboardRange, rangeFromSearch, rangeToSearch, windowOf } from "./range.ts";

const RANGE_LABELS: Record<keyof typeof DASHBOARD_RANGES, string> = { "24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days", "90d": "Last 90 days" };

/** `datetime-local` speaks local time without a zone; the URL keeps ISO instants. */
const toLocalInput = (iso: string) => {
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

function useMetrics(keys: KeyPair, name: DashboardQuery, period: Window) {
  return useQuery({
    queryKey: ["metrics", keys.publicKey, name, period.from.toISOString(), period.to.toISOString()],
    queryFn: ({ signal }) =>
      apiGet<MetricsV2Response>(keys, "/v2/metrics", { query: JSON.stringify(dashboardQueries[name](period)) }, signal).then((body) => body.data as MetricsRow[]),
  });
}

const tooltip = (format: (value: number) => string) => ({ trigger: "axis", valueFormatter: (value: unknown) => format(numberOf(value)) });

function timeChart(buckets: string[], series: Series[], kind: "bar" | "line", format: (value: number) => string): ChartOption {
  return {
    tooltip: tooltip(format),
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: buckets.map((bucket) => (bucket.length > 10 ? `${bucket.slice(5, 10)} ${bucket.slice(11, 16)}` : bucket)) },
    yAxis: { type: "value", axisLabel: { formatter: (value: number) => format(value) } },
    series: series.map(({ name, values }) => ({ name, type: kind, data: values, stack: kind === "bar" ? "total" : undefined, showSymbol: false })),
  };
}

function barChart(bars: Bar[], names: string[], format: (value: number) => string): ChartOption {
  // Drawn top to bottom in the API's order (largest first), so reversed for the category axis.
  const ordered = [...bars].reverse();
  return {
    tooltip: { ...tooltip(format), axisPointer: { type: "shadow" } },
    legend: { bottom: 0 },
    grid: { left: 8, right: 24, top: 8, bottom: 40, containLabel: true },
    xAxis: { type: "value", axisLabel: { formatter: (value: number) => format(value) } },
    yAxis: { type: "category", data: ordered.map((bar) => bar.label) },
    series: names.map((name, which) => ({ name, type: "bar", data: ordered.map((bar) => bar.values[which]) })),
  };
}

const seriesTable = (buckets: string[], series: Series[], format: (value: number) => string): ChartTable => ({
  columns: ["Bucket (UTC)", ...series.map((entry) => entry.name)],
  rows: buckets.map((bucket, position) => [bucket, ...series.map((entry) => format(entry.values[position]!))]),
});

const barTable = (first: string, bars: Bar[], names: string[], format: (value: number) => string): ChartTable => ({
  columns: [first, ...names],
  rows: bars.map((bar) => [bar.label, ...bar.values.map(format)]),
});

const tokens = (value: number) => formatCount(Math.round(value));

export function DashboardPage({ keys, search, onSignOut }: { keys: KeyPair; search: string; onSignOut: () => void }) {
  const range = rangeFromSearch(search);
  const rangeKey = rangeToSearch(range);
  const [refreshed, setRefreshed] = useState(0);
  // Quick ranges end now: fixed when the range is chosen or refreshed, so the queries' keys hold still.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `rangeKey` and `refreshed` are what make a new window
  const period = useMemo(() => windowOf(range, new Date()), [rangeKey, refreshed]);
  const buckets = useMemo(() => bucketsOf(period), [period]);
  const setRange = (next: DashboardRange) => navigate(`/dashboard${rangeToSearch(next)}`, { replace: true });

  const totals = useMetrics(keys, "totals", period);
  const costByModel = useMetrics(keys, "costByModel", period);
  const activity = useMetrics(keys, "activity", period);
  const latency = useMetrics(keys, "latencyByName", period);
  const tokenUse = useMetrics(keys, "tokensByModel", period);
  const users = useMetrics(keys, "topUsers", period);
  const failed = [totals, costByModel, activity, latency, tokenUse, users].find((query) => query.isError);

  const total = totals.data?.[0] ?? {};
  const costSeries = seriesByDimension(costByModel.data ?? [], "providedModelName", "sum_totalCost", buckets, period.granularity);
  const activitySeries = seriesOfMetrics(
    activity.data ?? [],
    [
      { key: "uniq_traceId", name: "Traces" },
      { key: "count_count", name: "Observations" },
    ],
    buckets,
    period.granularity,
  );
  const latencyBars = barsOf(latency.data ?? [], "name", ["p50_latency", "p95_latency"]);
  const tokenBars = barsOf(tokenUse.data ?? [], "providedModelName", ["sum_inputTokens", "sum_outputTokens"]);
  const userBars = barsOf(users.data ?? [], "userId", ["sum_totalCost"]);
  const pending = [totals, costByModel, activity, latency, tokenUse, users].some((query) => query.isPending);

  return (
    <section className="page dashboard" aria-busy={pending}>
      <h1>Dashboard</h1>
      <div className="filter-bar">
        <label>
          Time range{" "}
          <select
            name="range"
            value={range.kind === "quick" ? range.range : "custom"}
            onChange={(event) => {
              const value = event.target.value;
              if (value === "custom") setRange({ kind: "custom", from: period.from.toISOString(), to: period.to.toISOString() });
              else setRange({ kind: "quick", range: value as keyof typeof DASHBOARD_RANGES });
            }}
          >
            {Object.entries(RANGE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </select>
        </label>
        {range.kind === "custom" && (
          <>
            <label>
              From{" "}
              <input
                type="datetime-local"
                name="from"
                value={toLocalInput(range.from)}
                onChange={(event) => event.target.value && setRange({ ...range, from: new Date(event.target.value).toISOString() })}
              />
            </label>
            <label>
              To{" "}
              <input
                type="datetime-local"
                name="to"
                value={toLocalInput(range.to)}
                onChange={(event) => event.target.value && setRange({ ...range, to: new Date(event.target.value).toISOString() })}
              />
            </label>
          </>
        )}
        <button type="button" onClick={() => setRefreshed((count) => count + 1)}>
          Refresh
        </button>
        <span className="muted">{period.granularity === "hour" ? "Hourly" : period.granularity === "day" ? "Daily" : "Weekly"} buckets, UTC</span>
      </div>
      {failed && <ErrorPanel error={failed.error} onSignOut={onSignOut} onRetry={() => setRefreshed((count) => count + 1)} />}
      <dl className="kpis">
        <div>
          <dt>Total cost</dt>
          <dd data-kpi="cost">{totals.data ? formatCost(numberOf(total.sum_totalCost)) : "…"}</dd>
        </div>
        <div>
          <dt>Traces</dt>
          <dd data-kpi="traces">{totals.data ? formatCount(numberOf(total.uniq_traceId)) : "…"}</dd>
        </div>
        <div>
          <dt>Observations</dt>
          <dd data-kpi="observations">{totals.data ? formatCount(numberOf(total.count_count)) : "…"}</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd data-kpi="tokens">{totals.data ? tokens(numberOf(total.sum_totalTokens)) : "…"}</dd>
        </div>
      </dl>
      <div className="charts">
        <Chart
          title="Cost by model"
          option={timeChart(buckets, costSeries, "bar", formatCost)}
          table={seriesTable(buckets, costSeries, formatCost)}
          empty={costSeries.length === 0}
        />
        <Chart
          title="Traces and observations"
          option={timeChart(buckets, activitySeries, "line", tokens)}
          table={seriesTable(buckets, activitySeries, tokens)}
          empty={activitySeries.every((entry) => entry.values.every((value) => value === 0))}
        />
        <Chart
          title="Generation latency by name (p50, p95)"
          option={barChart(latencyBars, ["p50", "p95"], formatDuration)}
          table={barTable("Generation", latencyBars, ["p50", "p95"], formatDuration)}
          empty={latencyBars.length === 0}
        />
        <Chart
          title="Tokens by model"
          option={barChart(tokenBars, ["Input", "Output"], tokens)}
          table={barTable("Model", tokenBars, ["Input", "Output"], tokens)}
          empty={tokenBars.length === 0}
        />
        <Chart title="Top users by cost" option={barChart(userBars, ["Cost"], formatCost)} table={barTable("User", userBars, ["Cost"], formatCost)} empty={userBars.length === 0} />
      </div>
    </section>
  );
}
