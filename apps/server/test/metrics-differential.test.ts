import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DailyMetrics } from "@wick/contracts";
import { createTestApp, type TestApp } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

/**
 * Differential test of the metrics endpoints: a random data set (fixed seed) goes in through the
 * ingestion API, and random queries of `GET /api/public/metrics` (v1), `/api/public/v2/metrics` and
 * `/api/public/metrics/daily` are answered twice, by Wick and by the plain TypeScript oracle below,
 * which knows only the stored facts and shared/reference/metrics.md (cited by section as §n).
 *
 * Where the reference behaves oddly and Wick follows it, the oracle does the same and says so with
 * the section. Wick knowingly differs from the reference in two ways, and there the oracle follows
 * Wick:
 * - Relations are pre-aggregated per entity, so joining observations and scores never multiplies a
 *   trace's (or an observation's) own values, and a per-trace `count` is 1; the reference inflates
 *   sum-style measures and counts joined rows in its two-level inner query (§3.3, §3.6).
 * - v2 reads each observation once with its trace's current attributes (§3.1 "denormalized trace
 *   fields"); the reference's dual write of the legacy ingestion API also adds a synthetic root span
 *   per trace to its events table (ingestion.md §4.6), which this data set would otherwise count
 *   and which would make every parentless observation a non-root.
 *
 * Bounded in CI: a fixed seed and CASES random queries; `WICK_PROPERTY_RUNS` raises the number.
 * Metrics read ClickHouse only (Postgres only authenticates), so one Postgres mode suffices.
 */
const SEED = 20250303;
const CASES = Number(process.env.WICK_PROPERTY_RUNS ?? 300);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A Monday, so week buckets are easy to read in a failure. */
const BASE = Date.UTC(2025, 2, 3);
const TRACE_COUNT = 260;
const iso = (ms: number) => new Date(ms).toISOString();

// ---- The facts: what the test sends --------------------------------------------------------------

const TAGS = ["prod", "web", "beta", "eu"] as const;
const USAGE_KEYS = ["input", "output", "total", "input_cached_tokens", "cache_read", "output_reasoning"] as const;
/** Cost maps as clients send them; which ones get a derived total is the point (ingestion.md §2.7). */
const COST_SHAPES = [["input", "output"], ["input", "output", "total"], ["input", "cache_read"], ["total"], ["output"], ["input"]] as const;
const GENERATION_TYPES = new Set(["GENERATION", "AGENT", "TOOL"]);

const metadataArb = (keys: Record<string, readonly string[]>) =>
  fc
    .record(Object.fromEntries(Object.entries(keys).map(([key, values]) => [key, fc.constantFrom(...values)])), { requiredKeys: [] })
    .map((metadata) => metadata as Record<string, string>);

const observationArb = fc.record({
  type: fc.constantFrom("SPAN", "SPAN", "GENERATION", "GENERATION", "GENERATION", "EVENT", "AGENT", "TOOL"),
  name: fc.constantFrom(undefined, "", "llm-call", "retrieve", "tool:search", "Final answer"),
  // Mostly near the trace, some days away: across window edges and trace windows.
  offset: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: -30 * MINUTE, max: 4 * HOUR }) }, { weight: 1, arbitrary: fc.integer({ min: -3 * DAY, max: 3 * DAY }) }),
  duration: fc.option(fc.integer({ min: 0, max: 90_000 }), { nil: undefined, freq: 5 }),
  firstToken: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  parent: fc.option(fc.nat(), { nil: undefined }),
  level: fc.constantFrom(undefined, "DEBUG", "DEFAULT", "WARNING", "ERROR"),
  environment: fc.constantFrom(undefined, "production", "staging"),
  version: fc.constantFrom(undefined, "", "ov-1", "ov-2"),
  model: fc.constantFrom(undefined, "", "wick-diff-model-a", "wick-diff-model-b"),
  usage: fc.option(fc.dictionary(fc.constantFrom(...USAGE_KEYS), fc.nat(5000), { maxKeys: 4 }), { nil: undefined }),
  cost: fc.option(fc.tuple(fc.constantFrom(...COST_SHAPES), fc.array(fc.nat(40_000), { minLength: 3, maxLength: 3 })), { nil: undefined }),
  metadata: metadataArb({ step: ["plan", "act", ""], customer: ["acme", "globex"] }),
  split: fc.boolean(),
});

const scoreArb = fc.record({
  target: fc.constantFrom("trace", "trace", "observation", "observation", "session"),
  observation: fc.nat(),
  name: fc.constantFrom("quality", "relevance", "tone", "passed"),
  dataType: fc.constantFrom("NUMERIC", "NUMERIC", "BOOLEAN", "CATEGORICAL"),
  explicitType: fc.boolean(),
  numeric: fc.integer({ min: -1000, max: 10_000 }).map((n) => n / 1000),
  category: fc.constantFrom("good", "bad", "neutral"),
  flag: fc.constantFrom(0, 1),
  offset: fc.integer({ min: -10 * MINUTE, max: 2 * DAY }),
  environment: fc.constantFrom(undefined, "production", "staging"),
  source: fc.constantFrom(undefined, "API", "EVAL"),
  metadata: metadataArb({ reviewer: ["bot", "human"], evaluator_id: ["ev-1", "ev-2", ""], job_configuration_id: ["job-1"] }),
  session: fc.constantFrom("s-1", "s-2", "s-9"),
});

const traceArb = fc.record({
  // One trace in twenty is never created: its observations and scores point at nothing.
  exists: fc.integer({ min: 0, max: 19 }).map((n) => n > 0),
  // Dense over ten days, sparse over five weeks: short windows find data, long ones cross months.
  at: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -1 * DAY, max: 9 * DAY }) }, { weight: 1, arbitrary: fc.integer({ min: -5 * DAY, max: 30 * DAY }) }),
  // Empty strings are stored as sent (ingestion.md §3.2); v2 reads them as NULL (§5.3).
  name: fc.constantFrom(undefined, "", "checkout", "search", "chat", "Chat"),
  userId: fc.constantFrom(undefined, "", "u-1", "u-2", "u-3", "u-4"),
  sessionId: fc.constantFrom(undefined, "", "s-1", "s-2", "s-3"),
  release: fc.constantFrom(undefined, "", "r-1", "r-2"),
  version: fc.constantFrom(undefined, "", "tv-1", "tv-2"),
  environment: fc.constantFrom(undefined, "production", "staging"),
  tags: fc.subarray([...TAGS]),
  metadata: metadataArb({ customer: ["acme", "globex", ""], region: ["eu", "us"] }),
  observations: fc.array(observationArb, { maxLength: 7 }),
  scores: fc.array(scoreArb, { maxLength: 4 }),
});

// ---- What ClickHouse holds after ingestion, as the reference's ingestion rules say --------------

interface Trace {
  id: string;
  exists: boolean;
  ts: number;
  name: string | null;
  userId: string | null;
  sessionId: string | null;
  release: string | null;
  version: string | null;
  environment: string;
  tags: string[];
  metadata: Record<string, string>;
}
interface Observation {
  id: string;
  traceId: string;
  type: string;
  parentId: string | null;
  start: number;
  end: number | null;
  completionStart: number | null;
  name: string | null;
  level: string;
  version: string | null;
  environment: string;
  model: string | null;
  usage: Record<string, number>;
  /** Costs in millionths of a dollar: exact sums, and equal values compare equal. */
  costMicros: Record<string, number>;
  totalCostMicros: number | null;
  metadata: Record<string, string>;
}
interface Score {
  id: string;
  ts: number;
  traceId: string | null;
  observationId: string | null;
  sessionId: string | null;
  name: string;
  dataType: "NUMERIC" | "BOOLEAN" | "CATEGORICAL";
  value: number;
  stringValue: string | null;
  environment: string;
  source: string;
  metadata: Record<string, string>;
}

/** Stored usage: a `total` is added as the sum of all values when absent (ingestion.md §2.5). */
function storedUsage(provided: Record<string, number> | undefined): Record<string, number> {
  if (!provided || Object.keys(provided).length === 0) return {};
  if ("total" in provided) return { ...provided };
  return { ...provided, total: Object.values(provided).reduce((a, b) => a + b, 0) };
}

/** Stored costs: a total only from a given one or from input/output alone (ingestion.md §2.7). */
function storedCost(provided: Record<string, number> | undefined): { costMicros: Record<string, number>; totalCostMicros: number | null } {
  if (!provided) return { costMicros: {}, totalCostMicros: null };
  if ("total" in provided) return { costMicros: { ...provided }, totalCostMicros: provided.total! };
  if (Object.keys(provided).every((key) => key === "input" || key === "output")) {
    const total = (provided.input ?? 0) + (provided.output ?? 0);
    return { costMicros: { ...provided, total }, totalCostMicros: total };
  }
  return { costMicros: { ...provided }, totalCostMicros: null };
}

