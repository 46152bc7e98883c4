import { z } from "zod";
import { ScoreDataType, ScoreSource } from "./ingestion.ts";
import { CommaListParam, DateTimeParam, LimitParam, PageMeta, PageParam } from "./query-params.ts";
import { ScoreV1 } from "./tracing.ts";

const nullableString = z.string().nullable();
const isGiven = (value: unknown) => value !== undefined && value !== null;
const emptyAsAbsent = (value: unknown) => (value === "" ? undefined : value);

// ---- Score configs ------------------------------------------------------------------------------

export const ScoreConfigDataType = z.enum(["NUMERIC", "BOOLEAN", "CATEGORICAL", "TEXT"]).meta({ id: "ScoreConfigDataType" });

export const ConfigCategory = z.object({ value: z.number(), label: z.string() }).meta({ id: "ConfigCategory" });

/** The categories of every BOOLEAN config: fixed, never chosen by the client. */
export const BOOLEAN_CATEGORIES = [
  { label: "True", value: 1 },
  { label: "False", value: 0 },
];

export interface ScoreConfigDefinition {
  dataType: z.infer<typeof ScoreConfigDataType>;
  minValue?: number | null;
  maxValue?: number | null;
  categories?: Array<{ label: string; value: number }> | null;
}

function isBooleanPair(categories: Array<{ label: string; value: number }>): boolean {
  return categories.length === 2 && BOOLEAN_CATEGORIES.every((fixed) => categories.some((c) => c.label === fixed.label && c.value === fixed.value));
}

/**
 * Why a config's type, range and categories do not fit together, per field (empty when they do).
 * Used on create bodies and again on the stored config merged with a PATCH.
 */
export function scoreConfigIssues(config: ScoreConfigDefinition): Array<{ path: keyof ScoreConfigDefinition; message: string }> {
  const issues: Array<{ path: keyof ScoreConfigDefinition; message: string }> = [];
  const refuse = (path: keyof ScoreConfigDefinition, message: string) => issues.push({ path, message });
  const { dataType, minValue, maxValue, categories } = config;
  if (dataType === "CATEGORICAL" || dataType === "TEXT") {
    if (isGiven(minValue)) refuse("minValue", `minValue is only allowed for NUMERIC configs, not ${dataType}`);
    if (isGiven(maxValue)) refuse("maxValue", `maxValue is only allowed for NUMERIC configs, not ${dataType}`);
  }
  if (dataType === "NUMERIC" && isGiven(minValue) && isGiven(maxValue) && maxValue! <= minValue!) {
    refuse("maxValue", "maxValue must be greater than minValue");
  }
  if ((dataType === "NUMERIC" || dataType === "TEXT") && isGiven(categories)) {
    refuse("categories", `categories are not allowed for ${dataType} configs`);
  }
  if (dataType === "BOOLEAN" && isGiven(categories) && !isBooleanPair(categories!)) {
    refuse("categories", "BOOLEAN configs always have the categories True (1) and False (0); they cannot be set");
  }
  if (dataType === "CATEGORICAL") {
    if (!isGiven(categories)) {
      refuse("categories", "categories are required for CATEGORICAL configs");
    } else {
      if (new Set(categories!.map((c) => c.label)).size !== categories!.length) refuse("categories", "category labels must be unique");
      if (new Set(categories!.map((c) => c.value)).size !== categories!.length) refuse("categories", "category values must be unique");
    }
  }
  return issues;
}

export const ScoreConfig = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    projectId: z.string(),
    dataType: ScoreConfigDataType,
    isArchived: z.boolean(),
    minValue: z.number().nullable(),
    maxValue: z.number().nullable(),
    categories: z.array(ConfigCategory).nullable(),
    description: nullableString,
  })
  .meta({ id: "ScoreConfig" });

export const ScoreConfigs = z.object({ data: z.array(ScoreConfig), meta: PageMeta }).meta({ id: "ScoreConfigs" });

const ScoreConfigName = z
  .string()
  .min(1)
  .max(35)
  .regex(/^[\p{L}\p{N}_ .()-]+$/u, "Name may contain only letters, numbers, underscores, spaces, periods, parentheses and hyphens");

