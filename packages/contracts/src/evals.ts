import { z } from "zod";
import { LimitParam, PageMeta, PageParam } from "./query-params.ts";

// ---- shared (resources.md §9.4, §9.5) ------------------------------------------------------------

export const EvaluatorType = z.enum(["llm_as_judge", "code"]).meta({ id: "unstableEvaluatorType" });
export type EvaluatorType = z.infer<typeof EvaluatorType>;

export const SourceCodeLanguage = z.enum(["PYTHON", "TYPESCRIPT"]).meta({ id: "unstableCodeEvaluatorSourceCodeLanguage" });
export type SourceCodeLanguage = z.infer<typeof SourceCodeLanguage>;

export const EvaluationRuleTarget = z.enum(["observation", "experiment"]).meta({ id: "unstableEvaluationRuleTarget" });
export type EvaluationRuleTarget = z.infer<typeof EvaluationRuleTarget>;

export const MAPPING_SOURCES = ["input", "output", "metadata", "tool_calls", "expected_output", "experiment_item_metadata"] as const;
export const MappingSource = z.enum(MAPPING_SOURCES).meta({ id: "unstableEvaluationRuleMappingSource" });
export type MappingSource = z.infer<typeof MappingSource>;

/** A mapping entry as clients send it; whether its source suits the target is the service's rule. */
export const MappingInput = z.strictObject({ variable: z.string().min(1), source: MappingSource, jsonPath: z.string().min(1).optional() });
export type MappingInput = z.infer<typeof MappingInput>;

/** As stored and read back: legacy entries may lack a source. */
export const ReadMapping = z
  .object({ variable: z.string(), source: MappingSource.nullable(), jsonPath: z.string().nullable().optional() })
  .meta({ id: "unstableEvaluationRuleReadMapping" });
export type ReadMapping = z.infer<typeof ReadMapping>;

export const ModelConfig = z.strictObject({ provider: z.string().min(1), model: z.string().min(1) }).meta({ id: "unstableEvaluatorModelConfig" });
export type ModelConfig = z.infer<typeof ModelConfig>;

// ---- evaluators (resources.md §9.4) --------------------------------------------------------------

const Description = z.string().trim().min(1);
const FieldDefinition = z.strictObject({ description: Description });

/** The score's shape as clients send it: no `version`, descriptions trimmed. */
export const OutputDefinitionInput = z.discriminatedUnion("dataType", [
  z.strictObject({
    dataType: z.literal("NUMERIC"),
    reasoning: FieldDefinition,
    score: z
      .strictObject({ description: Description, minValue: z.number().nullable().optional(), maxValue: z.number().nullable().optional() })
      .refine((score) => score.minValue == null || score.maxValue == null || score.minValue <= score.maxValue, {
        message: "minValue must not exceed maxValue",
        path: ["minValue"],
      }),
  }),
  z.strictObject({ dataType: z.literal("BOOLEAN"), reasoning: FieldDefinition, score: FieldDefinition }),
  z.strictObject({
    dataType: z.literal("CATEGORICAL"),
    reasoning: FieldDefinition,
    score: z.strictObject({ description: Description, categories: z.array(z.string().trim().min(1)).min(2), shouldAllowMultipleMatches: z.boolean() }),
  }),
]);
export type OutputDefinitionInput = z.infer<typeof OutputDefinitionInput>;

const OutputField = z.object({ description: z.string() });
export const OutputDefinition = z
  .discriminatedUnion("dataType", [
    z.object({
      dataType: z.literal("NUMERIC"),
      reasoning: OutputField,
      score: z.object({ description: z.string(), minValue: z.number().nullable().optional(), maxValue: z.number().nullable().optional() }),
    }),
    z.object({ dataType: z.literal("BOOLEAN"), reasoning: OutputField, score: OutputField }),
    z.object({
      dataType: z.literal("CATEGORICAL"),
      reasoning: OutputField,
      score: z.object({ description: z.string(), categories: z.array(z.string()), shouldAllowMultipleMatches: z.boolean() }),
    }),
  ])
  .meta({ id: "unstablePublicEvaluatorOutputDefinition" });
export type OutputDefinition = z.infer<typeof OutputDefinition>;

/** The reference's code-size cap: 256 KiB of UTF-8. */
export const MAX_SOURCE_CODE_BYTES = 262_144;

