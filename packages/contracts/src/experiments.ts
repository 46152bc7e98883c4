import { z } from "zod";
import { CommaListParam, LimitParam } from "./query-params.ts";
import { ScoreV3 } from "./scores.ts";
import { ObservationLevel } from "./tracing.ts";

const emptyAsAbsent = (value: unknown) => (value === "" ? undefined : value);

export const EXPERIMENT_FIELD_GROUPS = ["core", "metadata", "scores"] as const;
export type ExperimentFieldGroup = (typeof EXPERIMENT_FIELD_GROUPS)[number];
export const EXPERIMENT_ITEM_FIELD_GROUPS = ["core", "dataset", "io", "metadata", "itemMetadata", "experimentMetadata", "scores"] as const;
export type ExperimentItemFieldGroup = (typeof EXPERIMENT_ITEM_FIELD_GROUPS)[number];

/** `fields`: a comma list of known groups (an unknown one is a 400), the defaults when absent; core always. */
function fieldGroups<Group extends string>(known: readonly Group[], defaults: readonly Group[]) {
  return z.preprocess(
    emptyAsAbsent,
    z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return new Set<Group>(["core" as Group, ...defaults]);
        const named = text
          .split(",")
          .map((name) => name.trim())
          .filter((name) => name.length > 0);
        for (const name of named) {
          if (!(known as readonly string[]).includes(name)) ctx.addIssue({ code: "custom", message: `Invalid field group '${name}'. Expected any of ${known.join(", ")}` });
        }
        return new Set<Group>(["core" as Group, ...(named as Group[])]);
      }),
  );
}

/** Scores per experiment or item: 1–50, default 50. */
const ScoreLimitParam = z.preprocess(emptyAsAbsent, z.coerce.number().int().min(1).max(50).default(50));
/** The window both endpoints read: events starting at or after `fromStartTime` (required) and before `toStartTime`. */
const window = {
  fromStartTime: z.iso.datetime({ offset: true }).describe("Events starting at or after this instant (required)"),
  toStartTime: z.preprocess(emptyAsAbsent, z.iso.datetime({ offset: true }).optional()).describe("Events starting before this instant"),
};
const paging = {
  limit: LimitParam.describe("Rows per page, 1–100, default 50"),
  scoreLimit: ScoreLimitParam.describe("Scores per row when fields has scores, 1–50, default 50"),
  cursor: z.preprocess(emptyAsAbsent, z.string().optional()).describe("meta.cursor of the previous page"),
  filter: z.preprocess(emptyAsAbsent, z.string().optional()).describe("URL-encoded JSON array of filter conditions"),
};

export const ExperimentsQuery = z.object({
  fields: fieldGroups(EXPERIMENT_FIELD_GROUPS, []).describe("Comma-separated field groups: core, metadata, scores. Default core"),
  ...paging,
  ...window,
  id: CommaListParam.describe("Comma-separated experiment ids"),
  name: CommaListParam.describe("Comma-separated experiment names"),
  datasetId: CommaListParam.describe("Comma-separated dataset ids"),
});
export type ExperimentsQuery = z.infer<typeof ExperimentsQuery>;

export const ExperimentItemsQuery = z.object({
  fields: fieldGroups(EXPERIMENT_ITEM_FIELD_GROUPS, ["dataset"]).describe(
    "Comma-separated field groups: core, dataset, io, metadata, itemMetadata, experimentMetadata, scores. Default core,dataset",
  ),
  ...paging,
  ...window,
  experimentId: CommaListParam.describe("Comma-separated experiment ids"),
  experimentName: CommaListParam.describe("Comma-separated experiment names"),
  experimentItemId: CommaListParam.describe("Comma-separated experiment item ids"),
  datasetId: CommaListParam.describe("Comma-separated dataset ids"),
});
export type ExperimentItemsQuery = z.infer<typeof ExperimentItemsQuery>;

const StringMap = z.record(z.string(), z.unknown());

/** One experiment as seen through the window: its aggregates cover the events inside it. */
export const Experiment = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    startTime: z.string().describe("Earliest event start in the window"),
    endTime: z.string().describe("Latest event end (or start) in the window"),
    itemCount: z.number().int().describe("Distinct item root spans in the window"),
    datasetId: z.string().nullable(),
    metadata: StringMap.nullable().optional().describe("With fields=metadata"),
    scores: z.array(ScoreV3).nullable().optional().describe("With fields=scores: the experiment's own scores, newest first"),
  })
  .meta({ id: "Experiment" });
export type Experiment = z.infer<typeof Experiment>;

export const ExperimentsResponseMeta = z.object({ cursor: z.string().optional() }).meta({ id: "ExperimentsResponseMeta" });

export const ExperimentsResponse = z.object({ data: z.array(Experiment), meta: ExperimentsResponseMeta }).meta({ id: "ExperimentsResponse" });

/** One experiment item: the span that stands for the item (its root span). */
export const ExperimentItem = z
  .object({
    id: z.string(),
    traceId: z.string(),
    startTime: z.string(),
    endTime: z.string().nullable(),
    level: ObservationLevel,
    environment: z.string(),
    experimentId: z.string(),
    experimentName: z.string(),
    experimentItemId: z.string(),
    experimentDatasetId: z.string().nullable().optional(),
    experimentItemVersion: z.string().nullable().optional(),
    input: z.unknown().optional(),
    output: z.unknown().optional(),
    expectedOutput: z.unknown().optional(),
    metadata: StringMap.nullable().optional(),
    experimentItemMetadata: StringMap.nullable().optional(),
    experimentMetadata: StringMap.nullable().optional(),
    experimentDescription: z.string().nullable().optional(),
    scores: z.array(ScoreV3).nullable().optional().describe("With fields=scores: scores of the root span and of its trace"),
  })
  .meta({ id: "ExperimentItem" });
export type ExperimentItem = z.infer<typeof ExperimentItem>;

export const ExperimentItemsResponse = z.object({ data: z.array(ExperimentItem), meta: ExperimentsResponseMeta }).meta({ id: "ExperimentItemsResponse" });

// ---- Feedback about Wick itself ------------------------------------------------------------------

export const FeedbackTargetType = z.enum(["skill", "mcp-tool", "cli", "docs", "public-api", "other"]).meta({ id: "FeedbackTargetType" });

/** Strict: an unknown key, a null optional field or an over-long text is a 400 naming the field. */
export const SubmitFeedbackRequest = z
  .strictObject({
    targetType: FeedbackTargetType,
    target: z.string().trim().min(1).max(200),
    feedback: z.string().trim().min(1).max(3000),
    goal: z.string().trim().min(1).max(1500).optional(),
    referenceUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
  })
  .meta({ id: "SubmitFeedbackRequest" });
export type SubmitFeedbackRequest = z.infer<typeof SubmitFeedbackRequest>;

export const SubmitFeedbackResponse = z.object({ id: z.string() }).meta({ id: "SubmitFeedbackResponse" });
