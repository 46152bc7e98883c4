import type { ClickHouseClient } from "@clickhouse/client";
import { selectRows, type Statement } from "@wick/clickhouse";
import { pageMeta, type DailyMetrics, type DailyMetricsQuery, type MetricsQuery } from "@wick/contracts";
import { compileDailyMetrics } from "./compile/daily.ts";
import { compileMetricsQuery, rollupCandidateDays } from "./compile/statement.ts";
import { MetricsResourceError } from "./errors.ts";
import type { ApiVersion } from "./model/index.ts";
import type { ObservationRollups } from "./rollups.ts";

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
  /** `rollups`: day rollups to answer the queries they can; without them every query reads raw rows. */
  constructor(
    private readonly client: ClickHouseClient,
    private readonly rollups?: ObservationRollups,
  ) {}

  async query(projectId: string, version: ApiVersion, query: MetricsQuery): Promise<MetricsRow[]> {
    // Compiled plain first: a query the API refuses is refused before any rollup is looked at.
    const plain = compileMetricsQuery(projectId, version, query);
    const rollups = this.rollups;
    const rolledUp = rollups ? await this.resourceChecked(version, () => rollups.usableDays(projectId, rollupCandidateDays(version, query))) : [];
    const compiled = rolledUp.length > 0 ? compileMetricsQuery(projectId, version, query, rolledUp) : plain;
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

  private rows<Row>(version: ApiVersion, statement: Statement): Promise<Row[]> {
    return this.resourceChecked(version, () => selectRows<Row>(this.client, statement));
  }

  /** Runs ClickHouse work, telling a query too big to answer from one that failed. */
  private async resourceChecked<T>(version: ApiVersion, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      if (typeof type === "string" && RESOURCE_ERRORS.has(type)) throw new MetricsResourceError(version, { cause: error });
      throw error;
    }
  }
}