interface DataSet {
  traces: Map<string, Trace>;
  observations: Observation[];
  scores: Score[];
  events: unknown[];
}

type TraceFact = typeof traceArb extends fc.Arbitrary<infer Fact> ? Fact : never;

function buildDataSet(facts: TraceFact[]): DataSet {
  const traces = new Map<string, Trace>();
  const observations: Observation[] = [];
  const scores: Score[] = [];
  const events: unknown[] = [];
  const event = (type: string, at: number, body: object) => events.push({ id: randomUUID(), type, timestamp: iso(at), body });
  facts.forEach((fact, t) => {
    const trace: Trace = {
      id: `trace-${t}`,
      exists: fact.exists,
      ts: BASE + fact.at,
      name: fact.name ?? null,
      userId: fact.userId ?? null,
      sessionId: fact.sessionId ?? null,
      release: fact.release ?? null,
      version: fact.version ?? null,
      environment: fact.environment ?? "default",
      // De-duplicated and sorted by UTF-16 code unit (ingestion.md §3.6).
      tags: [...new Set(fact.tags)].sort(),
      metadata: { ...fact.metadata },
    };
    traces.set(trace.id, trace);
    if (trace.exists) {
      event("trace-create", trace.ts, {
        id: trace.id,
        timestamp: iso(trace.ts),
        name: fact.name,
        userId: fact.userId,
        sessionId: fact.sessionId,
        release: fact.release,
        version: fact.version,
        environment: fact.environment,
        tags: fact.tags,
        metadata: fact.metadata,
      });
    }
    const own: Observation[] = [];
    fact.observations.forEach((o, n) => {
      const generation = GENERATION_TYPES.has(o.type);
      const start = trace.ts + o.offset;
      const end = o.type === "EVENT" || o.duration === undefined ? null : start + o.duration;
      const completionStart = generation && end !== null && o.firstToken !== undefined ? start + Math.floor(o.firstToken * (end - start)) : null;
      const providedCost = generation && o.cost ? Object.fromEntries(o.cost[0].map((key, i) => [key, o.cost![1][i]!])) : undefined;
      const observation: Observation = {
        id: `obs-${t}-${n}`,
        traceId: trace.id,
        type: o.type,
        parentId: o.parent !== undefined && own.length > 0 ? own[o.parent % own.length]!.id : null,
        start,
        end,
        completionStart,
        name: o.name ?? null,
        level: o.level ?? "DEFAULT",
        version: o.version ?? null,
        environment: o.environment ?? "default",
        model: generation ? (o.model ?? null) : null,
        usage: generation ? storedUsage(o.usage) : {},
        ...storedCost(providedCost),
        metadata: { ...o.metadata },
      };
      own.push(observation);
      observations.push(observation);
      const common = {
        id: observation.id,
        traceId: trace.id,
        environment: o.environment,
        parentObservationId: observation.parentId ?? undefined,
      };
      const created = { ...common, name: o.name, startTime: iso(start), level: o.level, version: o.version, metadata: o.metadata };
      const ended = end === null ? {} : { endTime: iso(end) };
      const measured = generation
        ? {
            completionStartTime: completionStart === null ? undefined : iso(completionStart),
            usageDetails: o.usage,
            costDetails: providedCost && Object.fromEntries(Object.entries(providedCost).map(([key, micros]) => [key, micros / 1e6])),
          }
        : {};
      const model = generation ? { model: o.model } : {};
      const createType = `${o.type.toLowerCase()}-create`;
      // Spans and generations sometimes arrive as a create and a later update, as SDKs send them.
      if (o.split && (o.type === "SPAN" || o.type === "GENERATION")) {
        event(createType, start, { ...created, ...model });
        event(`${o.type.toLowerCase()}-update`, start + 1, { ...common, ...ended, ...measured });
      } else {
        event(createType, start, { ...created, ...model, ...ended, ...measured });
      }
    });
    fact.scores.forEach((s, n) => {
      const observation = s.target === "observation" && own.length > 0 ? own[s.observation % own.length]! : undefined;
      const session = s.target === "session";
      const value = s.dataType === "NUMERIC" ? s.numeric : s.dataType === "BOOLEAN" ? s.flag : s.category;
      const score: Score = {
        id: `score-${t}-${n}`,
        ts: trace.ts + s.offset,
        traceId: session ? null : trace.id,
        observationId: observation?.id ?? null,
        sessionId: session ? s.session : null,
        name: s.name,
        dataType: s.dataType,
        value: typeof value === "number" ? value : 0,
        stringValue: typeof value === "string" ? value : null,
        environment: s.environment ?? "default",
        source: s.source ?? "API",
        metadata: { ...s.metadata },
      };
      scores.push(score);
      event("score-create", score.ts, {
        id: score.id,
        name: s.name,
        value,
        dataType: s.explicitType || s.dataType === "BOOLEAN" ? s.dataType : undefined,
        ...(session ? { sessionId: s.session } : { traceId: trace.id, observationId: observation?.id }),
        environment: s.environment,
        source: s.source,
        metadata: s.metadata,
      });
    });
  });
  return { traces, observations, scores, events };
}

const data = buildDataSet(fc.sample(fc.array(traceArb, { minLength: TRACE_COUNT, maxLength: TRACE_COUNT }), { seed: SEED, numRuns: 1 })[0]!);
const createdTrace = (id: string | null) => {
  const trace = id === null ? undefined : data.traces.get(id);
  return trace?.exists ? trace : undefined;
};
const observationById = new Map(data.observations.map((o) => [o.id, o]));

// ---- The oracle: views as metrics.md §3 declares them --------------------------------------------

interface Window {
  from: number;
  to: number;
}
/** Both ends inclusive (§6.1). */
const within = (ms: number, window: Window) => ms >= window.from && ms <= window.to;

type Value = string | number | boolean | null | string[];
/** One row of a view: an entity, and under a map expansion (`costType`/`usageType`) one of its entries. */
interface Row<E> {
  entity: E;
  entry?: { key: string; value: number };
}

interface OracleDimension<E> {
  kind: "string" | "array" | "boolean" | "number";
  value(row: Row<E>): Value;
  /** v2 `nullIf(raw, '')` dimensions: filters read the raw column with '' and NULL alike (§5.3). */
  raw?(entity: E): string | null;
  /** Relation whose INNER join the dimension needs (§3.6); v2's trace attributes need none. */
  relation?: string;
  /** v2 only: usable only as a top-N dimension (§2.3). */
  highCardinality?: boolean;
  /** What a gap-filled row carries (§6.4): NULL for nullable columns, else the type's default. */
  fill: Value;
  /** A map expansion (§3.1 pair-expand): not filterable. */
  expands?: "cost" | "usage";
}

interface OracleMeasure<E> {
  value(row: Row<E>, window: Window): number | string | null;
  kind: "number" | "string";
  /** Nullable results stay NULL when empty or gap-filled (§6.4, §7.2). */
  nullable: boolean;
  relation?: string;
  requires?: string;
  /** Costs are computed in millionths. */
  scale?: number;
  /** A decimal column: ClickHouse's quantile of no decimals is 0, not NaN. */
  decimal?: boolean;
}

interface OracleView<E> {
  version: "v1" | "v2";
  name: string;
  entities: E[];
  time(entity: E): number;
  timeColumn: string;
  metadata(entity: E): Record<string, string>;
  dimensions: Record<string, OracleDimension<E>>;
  measures: Record<string, OracleMeasure<E>>;
  /** INNER relations: whether the entity finds its partner inside the window (§3.6). */
  joins: Record<string, (entity: E, window: Window) => boolean>;
  /** Filter columns ending in `Name` that are not dimensions resolve to `name` (§5.1). */
  nameAliases: string[];
}

const month = (ms: number) => iso(ms).slice(0, 7);
const nonEmpty = (value: string | null | undefined) => (value === null || value === undefined || value === "" ? null : value);
const sumWhereKey = (map: Record<string, number>, part: string) =>
  Object.entries(map)
    .filter(([key]) => key.toLowerCase().includes(part))
    .reduce((total, [, value]) => total + value, 0);
/** ClickHouse's `date_diff`: unit boundaries crossed (§3.1), so whole seconds of the two instants. */
const secondsCrossed = (from: number, to: number) => Math.floor(to / 1000) - Math.floor(from / 1000);
const perSecond = (units: number, seconds: number | null) => (seconds === null || seconds === 0 ? null : units / seconds);

