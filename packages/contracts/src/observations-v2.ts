import { z } from "zod";
import { CommaListParam, DateTimeParam } from "./query-params.ts";
import { ObservationLevel } from "./tracing.ts";

export const ObservationTypes = ["GENERATION", "SPAN", "EVENT", "AGENT", "TOOL", "CHAIN", "RETRIEVER", "EVALUATOR", "EMBEDDING", "GUARDRAIL"] as const;

/** The field groups of the v2 observations endpoint; `core` is always included. */
export const ObservationFieldGroups = ["core", "basic", "time", "io", "metadata", "model", "usage", "prompt", "metrics", "trace_context"] as const;
export type ObservationFieldGroup = (typeof ObservationFieldGroups)[number];

const emptyAsAbsent = (value: unknown) => (value === "" ? undefined : value);

export const ObservationsV2Query = z.object({
  fields: z
    .preprocess(emptyAsAbsent, z.union([z.string(), z.array(z.enum(ObservationFieldGroups))]).optional())
    .describe("Comma-separated field groups: core, basic, time, io, metadata, model, usage, prompt, metrics, trace_context. Default core,basic."),
  expandMetadata: z.preprocess(emptyAsAbsent, z.string().optional()).describe("Any key here returns every metadata value untruncated"),
  limit: z.preprocess((value) => (value === "" ? 0 : value), z.coerce.number().int().min(0).max(1000).default(50)).describe("Rows per page, 0–1000, default 50"),
  cursor: z.string().optional().describe("meta.cursor of the previous page"),
  parseIoAsJson: z
    .enum(["true", "false"])
    .optional()
    .refine((value) => value !== "true", "parseIoAsJson is not supported: input and output are always returned as raw strings"),
  traceId: z.string().optional(),
  name: z.string().optional(),
  type: z.enum(ObservationTypes).optional(),
  userId: z.string().optional(),
  sessionId: z.string().optional(),
  level: ObservationLevel.optional(),
  parentObservationId: z.string().optional().describe("Empty: observations without a parent"),
  isRootObservation: z.enum(["true", "false"]).optional(),
  environment: CommaListParam,
  version: z.string().optional(),
  fromStartTime: DateTimeParam,
  toStartTime: DateTimeParam,
  filter: z.preprocess(emptyAsAbsent, z.string().optional()).describe("URL-encoded JSON array of filter conditions"),
});
export type ObservationsV2Query = z.infer<typeof ObservationsV2Query>;

/** One observation: the core keys always, each group's keys when the group was asked for. */
export const ObservationV2 = z
  .object({
    id: z.string(),
    traceId: z.string().nullable(),
    startTime: z.string(),
    endTime: z.string().nullable(),
    projectId: z.string(),
    parentObservationId: z.string().nullable(),
    type: z.string(),
    latency: z.number().nullable(),
    timeToFirstToken: z.number().nullable(),
    modelId: z.string().nullable(),
    inputPrice: z.string().nullable(),
    outputPrice: z.string().nullable(),
    totalPrice: z.string().nullable(),
  })
  .catchall(z.unknown())
  .meta({ id: "ObservationV2" });

export const ObservationsV2Response = z
  .object({ data: z.array(ObservationV2), meta: z.object({ cursor: z.string().optional() }).meta({ id: "ObservationsV2Meta" }) })
  .meta({ id: "ObservationsV2Response" });
export type ObservationV2 = z.infer<typeof ObservationV2>;
