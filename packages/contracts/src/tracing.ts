import { z } from "zod";
import { CommaListParam, DateTimeParam, LimitParam, PageMeta, PageParam } from "./query-params.ts";

const nullableString = z.string().nullable();
const json = z.unknown().optional();
const counts = z.record(z.string(), z.number());

export const ObservationLevel = z.enum(["DEBUG", "DEFAULT", "WARNING", "ERROR"]).meta({ id: "ObservationLevel" });

export const Usage = z
  .object({
    input: z.number(),
    output: z.number(),
    total: z.number(),
    unit: z.string().nullable(),
  })
  .meta({ id: "Usage" });

/** An observation as the v1 read endpoints return it: every key present, `null` where unset. */
export const ObservationsView = z
  .object({
    id: z.string(),
    projectId: z.string(),
    traceId: nullableString,
    type: z.string(),
    name: nullableString,
    startTime: z.string(),
    endTime: nullableString,
    completionStartTime: nullableString,
    createdAt: z.string(),
    updatedAt: z.string(),
    model: nullableString,
    modelParameters: json,
    input: json,
    output: json,
    metadata: z.record(z.string(), z.unknown()),
    version: nullableString,
    usage: Usage,
    unit: z.string(),
    level: ObservationLevel,
    statusMessage: nullableString,
    parentObservationId: nullableString,
    promptId: nullableString,
    promptName: nullableString,
    promptVersion: z.number().int().nullable(),
    usageDetails: counts,
    costDetails: counts,
    environment: z.string(),
    promptTokens: z.number(),
    completionTokens: z.number(),
    totalTokens: z.number(),
    modelId: nullableString,
    inputPrice: z.number().nullable(),
    outputPrice: z.number().nullable(),
    totalPrice: z.number().nullable(),
    calculatedInputCost: z.number().nullable(),
    calculatedOutputCost: z.number().nullable(),
    calculatedTotalCost: z.number(),
    latency: z.number().nullable(),
    timeToFirstToken: z.number().nullable(),
    usagePricingTierId: nullableString,
    usagePricingTierName: nullableString,
  })
  .meta({ id: "ObservationsView" });

/** A score as v1 responses embed it (`ScoreV1`). */
export const ScoreV1 = z
  .object({
    id: z.string(),
    projectId: z.string(),
    traceId: z.string(),
    observationId: nullableString,
    name: z.string(),
    dataType: z.enum(["NUMERIC", "CATEGORICAL", "BOOLEAN", "TEXT"]),
    value: z.number().optional(),
    stringValue: nullableString.optional(),
    source: z.enum(["API", "EVAL", "ANNOTATION"]),
    timestamp: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    authorUserId: nullableString,
    comment: nullableString,
    metadata: z.record(z.string(), z.unknown()),
    configId: nullableString,
    queueId: nullableString,
    executionTraceId: nullableString,
    environment: z.string(),
  })
  .meta({ id: "ScoreV1" });