const scoresOfObservation = (o: Observation, window: Window) => data.scores.filter((s) => s.observationId === o.id && within(s.ts, window));
const string = <E>(value: (entity: E) => string | null, extra: Partial<OracleDimension<E>> = {}): OracleDimension<E> => ({
  kind: "string",
  value: (row) => value(row.entity),
  fill: extra.fill !== undefined ? extra.fill : null,
  ...extra,
});
/** A v2 `nullIf(raw, '')` dimension (§3.1, §5.3). */
const emptyAsNull = <E>(raw: (entity: E) => string | null | undefined, extra: Partial<OracleDimension<E>> = {}): OracleDimension<E> => ({
  kind: "string",
  value: (row) => nonEmpty(raw(row.entity)),
  raw: (entity) => raw(entity) ?? null,
  fill: null,
  ...extra,
});

/** The per-observation measures both versions share (§3.1; v1 §3.4). */
function observationMeasures(version: "v1" | "v2"): Record<string, OracleMeasure<Observation>> {
  const number = (value: (o: Observation, window: Window) => number | null, nullable: boolean, extra: Partial<OracleMeasure<Observation>> = {}): OracleMeasure<Observation> => ({
    kind: "number",
    value: (row, window) => value(row.entity, window),
    nullable,
    ...extra,
  });
  return {
    count: number(() => 1, false),
    latency: number((o) => (o.end === null ? null : o.end - o.start), true),
    streamingLatency: number((o) => (o.end === null || o.completionStart === null ? null : o.end - o.completionStart), true),
    timeToFirstToken: number((o) => (o.completionStart === null ? null : o.completionStart - o.start), true),
    inputTokens: number((o) => sumWhereKey(o.usage, "input"), false),
    outputTokens: number((o) => sumWhereKey(o.usage, "output"), false),
    totalTokens: number((o) => o.usage.total ?? 0, false),
    outputTokensPerSecond: number(
      (o) => perSecond(sumWhereKey(o.usage, "output"), o.end === null || o.completionStart === null ? null : secondsCrossed(o.completionStart, o.end)),
      true,
    ),
    tokensPerSecond: number((o) => perSecond(o.usage.total ?? 0, o.end === null ? null : secondsCrossed(o.start, o.end)), true),
    inputCost: number((o) => sumWhereKey(o.costMicros, "input"), false, { scale: 1e-6, decimal: true }),
    outputCost: number((o) => sumWhereKey(o.costMicros, "output"), false, { scale: 1e-6, decimal: true }),
    // v1 sums the nullable column; v2 reads cost_details['total'], 0 when absent (§3.1, §3.4).
    totalCost: number((o) => (version === "v1" ? o.totalCostMicros : (o.totalCostMicros ?? 0)), true, { scale: 1e-6 }),
    countScores: number((o, window) => scoresOfObservation(o, window).length, false, { relation: "scores" }),
  };
}

const observationJoins = {
  scores: (o: Observation, window: Window) => scoresOfObservation(o, window).length > 0,
};

const tracesV1: OracleView<Trace> = {
  version: "v1",
  name: "traces",
  entities: [...data.traces.values()].filter((t) => t.exists),
  time: (t) => t.ts,
  timeColumn: "timestamp",
  metadata: (t) => t.metadata,
  dimensions: {
    id: string((t) => t.id, { fill: "" }),
    name: string((t) => t.name),
    tags: { kind: "array", value: (row) => row.entity.tags, fill: [] },
    userId: string((t) => t.userId),
    sessionId: string((t) => t.sessionId),
    release: string((t) => t.release),
    version: string((t) => t.version),
    environment: string((t) => t.environment, { fill: "" }),
    timestampMonth: string((t) => month(t.ts), { fill: "" }),
  },
  measures: (() => {
    const windowed = (t: Trace, window: Window) => data.observations.filter((o) => o.traceId === t.id && within(o.start, window));
    const number = (value: (t: Trace, window: Window) => number | null, nullable: boolean, extra: Partial<OracleMeasure<Trace>> = {}): OracleMeasure<Trace> => ({
      kind: "number",
      value: (row, window) => value(row.entity, window),
      nullable,
      ...extra,
    });
    return {
      count: number(() => 1, false),
      observationsCount: number((t, w) => windowed(t, w).length, false, { relation: "observations" }),
      scoresCount: number((t, w) => data.scores.filter((s) => s.traceId === t.id && within(s.ts, w)).length, false, { relation: "scores" }),
      // Per trace first, then across traces: 1 for a trace with a user, so `sum` counts traces (§3.3).
      uniqueUserIds: number((t) => (t.userId === null ? 0 : 1), false),
      uniqueSessionIds: number((t) => (t.sessionId === null ? 0 : 1), false),
      latency: number(
        (t, w) => {
          const own = windowed(t, w);
          const ends = own.map((o) => o.end).filter((end): end is number => end !== null);
          return ends.length === 0 ? null : Math.max(...ends) - Math.min(...own.map((o) => o.start));
        },
        true,
        { relation: "observations" },
      ),
      totalTokens: number((t, w) => windowed(t, w).reduce((sum, o) => sum + (o.usage.total ?? 0), 0), false, { relation: "observations" }),
      totalCost: number(
        (t, w) => {
          const costs = windowed(t, w)
            .map((o) => o.totalCostMicros)
            .filter((cost): cost is number => cost !== null);
          return costs.length === 0 ? null : costs.reduce((a, b) => a + b, 0);
        },
        true,
        { relation: "observations", scale: 1e-6 },
      ),
    };
  })(),
  joins: {
    observations: (t, w) => data.observations.some((o) => o.traceId === t.id && within(o.start, w)),
    scores: (t, w) => data.scores.some((s) => s.traceId === t.id && within(s.ts, w)),
  },
  nameAliases: ["traceName"],
};

/** v1 observations: stored values as they are; trace attributes through an INNER, windowed join (§3.4). */
const observationsV1: OracleView<Observation> = {
  version: "v1",
  name: "observations",
  entities: data.observations,
  time: (o) => o.start,
  timeColumn: "start_time",
  metadata: (o) => o.metadata,
  dimensions: {
    id: string((o) => o.id, { fill: "" }),
    traceId: string((o) => o.traceId, { fill: "" }),
    environment: string((o) => o.environment, { fill: "" }),
    parentObservationId: string((o) => o.parentId),
    type: string((o) => o.type, { fill: "" }),
    name: string((o) => o.name),
    level: string((o) => o.level, { fill: "" }),
    version: string((o) => o.version),
    providedModelName: string((o) => o.model),
    promptName: string(() => null),
    startTimeMonth: string((o) => month(o.start), { fill: "" }),
    traceName: string((o) => createdTrace(o.traceId)!.name, { relation: "trace" }),
    tags: { kind: "array", value: (row) => createdTrace(row.entity.traceId)!.tags, relation: "trace", fill: [] },
    userId: string((o) => createdTrace(o.traceId)!.userId, { relation: "trace" }),
    sessionId: string((o) => createdTrace(o.traceId)!.sessionId, { relation: "trace" }),
    traceRelease: string((o) => createdTrace(o.traceId)!.release, { relation: "trace" }),
    traceVersion: string((o) => createdTrace(o.traceId)!.version, { relation: "trace" }),
  },
  measures: observationMeasures("v1"),
  joins: {
    ...observationJoins,
    trace: (o, w) => {
      const trace = createdTrace(o.traceId);
      return trace !== undefined && within(trace.ts, w);
    },
  },
  nameAliases: ["observationName"],
};

const isRoot = (o: Observation) => o.parentId === null || o.parentId === "";

/** v2 observations: '' reads as NULL; the trace's attributes as if denormalized, never dropping a row (§3.1). */
const observationsV2: OracleView<Observation> = {
  version: "v2",
  name: "observations",
  entities: data.observations,
  time: (o) => o.start,
  timeColumn: "start_time",
  // The events table holds the trace's metadata under the observation's, whose keys win (ingestion.md §4.6).
  metadata: (o) => ({ ...createdTrace(o.traceId)?.metadata, ...o.metadata }),
  dimensions: {
    id: string((o) => o.id, { fill: "", highCardinality: true }),
    traceId: string((o) => o.traceId, { fill: "", highCardinality: true }),
    environment: emptyAsNull((o) => o.environment),
    parentObservationId: emptyAsNull((o) => o.parentId, { highCardinality: true }),
    isRootObservation: { kind: "boolean", value: (row) => isRoot(row.entity), fill: false },
    type: string((o) => o.type, { fill: "" }),
    name: string((o) => o.name ?? "", { fill: "" }),
    level: string((o) => o.level, { fill: "" }),
    version: emptyAsNull((o) => o.version),
    userId: emptyAsNull((o) => createdTrace(o.traceId)?.userId, { highCardinality: true }),
    sessionId: emptyAsNull((o) => createdTrace(o.traceId)?.sessionId, { highCardinality: true }),
    tags: { kind: "array", value: (row) => createdTrace(row.entity.traceId)?.tags ?? [], fill: [] },
    release: emptyAsNull((o) => createdTrace(o.traceId)?.release),
    // TRACE_NAME: the trace's name, else the root observation's own (§3.1).
    traceName: string((o) => nonEmpty(createdTrace(o.traceId)?.name) ?? (isRoot(o) ? nonEmpty(o.name) : null)),
    traceRelease: emptyAsNull((o) => createdTrace(o.traceId)?.release),
    // Reference quirk: the observation's own version (§3.1, §10).
    traceVersion: emptyAsNull((o) => o.version),
    providedModelName: emptyAsNull((o) => o.model),
    promptName: emptyAsNull(() => null),
    startTimeMonth: string((o) => month(o.start), { fill: "" }),
    costType: { kind: "string", value: (row) => row.entry!.key, fill: "", expands: "cost" },
    usageType: { kind: "string", value: (row) => row.entry!.key, fill: "", expands: "usage" },
  },
  measures: {
    ...observationMeasures("v2"),
    traceId: { kind: "string", value: (row) => row.entity.traceId, nullable: false },
    uniqueUserIds: { kind: "string", value: (row) => nonEmpty(createdTrace(row.entity.traceId)?.userId), nullable: true },
    uniqueSessionIds: { kind: "string", value: (row) => nonEmpty(createdTrace(row.entity.traceId)?.sessionId), nullable: true },
    costByType: { kind: "number", value: (row) => row.entry!.value, nullable: false, requires: "costType", scale: 1e-6, decimal: true },
    usageByType: { kind: "number", value: (row) => row.entry!.value, nullable: false, requires: "usageType" },
  },
  joins: observationJoins,
  nameAliases: ["observationName"],
};