/**
 * Strict: fields of the other type are refused. `type` may be left out and then means
 * `llm_as_judge`, as the reference keeps it for older clients; so no named component.
 */
export const CreateEvaluatorRequest = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("llm_as_judge").default("llm_as_judge"),
    name: z.string().min(1),
    prompt: z.string().min(1),
    outputDefinition: OutputDefinitionInput,
    modelConfig: ModelConfig.nullable().optional(),
    mapping: z.array(MappingInput).nullable().optional(),
  }),
  z.strictObject({
    type: z.literal("code"),
    name: z.string().min(1),
    sourceCode: z
      .string()
      .min(1)
      .refine((code) => new TextEncoder().encode(code).length <= MAX_SOURCE_CODE_BYTES, { message: `sourceCode must be at most ${MAX_SOURCE_CODE_BYTES} bytes` }),
    sourceCodeLanguage: SourceCodeLanguage,
  }),
]);
export type CreateEvaluatorRequest = z.infer<typeof CreateEvaluatorRequest>;

const evaluatorBase = {
  id: z.string(),
  name: z.string(),
  version: z.number().int(),
  variables: z.array(z.string()),
  mapping: z.array(ReadMapping).nullable(),
  evaluationRuleCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const Evaluator = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("llm_as_judge"), ...evaluatorBase, prompt: z.string(), outputDefinition: OutputDefinition, modelConfig: ModelConfig.nullable() }),
    z.object({ type: z.literal("code"), ...evaluatorBase, sourceCode: z.string(), sourceCodeLanguage: SourceCodeLanguage }),
  ])
  .meta({ id: "unstableEvaluator" });
export type Evaluator = z.infer<typeof Evaluator>;

export const EvaluatorList = z.object({ data: z.array(Evaluator), meta: PageMeta }).meta({ id: "unstableEvaluators" });
export const EvaluatorListQuery = z.strictObject({ page: PageParam, limit: LimitParam });
export const EvaluatorParams = z.object({ evaluatorId: z.string() });
export const DeleteEvaluatorResponse = z.object({ message: z.string() }).meta({ id: "unstableDeleteEvaluatorResponse" });

// ---- evaluation rules (resources.md §9.5) --------------------------------------------------------

const stringOperator = z.enum(["=", "contains", "does not contain", "starts with", "ends with"]);
const numberOperator = z.enum(["=", ">", "<", ">=", "<="]);
const optionsOperator = z.enum(["any of", "none of"]);

/** A rule filter's shape; which columns a target offers, with which types and values, is the service's rule. */
export const EvaluationRuleFilter = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("datetime"), column: z.string(), operator: numberOperator, value: z.iso.datetime({ offset: true }) }),
    z.strictObject({ type: z.literal("string"), column: z.string(), operator: stringOperator, value: z.string() }),
    z.strictObject({ type: z.literal("number"), column: z.string(), operator: numberOperator, value: z.number() }),
    z.strictObject({ type: z.literal("stringOptions"), column: z.string(), operator: optionsOperator, value: z.array(z.string()) }),
    z.strictObject({ type: z.literal("categoryOptions"), column: z.string(), key: z.string(), operator: optionsOperator, value: z.array(z.string()) }),
    z.strictObject({ type: z.literal("arrayOptions"), column: z.string(), operator: z.enum(["any of", "none of", "all of"]), value: z.array(z.string()) }),
    z.strictObject({ type: z.literal("stringObject"), column: z.string(), key: z.string(), operator: stringOperator, value: z.string() }),
    z.strictObject({ type: z.literal("numberObject"), column: z.string(), key: z.string(), operator: numberOperator, value: z.number() }),
    z.strictObject({ type: z.literal("boolean"), column: z.string(), operator: z.enum(["=", "<>"]), value: z.boolean() }),
    z.strictObject({ type: z.literal("null"), column: z.string(), operator: z.enum(["is null", "is not null"]), value: z.string().nullable().optional() }),
  ])
  .meta({ id: "unstableEvaluationRuleFilter" });
export type EvaluationRuleFilter = z.infer<typeof EvaluationRuleFilter>;

/** An evaluator family named in a rule; `type` left out means `llm_as_judge`. */
export const EvaluatorReference = z.strictObject({ name: z.string().min(1), type: EvaluatorType.optional() });
export type EvaluatorReference = z.infer<typeof EvaluatorReference>;