const traceBaseFields = {
  id: z.string(),
  projectId: z.string(),
  externalId: z.null(),
  timestamp: z.string(),
  name: nullableString,
  input: json,
  output: json,
  sessionId: nullableString,
  release: nullableString,
  version: nullableString,
  userId: nullableString,
  metadata: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  public: z.boolean(),
  bookmarked: z.boolean(),
  environment: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

const traceFields = {
  ...traceBaseFields,
  htmlPath: z.string(),
  latency: z.number(),
  totalCost: z.number(),
};

export const TraceWithFullDetails = z.object({ ...traceFields, observations: z.array(ObservationsView), scores: z.array(ScoreV1) }).meta({ id: "TraceWithFullDetails" });

/** The `fields` groups of the trace endpoints; `core` is always included. */
export const TraceFieldGroups = ["core", "io", "scores", "observations", "metrics"] as const;

/** A trace in the list: ids of its observations and scores instead of the objects. */
export const TraceWithDetails = z.object({ ...traceFields, observations: z.array(z.string()), scores: z.array(z.string()) }).meta({ id: "TraceWithDetails" });

export const Traces = z.object({ data: z.array(TraceWithDetails), meta: PageMeta }).meta({ id: "Traces" });

export const TRACE_ORDER_COLUMNS = ["id", "timestamp", "name", "userId", "release", "version", "public", "bookmarked", "sessionId"] as const;

export const TraceListQuery = z.object({
  page: PageParam,
  limit: LimitParam,
  userId: z.string().optional(),
  name: z.string().optional(),
  sessionId: z.string().optional(),
  version: z.string().optional(),
  release: z.string().optional(),
  tags: CommaListParam.describe("Only traces that have all of these tags"),
  environment: CommaListParam.describe("Only traces in any of these environments"),
  fromTimestamp: DateTimeParam.describe("Only traces with timestamp at or after this time"),
  toTimestamp: DateTimeParam.describe("Only traces with timestamp before this time"),
  orderBy: z
    .string()
    .regex(/^[A-Za-z]+\.(asc|desc)$/i, "orderBy must look like column.asc or column.desc")
    .optional()
    .describe(`One of ${TRACE_ORDER_COLUMNS.join(", ")}, then .asc or .desc; default timestamp.desc`),
  fields: z.string().optional().describe("Comma-separated groups: core, io, scores, observations, metrics. All when absent."),
  filter: z.preprocess((value) => (value === "" ? undefined : value), z.string().optional()).describe("URL-encoded JSON array of filter conditions on the trace's own fields"),
});

export type TraceListQuery = z.infer<typeof TraceListQuery>;
export type TraceWithDetails = z.infer<typeof TraceWithDetails>;
export type Traces = z.infer<typeof Traces>;

export const ObservationsViews = z.object({ data: z.array(ObservationsView), meta: PageMeta }).meta({ id: "legacyObservationsViews" });

export const ObservationListQuery = z.object({
  page: PageParam,
  limit: LimitParam,
  name: z.string().optional(),
  userId: z.string().optional().describe("Only observations of traces with this user"),
  type: z.string().optional(),
  traceId: z.string().optional(),
  level: ObservationLevel.optional(),
  parentObservationId: z.string().optional(),
  environment: CommaListParam,
  fromStartTime: DateTimeParam,
  toStartTime: DateTimeParam,
  version: z.string().optional(),
  filter: z
    .preprocess((value) => (value === "" ? undefined : value), z.string().optional())
    .describe("URL-encoded JSON array of filter conditions (as v2 observations, without `matches`)"),
});
export type ObservationListQuery = z.infer<typeof ObservationListQuery>;

export const Session = z.object({ id: z.string(), createdAt: z.string(), projectId: z.string(), environment: z.string() }).meta({ id: "Session" });

/** A trace without its details, as a session lists it. */
export const Trace = z.object(traceBaseFields).meta({ id: "Trace" });

export const PaginatedSessions = z.object({ data: z.array(Session), meta: PageMeta }).meta({ id: "PaginatedSessions" });
export const SessionWithTraces = Session.extend({ traces: z.array(Trace) }).meta({ id: "SessionWithTraces" });
export type PaginatedSessions = z.infer<typeof PaginatedSessions>;
export type SessionWithTraces = z.infer<typeof SessionWithTraces>;

export const SessionListQuery = z.object({
  page: PageParam,
  limit: LimitParam,
  fromTimestamp: DateTimeParam.describe("Only sessions first seen at or after this time"),
  toTimestamp: DateTimeParam.describe("Only sessions first seen before this time"),
  // Unlike elsewhere, a single value is taken literally: session environments are not comma-split.
  environment: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value) => (value === undefined ? undefined : Array.isArray(value) ? value : [value])),
});
export type SessionListQuery = z.infer<typeof SessionListQuery>;

export const TraceDetailQuery = z.object({
  fields: z.string().optional().describe("Comma-separated groups: core, io, scores, observations, metrics. All when absent."),
});

export type ObservationsView = z.infer<typeof ObservationsView>;
export type ScoreV1 = z.infer<typeof ScoreV1>;
export type TraceWithFullDetails = z.infer<typeof TraceWithFullDetails>;