type ScoreViewName = "scores-numeric" | "scores-categorical" | "scores-boolean";
/** Which data types each score view holds: boolean scores are numeric 0/1 too (§3.2). */
const SEGMENTS: Record<ScoreViewName, Array<Score["dataType"]>> = {
  "scores-numeric": ["NUMERIC", "BOOLEAN"],
  "scores-categorical": ["CATEGORICAL"],
  "scores-boolean": ["BOOLEAN"],
};

function scoreView(version: "v1" | "v2", name: ScoreViewName): OracleView<Score> {
  const trace = (s: Score) => createdTrace(s.traceId)!;
  const observation = (s: Score) => observationById.get(s.observationId!)!;
  const common: Record<string, OracleDimension<Score>> = {
    id: string((s) => s.id, { fill: "", highCardinality: true }),
    environment: string((s) => s.environment, { fill: "" }),
    name: string((s) => s.name, { fill: "" }),
    evaluatorId: string((s) => nonEmpty(s.metadata.evaluator_id) ?? s.metadata.job_configuration_id ?? "", { fill: "", highCardinality: true }),
    source: string((s) => s.source, { fill: "" }),
    dataType: string((s) => s.dataType, { fill: "" }),
    traceId: string((s) => s.traceId, { highCardinality: true }),
    configId: string(() => null),
    timestampMonth: string((s) => month(s.ts), { fill: "" }),
    timestampDay: string((s) => iso(s.ts).slice(0, 10), { fill: "" }),
    observationId: string((s) => s.observationId, { highCardinality: true }),
  };
  const joined: Record<string, OracleDimension<Score>> = version === "v1"
    ? {
        // v1: as stored, and `sessionId` is the trace's session (§3.5).
        traceName: string((s) => trace(s).name, { relation: "trace" }),
        tags: { kind: "array", value: (row) => trace(row.entity).tags, relation: "trace", fill: [] },
        userId: string((s) => trace(s).userId, { relation: "trace" }),
        sessionId: string((s) => trace(s).sessionId, { relation: "trace" }),
        traceRelease: string((s) => trace(s).release, { relation: "trace" }),
        traceVersion: string((s) => trace(s).version, { relation: "trace" }),
        observationName: string((s) => observation(s).name, { relation: "observation" }),
        observationModelName: string((s) => observation(s).model, { relation: "observation" }),
        observationPromptName: string(() => null, { relation: "observation" }),
      }
    : {
        // v2: the score's own session (§3.2).
        sessionId: string((s) => s.sessionId, { highCardinality: true }),
        datasetRunId: emptyAsNull(() => null, { highCardinality: true }),
        traceName: emptyAsNull((s) => trace(s).name, { relation: "trace" }),
        userId: emptyAsNull((s) => trace(s).userId, { relation: "trace", highCardinality: true }),
        tags: { kind: "array", value: (row) => trace(row.entity).tags, relation: "trace", fill: [] },
        traceRelease: emptyAsNull((s) => trace(s).release, { relation: "trace" }),
        traceVersion: emptyAsNull((s) => trace(s).version, { relation: "trace" }),
        observationName: string((s) => observation(s).name ?? "", { relation: "observation", fill: "" }),
        observationModelName: emptyAsNull((s) => observation(s).model, { relation: "observation" }),
        observationPromptName: emptyAsNull(() => null, { relation: "observation" }),
      };
  const valueDimension: Record<ScoreViewName, Record<string, OracleDimension<Score>>> = {
    "scores-numeric": { value: { kind: "number", value: (row) => row.entity.value, fill: 0 } },
    "scores-categorical": { stringValue: string((s) => s.stringValue) },
    "scores-boolean": { booleanValue: { kind: "boolean", value: (row) => row.entity.value === 1, fill: false } },
  };
  const measures: Record<string, OracleMeasure<Score>> = { count: { kind: "number", value: () => 1, nullable: false } };
  if (name !== "scores-categorical") measures.value = { kind: "number", value: (row) => row.entity.value, nullable: false };
  return {
    version,
    name,
    entities: data.scores.filter((s) => SEGMENTS[name].includes(s.dataType)),
    time: (s) => s.ts,
    timeColumn: "timestamp",
    metadata: (s) => s.metadata,
    dimensions: { ...common, ...joined, ...valueDimension[name] },
    measures,
    joins: {
      trace: (s, w) => {
        const partner = createdTrace(s.traceId);
        return partner !== undefined && within(partner.ts, w);
      },
      observation: (s, w) => {
        const partner = s.observationId === null ? undefined : observationById.get(s.observationId);
        return partner !== undefined && partner.traceId === s.traceId && within(partner.start, w);
      },
    },
    nameAliases: ["scoreName"],
  };
}

const SCORE_VIEWS: ScoreViewName[] = ["scores-numeric", "scores-categorical", "scores-boolean"];
const VIEWS = {
  v1: [tracesV1, observationsV1, ...SCORE_VIEWS.map((name) => scoreView("v1", name))] as Array<OracleView<unknown>>,
  v2: [observationsV2, ...SCORE_VIEWS.map((name) => scoreView("v2", name))] as Array<OracleView<unknown>>,
};
/** How often each view is drawn: the observation and trace views have the most to get wrong. */
const VIEW_WEIGHTS: Record<string, number> = { traces: 2, observations: 4, "scores-numeric": 1, "scores-categorical": 1, "scores-boolean": 1 };

// ---- Queries ---------------------------------------------------------------------------------------

type Aggregation = "sum" | "avg" | "count" | "max" | "min" | "p50" | "p75" | "p90" | "p95" | "p99" | "histogram" | "uniq";
const NUMBER_AGGREGATIONS: Aggregation[] = ["sum", "avg", "count", "max", "min", "p50", "p75", "p90", "p95", "p99", "histogram", "uniq"];
const STRING_AGGREGATIONS: Aggregation[] = ["count", "uniq"];
type Granularity = "minute" | "hour" | "day" | "week" | "month";

type Filter =
  | { column: string; type: "string"; operator: "=" | "contains" | "does not contain" | "starts with" | "ends with"; value: string }
  | { column: string; type: "stringOptions"; operator: "any of" | "none of"; value: string[] }
  | { column: string; type: "arrayOptions"; operator: "any of" | "none of" | "all of"; value: string[] }
  | { column: string; type: "number"; operator: "=" | ">" | "<" | ">=" | "<="; value: number }
  | { column: string; type: "boolean"; operator: "=" | "<>"; value: boolean }
  | { column: string; type: "null"; operator: "is null" | "is not null"; value: "" }
  | { column: string; type: "datetime"; operator: ">" | "<" | ">=" | "<="; value: string }
  | { column: string; type: "stringObject"; key: string; operator: "=" | "contains" | "does not contain" | "starts with" | "ends with"; value: string };

interface Query {
  view: string;
  dimensions: Array<{ field: string }>;
  metrics: Array<{ measure: string; aggregation: Aggregation }>;
  filters: Filter[];
  timeDimension: { granularity: Granularity | "auto" } | null;
  fromTimestamp: string;
  toTimestamp: string;
  orderBy: Array<{ field: string; direction: "asc" | "desc" }> | null;
  config?: { bins?: number; row_limit?: number };
}