const CategoryInput = z.object({ label: z.string().min(1), value: z.number() });

export const CreateScoreConfigRequest = z
  .object({
    name: ScoreConfigName,
    dataType: ScoreConfigDataType,
    categories: z.array(CategoryInput).nullish().describe("CATEGORICAL only: labels and values, each unique. BOOLEAN configs always get True (1) and False (0)"),
    minValue: z.number().nullish().describe("NUMERIC only (ignored for BOOLEAN): the smallest value a score may have"),
    maxValue: z.number().nullish().describe("NUMERIC only (ignored for BOOLEAN): the largest value a score may have, above minValue"),
    description: z.string().nullish(),
  })
  .superRefine((config, ctx) => {
    for (const issue of scoreConfigIssues(config)) ctx.addIssue({ code: "custom", path: [issue.path], message: issue.message });
  })
  .meta({ id: "CreateScoreConfigRequest" });

export type CreateScoreConfigRequest = z.infer<typeof CreateScoreConfigRequest>;

/** Every field optional but none nullable, so a range cannot be cleared; the type cannot change. */
export const UpdateScoreConfigRequest = z
  .object({
    isArchived: z.boolean().optional(),
    name: ScoreConfigName.optional(),
    categories: z.array(CategoryInput).optional(),
    minValue: z.number().optional(),
    maxValue: z.number().optional(),
    description: z.string().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, "Request body cannot be empty. Send at least one of isArchived, name, categories, minValue, maxValue, description.")
  .meta({ id: "UpdateScoreConfigRequest" });

export type UpdateScoreConfigRequest = z.infer<typeof UpdateScoreConfigRequest>;
export type ScoreConfig = z.infer<typeof ScoreConfig>;

export const ScoreConfigParams = z.object({ configId: z.string().describe("The unique langfuse identifier of a score config") });

export const ScoreConfigListQuery = z.object({ page: PageParam, limit: LimitParam });

// ---- Creating scores ----------------------------------------------------------------------------

export const CreateScoreSource = z.enum(["API", "ANNOTATION"]).meta({ id: "CreateScoreSource" });

/** `POST /scores`: ids are idempotency keys; empty strings count as absent, as upstream reads them. */
export const CreateScoreRequest = z
  .object({
    id: nullableString.optional().describe("Idempotency key; generated when absent. Posting the same id again updates the score"),
    traceId: nullableString.optional(),
    sessionId: nullableString.optional(),
    observationId: nullableString.optional(),
    datasetRunId: nullableString.optional(),
    name: z.string().min(1).describe("Replaced by the config's name when configId is given"),
    value: z.union([z.number(), z.string()]).describe("A number for NUMERIC and BOOLEAN (0 or 1), a string for CATEGORICAL, TEXT (1–500 characters) and CORRECTION"),
    comment: nullableString.optional(),
    metadata: z
      .unknown()
      .refine((value) => value !== null, "metadata cannot be null")
      .optional(),
    environment: nullableString.optional(),
    queueId: nullableString.optional(),
    dataType: ScoreDataType.nullish().describe("Inferred from the config, else from the value: a number is NUMERIC, a string CATEGORICAL"),
    configId: nullableString.optional().describe("The score must fit this config (type, range, categories), or the request is refused with 400"),
    source: CreateScoreSource.nullish(),
  })
  .superRefine((score, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    const targets = [score.traceId, score.sessionId, score.datasetRunId].filter(Boolean);
    if (targets.length !== 1) issue("traceId", "Provide exactly one of traceId, sessionId or datasetRunId");
    if (score.observationId && !score.traceId) issue("observationId", "observationId requires traceId");
    const dataType = score.dataType ?? (typeof score.value === "number" ? "NUMERIC" : "CATEGORICAL");
    const { value } = score;
    if (dataType === "NUMERIC" && typeof value !== "number") issue("value", "NUMERIC scores need a number value");
    if (dataType === "BOOLEAN" && value !== 0 && value !== 1) issue("value", "BOOLEAN scores need the value 0 or 1");
    if ((dataType === "CATEGORICAL" || dataType === "CORRECTION") && typeof value !== "string") issue("value", `${dataType} scores need a string value`);
    if (dataType === "TEXT" && (typeof value !== "string" || value.length < 1 || value.length > 500)) issue("value", "TEXT scores need a string value of 1 to 500 characters");
    if (dataType === "CORRECTION" && score.configId) issue("configId", "CORRECTION scores cannot have a configId");
    if (score.source === "ANNOTATION" && dataType !== "CORRECTION" && !score.configId) {
      issue("configId", "configId is required when source is ANNOTATION (except for CORRECTION scores).");
    }
  })
  .meta({ id: "CreateScoreRequest" });

export type CreateScoreRequest = z.infer<typeof CreateScoreRequest>;

export const CreateScoreResponse = z.object({ id: z.string() }).meta({ id: "CreateScoreResponse" });

export const ScoreIdParams = z.object({ scoreId: z.string().describe("The unique langfuse identifier of a score") });

// ---- Reading scores: v2 and the legacy v1 list --------------------------------------------------

const SCORE_FIELD_GROUPS = ["score", "trace"] as const;

/** `fields` of the v1/v2 lists: unknown names dropped, both groups when absent or empty. */
export function scoreFieldGroups(fields: string | undefined): Set<"score" | "trace"> {
  if (fields === undefined || fields.trim() === "") return new Set(SCORE_FIELD_GROUPS);
  const named = fields.split(",").map((name) => name.trim());
  return new Set(SCORE_FIELD_GROUPS.filter((group) => named.includes(group)));
}

const optionalNumber = z.preprocess(emptyAsAbsent, z.coerce.number().optional());
/** A comma-separated list; empty counts as absent. */
const commaList = z
  .string()
  .optional()
  .transform((value) => {
    const items = value
      ?.split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
    return items?.length ? items : undefined;
  });

const legacyListFields = {
  page: PageParam,
  limit: LimitParam,
  userId: z.string().optional().describe("Only scores of traces of this user; needs the trace field group"),
  name: z.string().optional(),
  fromTimestamp: DateTimeParam.describe("Only scores with timestamp at or after this time"),
  toTimestamp: DateTimeParam.describe("Only scores with timestamp before this time"),
  environment: CommaListParam.describe("Only scores in any of these environments"),
  source: ScoreSource.optional(),
  operator: z.enum(["<", ">", "<=", ">=", "!=", "="]).optional().describe("Compares the score value with `value`; both must be given"),
  value: optionalNumber,
  scoreIds: commaList.describe("Comma-separated score ids"),
  configId: z.string().optional(),
  queueId: z.string().optional(),
  dataType: ScoreDataType.optional(),
  traceTags: CommaListParam.describe("Only scores of traces that have all of these tags; needs the trace field group"),
  fields: z.string().optional().describe("Comma-separated groups: score, trace. Both when absent"),
  filter: z.preprocess(emptyAsAbsent, z.string().optional()).describe("A URL-encoded JSON array of filter conditions on score columns, e.g. stringObject on metadata"),
};

export const LegacyScoreListQuery = z.object(legacyListFields);

export const ScoreListQuery = z
  .object({
    ...legacyListFields,
    sessionId: z.string().optional(),
    datasetRunId: z.string().optional(),
    traceId: z.string().optional(),
    observationId: commaList.describe("Comma-separated observation ids"),
  })
  .superRefine((query, ctx) => {
    const groups = scoreFieldGroups(query.fields);
    if (!groups.has("score")) ctx.addIssue({ code: "custom", path: ["fields"], message: "Scores needs to be selected always." });
    if (!groups.has("trace")) {
      for (const name of ["userId", "traceTags"] as const) {
        if (query[name] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: "Cannot filter by trace properties (userId, traceTags) when 'trace' field is not included. Add 'trace' to fields or remove these filters.",
          });
        }
      }
    }
  });