export const EvaluatorAssignmentInput = z.strictObject({ evaluator: EvaluatorReference, mapping: z.array(MappingInput).nullable().optional() });
export type EvaluatorAssignmentInput = z.infer<typeof EvaluatorAssignmentInput>;

const Sampling = z.number().gt(0).lte(1);
const Assignments = z.array(EvaluatorAssignmentInput).min(1).max(100);

/**
 * Strict. The deprecated single `evaluator` (with its `mapping`) and `evaluators` are exclusive,
 * and exactly one of them is required.
 */
export const CreateEvaluationRuleRequest = z
  .strictObject({
    name: z.string().min(1),
    target: EvaluationRuleTarget,
    enabled: z.boolean(),
    sampling: Sampling.nullable().optional(),
    filter: z.array(EvaluationRuleFilter).nullable().optional(),
    evaluator: EvaluatorReference.optional(),
    mapping: z.array(MappingInput).optional(),
    evaluators: Assignments.optional(),
  })
  .superRefine((body, context) => {
    if ((body.evaluator === undefined) === (body.evaluators === undefined)) {
      context.addIssue({ code: "custom", message: "Exactly one of evaluator or evaluators is required", path: ["evaluators"] });
    }
    if (body.mapping !== undefined && body.evaluators !== undefined) {
      context.addIssue({ code: "custom", message: "mapping cannot be combined with evaluators; give each assignment its own mapping", path: ["mapping"] });
    }
  });
export type CreateEvaluationRuleRequest = z.infer<typeof CreateEvaluationRuleRequest>;

/** Any of the fields; `filter` and `mapping` only with `target`, and `evaluators` never with `evaluator`/`mapping`. */
export const UpdateEvaluationRuleRequest = z
  .strictObject({
    name: z.string().min(1).optional(),
    enabled: z.boolean().optional(),
    sampling: Sampling.optional(),
    evaluator: z.strictObject({ name: z.string().min(1) }).optional(),
    target: EvaluationRuleTarget.optional(),
    filter: z.array(EvaluationRuleFilter).optional(),
    mapping: z.array(MappingInput).optional(),
    evaluators: Assignments.optional(),
  })
  .superRefine((body, context) => {
    if (Object.keys(body).length === 0) context.addIssue({ code: "custom", message: "At least one field is required", path: [] });
    for (const key of ["filter", "mapping"] as const) {
      if (body[key] !== undefined && body.target === undefined) context.addIssue({ code: "custom", message: `${key} can only be updated together with target`, path: [key] });
    }
    if (body.evaluators !== undefined && (body.evaluator !== undefined || body.mapping !== undefined)) {
      context.addIssue({ code: "custom", message: "evaluators cannot be combined with evaluator or mapping", path: ["evaluators"] });
    }
  });
export type UpdateEvaluationRuleRequest = z.infer<typeof UpdateEvaluationRuleRequest>;

export const RuleEvaluator = z.object({ id: z.string(), name: z.string(), type: EvaluatorType }).meta({ id: "unstableEvaluationRuleEvaluator" });

export const EvaluationRule = z
  .object({
    id: z.string(),
    name: z.string(),
    evaluator: RuleEvaluator.nullable(),
    evaluators: z.array(z.object({ evaluator: RuleEvaluator, mapping: z.array(ReadMapping).nullable() })),
    enabled: z.boolean(),
    status: z.enum(["active", "inactive", "paused"]),
    pausedReason: z.string().nullable(),
    pausedMessage: z.string().nullable(),
    sampling: z.number(),
    target: EvaluationRuleTarget,
    filter: z.array(EvaluationRuleFilter),
    mapping: z.array(ReadMapping),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "unstableEvaluationRule" });
export type EvaluationRule = z.infer<typeof EvaluationRule>;

export const EvaluationRuleList = z.object({ data: z.array(EvaluationRule), meta: PageMeta }).meta({ id: "unstableEvaluationRules" });
export const EvaluationRuleListQuery = z.strictObject({ page: PageParam, limit: LimitParam });
export const EvaluationRuleParams = z.object({ evaluationRuleId: z.string() });
export const DeleteEvaluationRuleResponse = z.object({ message: z.string() }).meta({ id: "unstableDeleteEvaluationRuleResponse" });