const STRING_OPERATORS = ["=", "contains", "does not contain", "starts with", "ends with"] as const;
const pick = <T>(g: fc.GeneratorValue, items: readonly T[]): T => g(() => fc.constantFrom(...items));
const chance = (g: fc.GeneratorValue, percent: number) => g(fc.integer, { min: 0, max: 99 }) < percent;

/** A dimension's value for a witness entity, or undefined when its relation has no partner. */
function witnessValue<E>(dimension: OracleDimension<E>, witness: E | undefined): Value | undefined {
  if (witness === undefined) return undefined;
  try {
    return dimension.raw ? dimension.raw(witness) : dimension.value({ entity: witness });
  } catch {
    return undefined;
  }
}

/** Values a filter may compare with: those the data has, bits of them, and some it has not. */
function valuePool<E>(view: OracleView<E>, dimension: OracleDimension<E>): string[] {
  const values = new Set<string>(["", "zz-absent"]);
  for (const entity of view.entities) {
    const value = witnessValue(dimension, entity);
    if (typeof value === "string") values.add(value);
  }
  return [...values].sort();
}
const pools = new Map<string, string[]>();
function poolOf<E>(view: OracleView<E>, field: string): string[] {
  const key = `${view.version} ${view.name} ${field}`;
  if (!pools.has(key)) pools.set(key, valuePool(view, view.dimensions[field]!));
  return pools.get(key)!;
}

/** The operand of a string operator: the value for `=`, else a piece of it the operator can find. */
function operand(g: fc.GeneratorValue, operator: (typeof STRING_OPERATORS)[number], value: string): string {
  const cut = g(fc.integer, { min: 0, max: value.length });
  if (operator === "=") return value;
  if (operator === "starts with") return value.slice(0, cut);
  if (operator === "ends with") return value.slice(cut);
  return value.slice(cut, g(fc.integer, { min: cut, max: value.length }));
}

/** Mostly the witness's own value, so that filters keep some rows; else anything from the pool. */
function stringFilter(g: fc.GeneratorValue, column: string, pool: string[], own: Value | undefined): Filter {
  const value = typeof own === "string" && chance(g, 70) ? own : pick(g, pool);
  switch (pick(g, ["string", "string", "stringOptions", "null"] as const)) {
    case "string": {
      const operator = pick(g, STRING_OPERATORS);
      return { column, type: "string", operator, value: operand(g, operator, value) };
    }
    case "stringOptions": {
      const others = g(fc.subarray, pool, { maxLength: Math.min(2, pool.length) });
      return { column, type: "stringOptions", operator: pick(g, ["any of", "any of", "none of"] as const), value: [...new Set([value, ...others])] };
    }
    case "null":
      return { column, type: "null", operator: pick(g, ["is null", "is not null"] as const), value: "" };
  }
}

/**
 * A filter on a dimension, the raw time column, metadata or a `*Name` alias (§5.1), its value
 * mostly taken from `witness`, an entity inside the window.
 */
function filterOf<E>(g: fc.GeneratorValue, view: OracleView<E>, witness: E | undefined): Filter {
  const filterable = Object.entries(view.dimensions).filter(([, d]) => !d.expands);
  const kind = pick(g, ["dimension", "dimension", "dimension", "time", "metadata", "alias"] as const);
  const own = witness !== undefined && chance(g, 70);
  if (kind === "time") {
    const at = own ? view.time(witness!) : BASE + g(fc.integer, { min: -3 * DAY, max: 12 * DAY });
    return { column: view.timeColumn, type: "datetime", operator: pick(g, [">", "<", ">=", "<="] as const), value: iso(at) };
  }
  if (kind === "metadata") {
    const mine = own ? Object.keys(view.metadata(witness!)) : [];
    const key = mine.length > 0 ? pick(g, mine) : pick(g, [...new Set(view.entities.flatMap((e) => Object.keys(view.metadata(e)))), "absent-key"].sort());
    const values = [...new Set(view.entities.map((e) => view.metadata(e)[key]).filter((v): v is string => v !== undefined)), "x"].sort();
    const value = mine.length > 0 ? view.metadata(witness!)[key]! : pick(g, values);
    const operator = pick(g, STRING_OPERATORS);
    return { column: "metadata", type: "stringObject", key, operator, value: operand(g, operator, value) };
  }
  if (kind === "alias") return stringFilter(g, pick(g, view.nameAliases), poolOf(view, "name"), own ? witnessValue(view.dimensions.name!, witness) : undefined);
  const [column, dimension] = pick(g, filterable);
  const value = own ? witnessValue(dimension, witness) : undefined;
  switch (dimension.kind) {
    case "string":
      return stringFilter(g, column, poolOf(view, column), value);
    case "array": {
      if (chance(g, 10)) return { column, type: "null", operator: pick(g, ["is null", "is not null"] as const), value: "" };
      const tags = Array.isArray(value) && value.length > 0 ? value : [...TAGS, "zz"];
      return {
        column,
        type: "arrayOptions",
        operator: pick(g, ["any of", "none of", "all of"] as const),
        value: g(fc.subarray, tags, { minLength: 1, maxLength: Math.min(2, tags.length) }),
      };
    }
    case "boolean":
      return { column, type: "boolean", operator: pick(g, ["=", "<>"] as const), value: typeof value === "boolean" ? value : g(fc.boolean) };
    case "number":
      return { column, type: "number", operator: pick(g, ["=", ">", "<", ">=", "<="] as const), value: typeof value === "number" ? value : g(fc.integer, { min: -1, max: 10 }) };
  }
}

/** Long windows weigh more: the data spans five weeks, and a window with nothing in it tests little. */
const DURATIONS = [20 * MINUTE, 3 * HOUR, 26 * HOUR, 4 * DAY, 12 * DAY, 12 * DAY, 45 * DAY, 45 * DAY, 80 * DAY];

/** A window whose ends are often exact data times, so both inclusive ends are tested (§6.1). */
function windowOf(g: fc.GeneratorValue, times: number[]): Window {
  const from = chance(g, 50) ? pick(g, times) : BASE + g(fc.integer, { min: -3 * DAY, max: 12 * DAY });
  const later = times.filter((t) => t > from && t - from <= 40 * DAY);
  const to = later.length > 0 && chance(g, 40) ? pick(g, later) : from + pick(g, DURATIONS);
  return { from, to };
}

/** A granularity whose gap-filled series stays short; `auto` resolves by §6.2's thresholds. */
function granularityFor(g: fc.GeneratorValue, window: Window): Granularity | "auto" {
  const span = window.to - window.from;
  const fitting: Array<Granularity | "auto"> = ["auto", "week", "month"];
  if (span <= 6 * HOUR) fitting.push("minute");
  if (span <= 15 * DAY) fitting.push("hour");
  if (span <= 100 * DAY) fitting.push("day");
  return pick(g, fitting);
}

function metricsQuery<E>(g: fc.GeneratorValue, view: OracleView<E>): Query {
  const times = view.entities.map((e) => view.time(e));
  const window = windowOf(g, times);
  let dimensions: string[] = g(fc.shuffledSubarray, Object.keys(view.dimensions), { maxLength: 2 });
  let metrics: Query["metrics"] = [];
  for (let i = g(fc.integer, { min: 0, max: 3 }); i > 0; i -= 1) {
    const measure = pick(g, Object.keys(view.measures));
    const aggregation = pick(g, view.measures[measure]!.kind === "string" ? STRING_AGGREGATIONS : NUMBER_AGGREGATIONS);
    if (!metrics.some((m) => m.measure === measure && m.aggregation === aggregation)) metrics.push({ measure, aggregation });
  }
  // At most one map expansion per query, counting the one a measure adds (§3.1).
  const expansionOf = (field: string) => view.dimensions[field]?.expands;
  const expansions = [
    ...dimensions.map(expansionOf),
    ...metrics.map((m) => (view.measures[m.measure]!.requires ? expansionOf(view.measures[m.measure]!.requires!) : undefined)),
  ].filter(Boolean);
  if (expansions.length > 0) {
    const kept = expansions[0];
    dimensions = dimensions.filter((field) => !expansionOf(field) || expansionOf(field) === kept);
    metrics = metrics.filter((m) => !view.measures[m.measure]!.requires || expansionOf(view.measures[m.measure]!.requires!) === kept);
  }
  const inside = view.entities.filter((e) => within(view.time(e), window));
  const filters = Array.from({ length: pick(g, [0, 0, 1, 1, 1, 2, 3]) }, () => filterOf(g, view, inside.length > 0 ? pick(g, inside) : undefined));
  let timeDimension: Query["timeDimension"] = chance(g, 40) ? { granularity: granularityFor(g, window) } : null;
  const config: Query["config"] = {};
  if (chance(g, 25)) config.row_limit = g(fc.integer, { min: 1, max: 40 });
  if (chance(g, 30)) config.bins = g(fc.integer, { min: 1, max: 12 });
  const metricKey = (m: Query["metrics"][number]) => `${m.aggregation}_${m.measure}`;
  let orderBy: Query["orderBy"] = null;
  if (chance(g, 30)) {
    const fields = [...dimensions, ...(timeDimension ? ["time_dimension"] : []), ...metrics.filter((m) => m.aggregation !== "histogram").map(metricKey)];
    if (fields.length > 0)
      orderBy = g(fc.shuffledSubarray, fields, { minLength: 1, maxLength: Math.min(2, fields.length) }).map((field) => ({ field, direction: pick(g, ["asc", "desc"] as const) }));
  }
  // v2 takes a high-cardinality dimension only as a top-N query (§2.3).
  if (view.version === "v2" && dimensions.some((field) => view.dimensions[field]!.highCardinality)) {
    timeDimension = null;
    if (!metrics.some((m) => m.aggregation !== "histogram")) metrics.push({ measure: "count", aggregation: "count" });
    const ranked = metricKey(metrics.find((m) => m.aggregation !== "histogram")!);
    config.row_limit ??= g(fc.integer, { min: 1, max: 40 });
    orderBy = [{ field: ranked, direction: "desc" }, ...dimensions.map((field) => ({ field, direction: "asc" as const }))];
  }
  return {
    view: view.name,
    dimensions: dimensions.map((field) => ({ field })),
    metrics,
    filters,
    timeDimension,
    fromTimestamp: iso(window.from),
    toTimestamp: iso(window.to),
    orderBy,
    ...(Object.keys(config).length > 0 ? { config } : {}),
  };
}