export type LegacyScoreListQuery = z.infer<typeof LegacyScoreListQuery>;
export type ScoreListQuery = z.infer<typeof ScoreListQuery>;

/** A score in the v2 shape: every link and data type. `value` is left out for TEXT. */
export const Score = z
  .object({
    id: z.string(),
    projectId: z.string(),
    environment: z.string(),
    name: z.string(),
    dataType: ScoreDataType,
    source: ScoreSource,
    value: z.number().optional(),
    stringValue: nullableString,
    authorUserId: nullableString,
    comment: nullableString,
    configId: nullableString,
    queueId: nullableString,
    executionTraceId: nullableString,
    metadata: z.record(z.string(), z.unknown()),
    timestamp: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    traceId: nullableString,
    observationId: nullableString,
    sessionId: nullableString,
    datasetRunId: nullableString,
  })
  .meta({ id: "Score" });

export const GetScoresResponseTraceData = z
  .object({ userId: nullableString, tags: z.array(z.string()).nullable(), environment: nullableString, sessionId: nullableString })
  .meta({ id: "GetScoresResponseTraceData" });

export const GetScoresResponseData = Score.extend({ trace: GetScoresResponseTraceData.nullable() }).meta({ id: "GetScoresResponseData" });

export const GetScoresResponse = z.object({ data: z.array(GetScoresResponseData), meta: PageMeta }).meta({ id: "GetScoresResponse" });

