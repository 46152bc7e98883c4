import type { ClickHouseClient } from "@clickhouse/client";
import type { BatchRules } from "@wick/ingestion";
import type { Database } from "@wick/postgres";
import { CommentService } from "./comments.ts";
import { applyScoreConfig, configIdsOf } from "./config-rules.ts";
import { ScoreConfigRepository } from "./config-repository.ts";
import { ScoreReads } from "./reads/score-reads.ts";

/** Scores, their configs and comments: what the score, score-config and comment routes use (deletes are ingestion's). */
export class ScoreServices {
  readonly configs: ScoreConfigRepository;
  readonly comments: CommentService;
  readonly reads: ScoreReads;

  constructor(db: Database, clickhouse: ClickHouseClient) {
    this.configs = new ScoreConfigRepository(db);
    this.comments = new CommentService({ db, clickhouse });
    this.reads = new ScoreReads(clickhouse);
  }

  /**
   * The config check for the score events of a raw ingestion batch, with every config they name
   * loaded in one query (none when no score names a config).
   */
  async rulesFor(projectId: string, batch: unknown[]): Promise<BatchRules> {
    const configs = await this.configs.byIds(projectId, configIdsOf(batch));
    return { checkScore: (body) => applyScoreConfig(body, body.configId ? configs.get(body.configId) : undefined) };
  }
}