// ---- Expected answers ------------------------------------------------------------------------------

function stringMatches(operator: (typeof STRING_OPERATORS)[number], value: string, operand: string): boolean {
  switch (operator) {
    case "=":
      return value === operand;
    case "contains":
      return value.includes(operand);
    case "does not contain":
      return !value.includes(operand);
    case "starts with":
      return value.startsWith(operand);
    case "ends with":
      return value.endsWith(operand);
  }
}

const compare = (operator: "=" | ">" | "<" | ">=" | "<=", a: number, b: number) =>
  operator === "=" ? a === b : operator === ">" ? a > b : operator === "<" ? a < b : operator === ">=" ? a >= b : a <= b;

function matches<E>(view: OracleView<E>, filter: Filter, entity: E): boolean {
  if (filter.type === "stringObject") {
    // The key must exist, whatever the operator (§5.4).
    const metadata = view.metadata(entity);
    return Object.hasOwn(metadata, filter.key) && stringMatches(filter.operator, metadata[filter.key]!, filter.value);
  }
  if (filter.type === "datetime") return compare(filter.operator, view.time(entity), Date.parse(filter.value));
  const dimension = view.dimensions[filter.column] ?? view.dimensions.name!;
  if (dimension.raw && (filter.type === "string" || filter.type === "stringOptions" || filter.type === "null")) {
    // '' and NULL are one (§5.3).
    const raw = dimension.raw(entity);
    const empty = raw === null || raw === "";
    if (filter.type === "null") return filter.operator === "is null" ? empty : !empty;
    if (filter.type === "string") {
      if (filter.operator === "does not contain") return !empty && !raw!.includes(filter.value);
      if (filter.value === "") return empty;
      return raw !== null && stringMatches(filter.operator, raw, filter.value);
    }
    const listsEmpty = filter.value.includes("");
    if (filter.operator === "any of") return (raw !== null && filter.value.includes(raw)) || (listsEmpty && raw === null);
    return raw !== null && !filter.value.includes(raw) && (listsEmpty || raw !== "");
  }
  const value = dimension.value({ entity });
  switch (filter.type) {
    case "null":
      return filter.operator === "is null" ? value === null : value !== null;
    // A NULL matches no comparison, `does not contain` and `none of` included (§5.2).
    case "string":
      return typeof value === "string" && stringMatches(filter.operator, value, filter.value);
    case "stringOptions":
      return typeof value === "string" && (filter.operator === "any of") === filter.value.includes(value);
    case "arrayOptions": {
      const list = value as string[];
      if (filter.operator === "all of") return filter.value.every((item) => list.includes(item));
      return (filter.operator === "any of") === filter.value.some((item) => list.includes(item));
    }
    case "number":
      return compare(filter.operator, value as number, filter.value);
    case "boolean":
      return (value === filter.value) === (filter.operator === "=");
  }
}

const GRANULARITY_THRESHOLDS: Array<[number, Granularity]> = [
  [2, "minute"],
  [72, "hour"],
  [1440, "day"],
  [8760, "week"],
];
function resolveGranularity(granularity: Granularity | "auto", window: Window): Granularity {
  if (granularity !== "auto") return granularity;
  const hours = (window.to - window.from) / HOUR;
  return GRANULARITY_THRESHOLDS.find(([limit]) => hours < limit)?.[1] ?? "month";
}