/** A legacy v1 list item: a trace score with its trace's user, tags and environment. */
export const LegacyScoreWithTrace = ScoreV1.extend({
  trace: z.object({ userId: nullableString, tags: z.array(z.string()), environment: nullableString }),
}).meta({ id: "LegacyScoreWithTrace" });

export const LegacyGetScoresResponse = z.object({ data: z.array(LegacyScoreWithTrace), meta: PageMeta }).meta({ id: "LegacyGetScoresResponse" });

export type Score = z.infer<typeof Score>;
export type GetScoresResponseData = z.infer<typeof GetScoresResponseData>;
export type LegacyScoreWithTrace = z.infer<typeof LegacyScoreWithTrace>;

// ---- Reading scores: v3 (cursor) ----------------------------------------------------------------

const SCORE_V3_FIELD_GROUPS = ["core", "details", "subject", "annotation"] as const;
export type ScoreV3FieldGroup = (typeof SCORE_V3_FIELD_GROUPS)[number];

export const ScoreSubjectV3 = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("trace"), id: z.string() }),
    z.object({ kind: z.literal("observation"), id: z.string(), traceId: nullableString.optional() }),
    z.object({ kind: z.literal("session"), id: z.string() }),
    z.object({ kind: z.literal("experiment"), id: z.string() }),
  ])
  .meta({ id: "ScoreSubjectV3" });

/** Core keys always; the keys of a field group only when it was asked for. */
export const ScoreV3 = z
  .object({
    id: z.string(),
    projectId: z.string(),
    name: z.string(),
    dataType: ScoreDataType,
    value: z.union([z.number(), z.boolean(), z.string()]).describe("NUMERIC: number, BOOLEAN: boolean, CATEGORICAL, TEXT, CORRECTION: string"),
    source: ScoreSource,
    timestamp: z.string(),
    environment: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    comment: nullableString.optional(),
    configId: nullableString.optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    authorUserId: nullableString.optional(),
    queueId: nullableString.optional(),
    subject: ScoreSubjectV3.optional(),
  })
  .meta({ id: "ScoreV3" });

export const GetScoresV3Meta = z
  .object({ limit: z.number().int(), cursor: z.string().optional().describe("Pass as `cursor` for the next page; absent on the last page") })
  .meta({ id: "GetScoresV3Meta" });

export const GetScoresV3Response = z.object({ data: z.array(ScoreV3), meta: GetScoresV3Meta }).meta({ id: "GetScoresV3Response" });

export type ScoreV3 = z.infer<typeof ScoreV3>;

/** A comma list of enum values, matched case-insensitively and returned upper-case. */
function enumList(values: readonly string[]) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      const items = text
        ?.split(",")
        .map((item) => item.trim().toUpperCase())
        .filter((item) => item.length > 0);
      for (const item of items ?? []) {
        if (!values.includes(item)) ctx.addIssue({ code: "custom", message: `Invalid value ${item}; expected one of ${values.join(", ")}` });
      }
      return items?.length ? items : undefined;
    });
}

