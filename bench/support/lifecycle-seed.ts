/**
 * Tracing data for the lifecycle benchmark, generated inside ClickHouse with
 * `INSERT … SELECT FROM numbers()`: per trace, ten observations, a score every other trace and a
 * session every eight, each with the one logged event it was folded from, so deletes and
 * retention find `raw_events` rows as they would after real ingestion.
 */
import { performance } from "node:perf_hooks";
import { OBSERVATION_TRACE_KIND, SCORE_TRACE_KIND, type ClickHouseStore } from "../../packages/clickhouse/src/index.ts";

export const OBSERVATIONS_PER_TRACE = 10;

/** Where a project's traces lie in time: trace `i` of `total` at `start + i × spanMs / total`. */
export interface Timeline {
  /** Milliseconds since the epoch. */
  start: number;
  spanMs: number;
  total: number;
}

const INSERT_SETTINGS = { max_insert_threads: "2", max_partitions_per_insert_block: "1000" };

/** `t` (a trace index) to its time; bound parameters, so nothing is spliced into the statement. */
const TRACE_TIME = "fromUnixTimestamp64Milli(toInt64({start:Int64} + intDiv(t * {spanMs:Int64}, {total:Int64})), 'UTC')";

/** The statements that write traces `from` to `to` (exclusive) of one project. */
function statements(): Array<[string, string]> {
  const traces = `SELECT number AS t, ${TRACE_TIME} AS ts FROM numbers({from:UInt64}, {count:UInt64})`;
  const observations = `SELECT number AS n, intDiv(n, ${OBSERVATIONS_PER_TRACE}) AS t, ${TRACE_TIME} + toIntervalMillisecond((n % ${OBSERVATIONS_PER_TRACE}) * 150) AS start
    FROM numbers({from:UInt64} * ${OBSERVATIONS_PER_TRACE}, {count:UInt64} * ${OBSERVATIONS_PER_TRACE})`;
  const scores = `SELECT t, ts FROM (${traces}) WHERE t % 2 = 0`;
  return [
    [
      "traces",
      `INSERT INTO traces (project_id, id, timestamp, name, user_id, session_id, environment, tags, metadata, input, output, created_at, updated_at, merge_version)
       SELECT {projectId:String}, concat('t-', toString(t)), ts, concat('trace-', toString(t % 50)), concat('user-', toString(t % 5000)),
              concat('session-', toString(intDiv(t, 8))), 'production', ['bench'], map('customer', concat('c-', toString(t % 300))),
              concat('{"question":"order ', toString(t), '?"}'), '"shipped"', ts, ts, 1
       FROM (${traces})`,
    ],
    [
      "observations",
      `INSERT INTO observations (project_id, id, trace_id, type, parent_observation_id, start_time, end_time, name, environment, metadata, input, output, created_at, updated_at, merge_version)
       SELECT {projectId:String}, concat('o-', toString(n)), concat('t-', toString(t)), if(n % 3 = 0, 'GENERATION', 'SPAN'),
              if(n % ${OBSERVATIONS_PER_TRACE} = 0, NULL, concat('o-', toString(n - n % ${OBSERVATIONS_PER_TRACE}))),
              start, start + toIntervalMillisecond(200 + n % 1700), concat('step-', toString(n % 20)), 'production',
              map('component', concat('c', toString(n % 12))), concat('{"step":', toString(n), '}'), 'done', start, start, 1
       FROM (${observations})`,
    ],
    [
      "scores",
      `INSERT INTO scores (project_id, id, timestamp, environment, trace_id, name, value, data_type, source, metadata, created_at, updated_at, merge_version)
       SELECT {projectId:String}, concat('s-', toString(t)), ts, 'production', concat('t-', toString(t)), 'quality', (t % 100) / 100, 'NUMERIC', 'API', map(), ts, ts, 1
       FROM (${scores})`,
    ],
    [
      "sessions",
      `INSERT INTO sessions (project_id, id, created_at, environment)
       SELECT {projectId:String}, concat('session-', toString(intDiv(t, 8))), ts, 'production' FROM (${traces}) WHERE t % 8 = 0`,
    ],
    [
      "raw events",
      `INSERT INTO raw_events (project_id, entity_kind, entity_id, event_id, event_type, event_ts, received_at, write_id, body)
       SELECT {projectId:String}, kind, id, concat('e-', id), concat(kind, '-create'), at, at, 'seed', '{}'
       FROM (
         SELECT 'trace' AS kind, concat('t-', toString(t)) AS id, ts AS at FROM (${traces})
         UNION ALL SELECT 'observation', concat('o-', toString(n)), start FROM (${observations})
         UNION ALL SELECT 'score', concat('s-', toString(t)), ts FROM (${scores})
         UNION ALL SELECT '${OBSERVATION_TRACE_KIND}', concat('t-', toString(t)), start FROM (${observations})
         UNION ALL SELECT '${SCORE_TRACE_KIND}', concat('t-', toString(t)), ts FROM (${scores})
       )`,
    ],
  ];
}

/** Traces per statement: a few million rows at a time keep the inserts' memory modest. */
const CHUNK = 200_000;

/** Writes traces `from` to `to` (exclusive) of `projectId` on its timeline, printing each table's time. */
export async function seedTraces(client: ClickHouseStore["client"], projectId: string, timeline: Timeline, from: number, to: number): Promise<void> {
  for (let first = from; first < to; first += CHUNK) {
    const last = Math.min(to, first + CHUNK);
    const params = { projectId, start: timeline.start, spanMs: timeline.spanMs, total: timeline.total, from: first, count: last - first };
    const took: string[] = [];
    for (const [label, query] of statements()) {
      const started = performance.now();
      await client.command({ query, query_params: params, clickhouse_settings: INSERT_SETTINGS });
      took.push(`${label} ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    console.log(`  ${projectId}, traces ${first.toLocaleString()}–${last.toLocaleString()}: ${took.join(", ")}`);
  }
}