/** The start of the UTC bucket holding `ms` (§6.2); weeks start on Monday. */
function bucketStart(granularity: Granularity, ms: number): number {
  const d = new Date(ms);
  switch (granularity) {
    case "minute":
      return ms - (ms % MINUTE);
    case "hour":
      return ms - (ms % HOUR);
    case "day":
      return ms - (ms % DAY);
    case "week":
      return ms - (ms % DAY) - ((d.getUTCDay() + 6) % 7) * DAY;
    case "month":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
}
function nextBucket(granularity: Granularity, start: number): number {
  if (granularity === "month") {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return start + { minute: MINUTE, hour: HOUR, day: DAY, week: 7 * DAY }[granularity];
}
/** Date-times for minute and hour buckets, dates for the rest (§6.2). */
function bucketLabel(granularity: Granularity, start: number): string {
  return granularity === "minute" || granularity === "hour" ? `${iso(start).slice(0, 19)}Z` : iso(start).slice(0, 10);
}

/** A histogram is checked by what any adaptive histogram of these values must satisfy (§4.2). */
interface HistogramOf {
  histogramOf: number[];
}
type Expected = Value | HistogramOf;

function quantile(sorted: number[], level: number): number {
  const index = level * (sorted.length - 1);
  const low = Math.floor(index);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (index - low);
}

const LEVELS: Partial<Record<Aggregation, number>> = { p50: 0.5, p75: 0.75, p90: 0.9, p95: 0.95, p99: 0.99 };

/**
 * One aggregate over the values of a group: NULLs are skipped, `count` counts the rest (§4), and an
 * aggregate with nothing to aggregate is NULL for nullable measures, else 0 (avg and quantiles NULL,
 * §7.2). §7.2 says "avg/quantiles null", but the reference's cost measures are decimals and
 * ClickHouse's quantile of no decimals is a decimal 0, so there they are 0. Quantiles interpolate
 * exactly, as ClickHouse's reservoir does below 8192 values (§4).
 */
function aggregate(aggregation: Aggregation, values: Array<number | string | null>, measure: OracleMeasure<unknown>): Expected {
  const present = values.filter((v): v is number | string => v !== null);
  if (aggregation === "count") return present.length;
  if (aggregation === "uniq") return new Set(present).size;
  const numbers = (present as number[]).map((v) => v * (measure.scale ?? 1));
  if (aggregation === "histogram") return { histogramOf: numbers };
  if (numbers.length === 0) {
    if (measure.nullable || aggregation === "avg") return null;
    return LEVELS[aggregation] !== undefined && !measure.decimal ? null : 0;
  }
  const sorted = [...numbers].sort((a, b) => a - b);
  switch (aggregation) {
    case "sum":
      return scaledSum(present as number[], measure);
    case "avg":
      return scaledSum(present as number[], measure) / numbers.length;
    case "min":
      return sorted[0]!;
    case "max":
      return sorted.at(-1)!;
    default:
      return quantile(sorted, LEVELS[aggregation]!);
  }
}
/** Sums in the stored unit (whole millionths for costs), scaled once: exact like ClickHouse's decimals. */
const scaledSum = (values: number[], measure: OracleMeasure<unknown>) => values.reduce((a, b) => a + b, 0) * (measure.scale ?? 1);

/** A gap-filled row's metric (§6.4): 0 for counts, [] for histograms, NULL for nullable results. */
function fillMetric(aggregation: Aggregation, measure: OracleMeasure<unknown> | undefined): Value {
  if (aggregation === "count" || aggregation === "uniq" || !measure) return 0;
  if (aggregation === "histogram") return [];
  return measure.nullable ? null : 0;
}

interface ExpectedAnswer {
  rows: Array<Record<string, Expected>>;
  keys: string[];
  dimensionKeys: string[];
  /** The order the reference promises (§7.3); rows equal under it may come in any order. */
  order: Array<{ field: string; direction: "asc" | "desc" }>;
  limit: number | undefined;
  /** Grouped, every row gap-filled, nothing matched: WITH FILL may or may not emit the filler (§7.2). */
  fillOnly: boolean;
}

function expectedAnswer<E>(view: OracleView<E>, query: Query): ExpectedAnswer {
  const window = { from: Date.parse(query.fromTimestamp), to: Date.parse(query.toTimestamp) };
  const dimensionNames = query.dimensions.map((d) => d.field);
  for (const metric of query.metrics) {
    const required = view.measures[metric.measure]!.requires;
    if (required && !dimensionNames.includes(required)) dimensionNames.push(required);
  }
  const dimensions = dimensionNames.map((name) => [name, view.dimensions[name]!] as const);
  const filterDimension = (f: Filter) => (f.type === "datetime" || f.type === "stringObject" ? undefined : (view.dimensions[f.column] ?? view.dimensions.name));
  const relations = new Set(
    [...dimensions.map(([, d]) => d.relation), ...query.metrics.map((m) => view.measures[m.measure]!.relation), ...query.filters.map((f) => filterDimension(f)?.relation)].filter(
      (relation): relation is string => relation !== undefined && relation in view.joins,
    ),
  );
  const entities = view.entities.filter(
    (e) => within(view.time(e), window) && [...relations].every((relation) => view.joins[relation]!(e, window)) && query.filters.every((f) => matches(view, f, e)),
  );
  const expansion = dimensions.find(([, d]) => d.expands)?.[1].expands;
  const rows: Array<Row<E>> = entities.flatMap((entity) => {
    if (!expansion) return [{ entity }];
    const o = entity as Observation;
    const map = expansion === "cost" ? o.costMicros : o.usage;
    return Object.entries(map).map(([key, value]) => ({ entity, entry: { key, value } }));
  });
  const granularity = query.timeDimension ? resolveGranularity(query.timeDimension.granularity, window) : undefined;
  const metricKeys = query.metrics.length > 0 ? query.metrics.map((m) => `${m.aggregation}_${m.measure}`) : ["count"];
  const keys = [...dimensionNames, ...(granularity ? ["time_dimension"] : []), ...metricKeys];

  const groups = new Map<string, { sample: Record<string, Value>; rows: Array<Row<E>> }>();
  for (const row of rows) {
    const sample: Record<string, Value> = Object.fromEntries(dimensions.map(([name, d]) => [name, d.value(row)]));
    if (granularity) sample.time_dimension = bucketLabel(granularity, bucketStart(granularity, view.time(row.entity)));
    const key = JSON.stringify(sample);
    const group = groups.get(key) ?? { sample, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  const metricsOf = (members: Array<Row<E>>): Record<string, Expected> =>
    query.metrics.length === 0
      ? { count: members.length }
      : Object.fromEntries(
          query.metrics.map((m) => {
            const measure = view.measures[m.measure]!;
            return [
              `${m.aggregation}_${m.measure}`,
              aggregate(
                m.aggregation,
                members.map((row) => measure.value(row, window)),
                measure as OracleMeasure<unknown>,
              ),
            ];
          }),
        );
  const grouped = dimensions.length > 0 || granularity !== undefined;
  const answer: Array<Record<string, Expected>> = grouped ? [...groups.values()].map(({ sample, rows: members }) => ({ ...sample, ...metricsOf(members) })) : [metricsOf(rows)];

  const explicit = query.orderBy !== null && query.orderBy.length > 0;
  let fillOnly = false;
  if (granularity && !explicit) {
    // FROM the window's first bucket inclusive TO its last exclusive, on time alone (§6.4).
    const present = new Set(answer.map((row) => row.time_dimension));
    const last = bucketStart(granularity, window.to);
    fillOnly = answer.length === 0;
    for (let start = bucketStart(granularity, window.from); start < last; start = nextBucket(granularity, start)) {
      const label = bucketLabel(granularity, start);
      if (present.has(label)) continue;
      answer.push({
        ...Object.fromEntries(dimensions.map(([name, d]) => [name, d.fill])),
        time_dimension: label,
        ...Object.fromEntries(
          query.metrics.length === 0
            ? [["count", 0]]
            : query.metrics.map((m) => [`${m.aggregation}_${m.measure}`, fillMetric(m.aggregation, view.measures[m.measure] as OracleMeasure<unknown>)]),
        ),
      });
    }
  }
  let order: ExpectedAnswer["order"] = [];
  if (explicit) order = query.orderBy!;
  else if (granularity) order = [{ field: "time_dimension", direction: "asc" }];
  else if (query.metrics.length > 0) order = [{ field: metricKeys[0]!, direction: "desc" }];
  else if (dimensionNames.length > 0) order = [{ field: dimensionNames[0]!, direction: "asc" }];
  const limit = query.config?.row_limit ?? (view.version === "v2" ? 100 : undefined);
  return { rows: answer, keys, dimensionKeys: [...dimensionNames, ...(granularity ? ["time_dimension"] : [])], order, limit, fillOnly };
}

// ---- Comparing --------------------------------------------------------------------------------------

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Why `actual` is not `expected`, or undefined when it is. */
function difference(expected: Expected, actual: unknown, bins: number): string | undefined {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    const values = expected.histogramOf;
    if (!Array.isArray(actual)) return "not a histogram";
    if (values.length === 0) return actual.length === 0 ? undefined : "a histogram of nothing must be []";
    const triples = actual as Array<[number, number, number]>;
    if (triples.length === 0 || triples.length > bins) return `${triples.length} bins, at most ${bins} allowed`;
    if (
      !close(
        triples.reduce((total, bin) => total + bin[2], 0),
        values.length,
      )
    )
      return `bin heights do not add up to ${values.length} values`;
    if (!close(triples[0]![0], Math.min(...values)) || !close(triples.at(-1)![1], Math.max(...values))) return `bins do not span ${Math.min(...values)}..${Math.max(...values)}`;
    return undefined;
  }
  if (typeof expected === "number" && typeof actual === "number") return close(expected, actual) ? undefined : "differs";
  return JSON.stringify(expected) === JSON.stringify(actual) ? undefined : "differs";
}

/** ClickHouse's order: NULLs last in both directions, strings by bytes, arrays element by element. */
function compareValues(a: unknown, b: unknown, direction: "asc" | "desc"): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  let result: number;
  if (typeof a === "number" && typeof b === "number") result = close(a, b) ? 0 : a - b;
  else if (Array.isArray(a) && Array.isArray(b)) {
    result = 0;
    for (let i = 0; i < Math.min(a.length, b.length) && result === 0; i += 1) result = compareValues(a[i], b[i], "asc");
    if (result === 0) result = a.length - b.length;
  } else result = String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  return direction === "asc" ? result : -result;
}
function compareRows(order: ExpectedAnswer["order"], a: Record<string, unknown>, b: Record<string, unknown>): number {
  for (const { field, direction } of order) {
    const result = compareValues(a[field], b[field], direction);
    if (result !== 0) return result;
  }
  return 0;
}

/**
 * Checks an answer against the expected rows: the same rows, keys in the reference's order, sorted
 * as promised, and under a row limit a prefix of that order (rows tied at the cut may be any).
 */
function checkAnswer(expected: ExpectedAnswer, actual: Array<Record<string, unknown>>, bins: number): void {
  const keyOf = (row: Record<string, unknown>) => JSON.stringify(expected.dimensionKeys.map((key) => row[key]));
  const byKey = new Map(expected.rows.map((row) => [keyOf(row), row]));
  const wanted = expected.fillOnly && actual.length === 0 ? 0 : expected.limit === undefined ? expected.rows.length : Math.min(expected.limit, expected.rows.length);
  expect(actual.length, "number of rows").toBe(wanted);
  const seen = new Set<string>();
  for (const row of actual) {
    const key = keyOf(row);
    const want = byKey.get(key);
    expect(want, `a row the oracle does not have: ${JSON.stringify(row)}`).toBeDefined();
    expect(seen.has(key), `a row twice: ${key}`).toBe(false);
    seen.add(key);
    expect(Object.keys(row), "keys of a row").toEqual(expected.keys);
    for (const field of expected.keys) {
      const why = difference(want![field]!, row[field], bins);
      expect(why, `${field} of ${key}: expected ${JSON.stringify(want![field])}, got ${JSON.stringify(row[field])}`).toBeUndefined();
    }
  }
  const order = expected.order.filter(({ field }) => !field.startsWith("histogram_"));
  if (order.length < expected.order.length) return;
  for (let i = 1; i < actual.length; i += 1) expect(compareRows(order, actual[i - 1]!, actual[i]!), `rows ${i - 1} and ${i} out of order`).toBeLessThanOrEqual(0);
  if (actual.length > 0 && actual.length < expected.rows.length) {
    const last = actual.at(-1)!;
    for (const row of expected.rows) {
      if (!seen.has(keyOf(row))) expect(compareRows(order, row as Record<string, unknown>, last), `${keyOf(row)} belongs before the cut`).toBeGreaterThanOrEqual(0);
    }
  }
}

// ---- Daily metrics (§9) -----------------------------------------------------------------------------

interface DailyQuery {
  page?: number;
  limit?: number;
  traceName?: string;
  userId?: string;
  tags?: string[];
  environment?: string[];
  fromTimestamp?: number;
  toTimestamp?: number;
}

function dailyQuery(g: fc.GeneratorValue): DailyQuery {
  const times = [...data.traces.values()].filter((t) => t.exists).map((t) => t.ts);
  const query: DailyQuery = {};
  if (chance(g, 40)) query.page = g(fc.integer, { min: 1, max: 4 });
  if (chance(g, 50)) query.limit = g(fc.integer, { min: 1, max: 100 });
  if (chance(g, 25)) query.traceName = pick(g, ["checkout", "search", "chat", "Chat", "none"]);
  if (chance(g, 25)) query.userId = pick(g, ["u-1", "u-2", "u-3", "u-4", "none"]);
  if (chance(g, 20)) query.tags = g(fc.subarray, [...TAGS], { minLength: 1, maxLength: 2 });
  if (chance(g, 20)) query.environment = g(fc.subarray, ["default", "production", "staging"], { minLength: 1, maxLength: 2 });
  if (chance(g, 40)) query.fromTimestamp = chance(g, 50) ? pick(g, times) : BASE + g(fc.integer, { min: -6 * DAY, max: 31 * DAY });
  if (chance(g, 40)) query.toTimestamp = chance(g, 50) ? pick(g, times) : BASE + g(fc.integer, { min: -6 * DAY, max: 31 * DAY });
  return query;
}

/**
 * Trace counts per trace day; observation usage per start day and model; the days of both, newest
 * first. `toTimestamp` is exclusive here; a lone `fromTimestamp` keeps observations from an hour
 * before it and joins no traces, any other filter joins them (§9).
 */
function expectedDaily(query: DailyQuery) {
  const day = (ms: number) => iso(ms).slice(0, 10);
  const traceMatches = (t: Trace) =>
    (query.traceName === undefined || t.name === query.traceName) &&
    (query.userId === undefined || t.userId === query.userId) &&
    (query.tags ?? []).every((tag) => t.tags.includes(tag)) &&
    (query.environment === undefined || query.environment.includes(t.environment)) &&
    (query.fromTimestamp === undefined || t.ts >= query.fromTimestamp) &&
    (query.toTimestamp === undefined || t.ts < query.toTimestamp);
  const traceDays = new Map<string, number>();
  for (const trace of data.traces.values()) if (trace.exists && traceMatches(trace)) traceDays.set(day(trace.ts), (traceDays.get(day(trace.ts)) ?? 0) + 1);
  const joinTraces = query.traceName !== undefined || query.userId !== undefined || query.tags !== undefined || query.environment !== undefined || query.toTimestamp !== undefined;
  const observations = data.observations.filter((o) => {
    if (query.fromTimestamp !== undefined && o.start < query.fromTimestamp - HOUR) return false;
    if (query.environment !== undefined && !query.environment.includes(o.environment)) return false;
    if (!joinTraces) return true;
    const trace = createdTrace(o.traceId);
    return trace !== undefined && traceMatches(trace);
  });
  const usage = new Map<string, Map<string, Observation[]>>();
  for (const o of observations) {
    const models = usage.get(day(o.start)) ?? new Map<string, Observation[]>();
    models.set(JSON.stringify(o.model), [...(models.get(JSON.stringify(o.model)) ?? []), o]);
    usage.set(day(o.start), models);
  }
  const costOf = (group: Observation[]) => group.reduce((total, o) => total + (o.totalCostMicros ?? 0), 0) / 1e6;
  const days = [...new Set([...traceDays.keys(), ...usage.keys()])].sort().reverse();
  const page = query.page ?? 1;
  const limit = query.limit ?? 50;
  return {
    data: days.slice((page - 1) * limit, page * limit).map((date) => {
      const models = [...(usage.get(date) ?? new Map<string, Observation[]>())];
      return {
        date,
        countTraces: traceDays.get(date) ?? 0,
        countObservations: models.reduce((total, [, group]) => total + group.length, 0),
        totalCost: models.reduce((total, [, group]) => total + costOf(group), 0),
        usage: models
          .map(([model, group]) => ({
            model: JSON.parse(model) as string | null,
            inputUsage: group.reduce((total, o) => total + sumWhereKey(o.usage, "input"), 0),
            outputUsage: group.reduce((total, o) => total + sumWhereKey(o.usage, "output"), 0),
            totalUsage: group.reduce((total, o) => total + (o.usage.total ?? 0), 0),
            countObservations: group.length,
            countTraces: new Set(group.map((o) => o.traceId)).size,
            totalCost: costOf(group),
          }))
          .sort((a, b) => String(a.model).localeCompare(String(b.model))),
      };
    }),
    meta: { page, limit, totalItems: traceDays.size, totalPages: Math.ceil(traceDays.size / limit) },
  };
}

// ---- The test ---------------------------------------------------------------------------------------

describe("metrics endpoints against a plain-TypeScript oracle", () => {
  let t: TestApp;
  const get = (url: string) => t.app.inject({ method: "GET", url, headers: { authorization: t.project.basic } });

  beforeAll(async () => {
    t = await createTestApp("embedded");
    for (let i = 0; i < data.events.length; i += 500) {
      const response = await t.app.inject({
        method: "POST",
        url: "/api/public/ingestion",
        headers: { authorization: t.project.basic },
        payload: { batch: data.events.slice(i, i + 500) },
      });
      expect(response.statusCode).toBe(207);
      expect(response.json().errors).toEqual([]);
    }
  });
  afterAll(async () => t?.close());

  it.each(["v1", "v2"] as const)("%s metrics answer random queries as the oracle does", async (version) => {
    const path = version === "v2" ? "/api/public/v2/metrics" : "/api/public/metrics";
    const views = VIEWS[version];
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        // Drawn by name: fast-check prints what it drew, and a view holds the whole data set.
        const name = pick(
          g,
          views.flatMap((v) => Array<string>(VIEW_WEIGHTS[v.name]!).fill(v.name)),
        );
        const view = views.find((candidate) => candidate.name === name)!;
        const query = metricsQuery(g, view);
        const response = await get(`${path}?query=${encodeURIComponent(JSON.stringify(query))}`);
        const context = `${version} ${JSON.stringify(query)}\n${response.body.slice(0, 3000)}`;
        expect(response.statusCode, context).toBe(200);
        expectReferenceResponse({ method: "GET", path }, 200, response.json());
        try {
          checkAnswer(expectedAnswer(view, query), response.json().data, query.config?.bins ?? 10);
        } catch (error) {
          throw new Error(`${(error as Error).message}\n${context}`, { cause: error });
        }
      }),
      { seed: SEED, numRuns: Math.ceil((CASES * 2) / 5), endOnFailure: true },
    );
  });

  it("daily metrics answer random filters as the oracle does", async () => {
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        const query = dailyQuery(g);
        const params = new URLSearchParams();
        for (const [key, value] of Object.entries(query)) {
          if (value === undefined) continue;
          params.set(key, Array.isArray(value) ? value.join(",") : key.endsWith("Timestamp") ? iso(value as number) : String(value));
        }
        const response = await get(`/api/public/metrics/daily?${params}`);
        const context = `${params}\n${response.body.slice(0, 3000)}`;
        expect(response.statusCode, context).toBe(200);
        // Not in the reference's OpenAPI document (§9): checked against Wick's own contract.
        const body = DailyMetrics.parse(response.json());
        const expected = expectedDaily(query);
        expect(body.meta, context).toEqual(expected.meta);
        expect(
          body.data.map((d) => d.date),
          context,
        ).toEqual(expected.data.map((d) => d.date));
        body.data.forEach((day, i) => {
          const want = expected.data[i]!;
          expect({ ...day, totalCost: 0, usage: [] }, context).toEqual({ ...want, totalCost: 0, usage: [] });
          expect(close(day.totalCost, want.totalCost), `${day.date} totalCost ${day.totalCost} vs ${want.totalCost}\n${context}`).toBe(true);
          const usage = [...day.usage].sort((a, b) => String(a.model).localeCompare(String(b.model)));
          expect(
            usage.map((u) => ({ ...u, totalCost: 0 })),
            context,
          ).toEqual(want.usage.map((u) => ({ ...u, totalCost: 0 })));
          for (const [j, u] of usage.entries()) expect(close(u.totalCost, want.usage[j]!.totalCost), `${day.date} ${u.model} totalCost\n${context}`).toBe(true);
        });
      }),
      { seed: SEED, numRuns: Math.ceil(CASES / 5), endOnFailure: true },
    );
  });
});