/** Any date the JavaScript Date constructor reads, as ISO; empty counts as absent. */
const looseDate = z.preprocess(
  emptyAsAbsent,
  z
    .string()
    .refine((value) => !Number.isNaN(new Date(value).getTime()), "Invalid date")
    .transform((value) => new Date(value).toISOString())
    .optional(),
);

const v3Fields = z
  .string()
  .optional()
  .transform((text, ctx) => {
    const named = (text ?? "")
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name.length > 0);
    for (const name of named) {
      if (!(SCORE_V3_FIELD_GROUPS as readonly string[]).includes(name)) {
        ctx.addIssue({ code: "custom", message: `Unknown field group ${name}; expected any of ${SCORE_V3_FIELD_GROUPS.join(", ")}` });
      }
    }
    return new Set<ScoreV3FieldGroup>(["core", ...(named as ScoreV3FieldGroup[])]);
  });

const unsupportedInV3 = z.preprocess(emptyAsAbsent, z.unknown());

/** `GET /v3/scores`: strict, so an unknown parameter (`page` included) is a 400. */
export const ScoreV3ListQuery = z
  .strictObject({
    limit: LimitParam,
    cursor: z.string().optional().describe("The `meta.cursor` of the previous page"),
    fields: v3Fields.describe("Comma-separated groups besides core: details, subject, annotation"),
    id: commaList,
    name: commaList,
    source: enumList(ScoreSource.options).describe("Comma-separated, case-insensitive: API, EVAL, ANNOTATION"),
    dataType: enumList(ScoreDataType.options).describe("Comma-separated, case-insensitive: NUMERIC, BOOLEAN, CATEGORICAL, TEXT, CORRECTION"),
    environment: commaList,
    configId: commaList,
    queueId: commaList,
    authorUserId: commaList,
    value: commaList.describe("Comma-separated exact values; needs exactly one dataType of NUMERIC, BOOLEAN (true/false) or CATEGORICAL"),
    valueMin: optionalNumber.describe("Inclusive; needs dataType=NUMERIC"),
    valueMax: optionalNumber.describe("Inclusive; needs dataType=NUMERIC"),
    traceId: commaList,
    sessionId: commaList,
    observationId: commaList.describe("Needs traceId"),
    experimentId: commaList.describe("Dataset run ids"),
    fromTimestamp: looseDate.describe("Only scores with timestamp at or after this time"),
    toTimestamp: looseDate.describe("Only scores with timestamp before this time"),
    userId: unsupportedInV3.describe("Not supported in v3: always 400"),
    traceTags: unsupportedInV3.describe("Not supported in v3: always 400"),
  })
  .superRefine((query, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    for (const name of ["userId", "traceTags"] as const) {
      if (query[name] !== undefined) issue(name, `Filtering by ${name} requires a trace JOIN and is not supported in v3`);
    }
    if (query.observationId && !query.traceId) issue("observationId", "observationId requires traceId");
    const subjects = (["traceId", "sessionId", "experimentId"] as const).filter((name) => query[name] !== undefined);
    if (subjects.length > 1) issue(subjects[1]!, `Give at most one of traceId, sessionId and experimentId, not ${subjects.join(" and ")}`);
    const single = query.dataType?.length === 1 ? query.dataType[0] : undefined;
    if (query.value) {
      if (single !== "NUMERIC" && single !== "BOOLEAN" && single !== "CATEGORICAL") {
        issue("value", "value requires exactly one dataType, which must be NUMERIC, BOOLEAN or CATEGORICAL");
      } else if (single === "NUMERIC" && query.value.some((v) => !Number.isFinite(Number(v)))) {
        issue("value", "NUMERIC values must be finite numbers");
      } else if (single === "BOOLEAN" && query.value.some((v) => v !== "true" && v !== "false")) {
        issue("value", "BOOLEAN values must be true or false");
      }
    }
    for (const name of ["valueMin", "valueMax"] as const) {
      if (query[name] !== undefined && single !== "NUMERIC") issue(name, `${name} requires dataType=NUMERIC`);
    }
  });

export type ScoreV3ListQuery = z.infer<typeof ScoreV3ListQuery>;
