import type { ClickHouseClient } from "@clickhouse/client";
import {
  scoreFieldGroups,
  type GetScoresResponseData,
  type LegacyScoreListQuery,
  type LegacyScoreWithTrace,
  type Score,
  type ScoreListQuery,
  type ScoreV1,
  type ScoreV3,
  type ScoreV3ListQuery,
} from "@wick/contracts";
import { scores, selectRows, V1_SCORE_DATA_TYPES, type StoredScore } from "@wick/clickhouse";
import { scoreV1View } from "@wick/tracing-reads";
import { listScorePage } from "./page-list.ts";
import { scoreV2View } from "./views.ts";
import { listScoresV3 } from "./v3-list.ts";

/** The score read endpoints: v3 (cursor), v2 (pages, every link and type) and the legacy v1 reads. */
export class ScoreReads {
  constructor(private readonly client: ClickHouseClient) {}

  v3(projectId: string, query: ScoreV3ListQuery): Promise<{ data: ScoreV3[]; cursor?: string }> {
    return listScoresV3(this.client, projectId, query);
  }

  async list(projectId: string, query: ScoreListQuery): Promise<{ data: GetScoresResponseData[]; totalItems: number }> {
    const withTrace = scoreFieldGroups(query.fields).has("trace");
    const { rows, traces, totalItems } = await listScorePage(this.client, projectId, query, { legacy: false, withTrace });
    const data = rows.map((row) => {
      const trace = row.trace_id === null ? undefined : traces.get(row.trace_id);
      return { ...scoreV2View(row), trace: trace ? { userId: trace.user_id, tags: trace.tags, environment: trace.environment, sessionId: trace.session_id } : null };
    });
    return { data, totalItems };
  }

  /** v1 always reads the trace (its `fields` is ignored, as upstream). */
  async legacyList(projectId: string, query: LegacyScoreListQuery): Promise<{ data: LegacyScoreWithTrace[]; totalItems: number }> {
    const { rows, traces, totalItems } = await listScorePage(this.client, projectId, query, { legacy: true, withTrace: true });
    const data = rows.map((row) => {
      const trace = traces.get(row.trace_id!);
      return { ...scoreV1View(row), trace: { userId: trace?.user_id ?? null, tags: trace?.tags ?? [], environment: trace?.environment ?? null } };
    });
    return { data, totalItems };
  }

  async get(projectId: string, id: string): Promise<Score | undefined> {
    const row = await this.latest(projectId, id);
    return row && scoreV2View(row);
  }

  async legacyGet(projectId: string, id: string): Promise<ScoreV1 | undefined> {
    const row = await this.latest(projectId, id);
    return row && row.trace_id !== null && V1_SCORE_DATA_TYPES.includes(row.data_type) ? scoreV1View(row) : undefined;
  }

  /** The current row of one score. */
  private async latest(projectId: string, id: string): Promise<StoredScore | undefined> {
    const [row] = await selectRows<StoredScore>(this.client, {
      name: "scores.one",
      sql: scores.currentOne(),
      params: { projectId, id },
    });
    return row;
  }
}
