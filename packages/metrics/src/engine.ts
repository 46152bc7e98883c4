import type { ClickHouseClient } from "@clickhouse/client";
import { selectRows, type Statement } from "@wick/clickhouse";
import { pageMeta, type DailyMetrics, type DailyMetricsQuery, type MetricsQuery } from "@wick/contracts";
import { compileDailyMetrics } from "./compile/daily.ts";
import { compileMetricsQuery } from "./compile/statement.ts";
import { MetricsResourceError } from "./errors.ts";
import type { ApiVersion } from "./model/index.ts";

export type MetricsRow = Record<string, unknown>;

/** ClickHouse errors that mean the query was too big to answer, not that it was wrong. */
const RESOURCE_ERRORS = new Set(["MEMORY_LIMIT_EXCEEDED", "TIMEOUT_EXCEEDED", "TOO_SLOW", "TOO_MANY_ROWS_OR_BYTES"]);

type UsageTuple = [string | null, number, number, number, number, number, number];

interface DailyRow {
  date: string;
  count_traces: number | string;
  count_observations: number | string;
  total_cost: number | string;
  usage: UsageTuple[];
}

/** Runs metrics queries for one ClickHouse: compiles, executes, and names the columns as the API does. */
export class MetricsEngine {
  constructor(private readonly client: ClickHouseClient) {}

  async query(projectId: string, version: ApiVersion, query: MetricsQuery): Promise<MetricsRow[]> {
    const compiled = compileMetricsQuery(projectId, version, query);
    const rows = await this.rows<MetricsRow>(version, compiled);
    return rows.map((row) => Object.fromEntries(compiled.columns.map(({ alias, key }) => [key, row[alias]])));
  }

  async daily(projectId: string, query: DailyMetricsQuery): Promise<DailyMetrics> {
    const { page, totalDays } = compileDailyMetrics(projectId, query);
    // A legacy (v1) route: a query too big for it is told to try v2 instead.
    const rows = await this.rows<DailyRow>("v1", page);
    const [total] = await this.rows<{ days: number | string }>("v1", totalDays);
    const data = rows.map((row) => ({
      date: row.date,
      countTraces: Number(row.count_traces),
      countObservations: Number(row.count_observations),
      totalCost: Number(row.total_cost),
      usage: row.usage.map(([model, input, output, totalUsage, observations, traces, cost]) => ({
        model,
        inputUsage: Number(input),
        outputUsage: Number(output),
        totalUsage: Number(totalUsage),
        countObservations: Number(observations),
        countTraces: Number(traces),
        totalCost: Number(cost),
      })),
    }));
    return { data, meta: pageMeta(query.page, query.limit, Number(total?.days ?? 0)) };
  }

  private async rows<Row>(version: ApiVersion, statement: Statement): Promise<Row[]> {
    try {
      return await selectRows<Row>(this.client, statement);
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      if (typeof type === "string" && RESOURCE_ERRORS.has(type)) throw new MetricsResourceError(version, { cause: error });
      throw error;
    }
  }
}
