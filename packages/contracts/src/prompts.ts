import { z } from "zod";
import { nameText, withFolderRules } from "./folder-names.ts";
import { DateTimeParam, PageMeta } from "./query-params.ts";

// ---- Rules shared by requests ---------------------------------------------------------------

/** Names the web UI routes under `/prompts/…`, so a prompt cannot take them. */
const RESERVED_NAMES = ["new", "metrics", "prompt-detail"];

/**
 * A prompt name; `/` makes virtual folders. The format checks run on the name as sent, then it is
 * trimmed, as the reference does (so `" a"` is stored as `"a"`).
 */
export const PromptName = withFolderRules(nameText().refine((name) => !name.includes("|"), "Prompt name cannot contain '|' character"))
  .transform((name) => name.trim())
  .refine((name) => name.length > 0, "Name cannot be empty")
  .refine((name) => !RESERVED_NAMES.includes(name), { error: (issue) => `Prompt name cannot be '${String(issue.input)}'` });

export const PromptLabel = z
  .string()
  .min(1)
  .max(36)
  .regex(/^[a-z0-9_\-.]+$/, "Label must be lowercase alphanumeric with optional underscores, hyphens, or periods");

/** The label every new version gets and that moves to the highest version on deletes. */
export const LATEST_LABEL = "latest";

// ---- Messages -------------------------------------------------------------------------------

/** A chat message; any other key (the SDKs send `type: "chatmessage"`) is dropped when stored. */
export const ChatMessage = z.object({ role: z.string(), content: z.string() }).meta({ id: "ChatMessage" });

/** A slot the client fills with a list of messages at compile time. */
export const PlaceholderMessage = z
  .object({
    type: z.literal("placeholder"),
    name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/, "Placeholder name must start with a letter and contain only alphanumeric characters and underscores"),
  })
  .meta({ id: "PlaceholderMessage" });

/** Tried in this order: a message with role and content wins over a placeholder. */
export const ChatMessageWithPlaceholders = z.union([ChatMessage, PlaceholderMessage]).meta({ id: "ChatMessageWithPlaceholders" });

// ---- Requests -------------------------------------------------------------------------------

const createFields = {
  name: PromptName,
  /** Any JSON value; null or absent is stored as `{}`. */
  config: z
    .unknown()
    .optional()
    .transform((config) => config ?? {}),
  labels: z.array(PromptLabel).default([]).describe("Deployment labels of this version; `latest` is always added"),
  tags: z.array(z.string()).nullish().describe("Tags of every version of the prompt; absent or null keeps the current ones"),
  commitMessage: z.string().max(500).nullish().describe("Commit message for this prompt version"),
};

export const CreateTextPromptRequest = z.object({ ...createFields, type: z.literal("text").optional(), prompt: z.string() }).meta({ id: "CreateTextPromptRequest" });

export const CreateChatPromptRequest = z.object({ ...createFields, type: z.literal("chat"), prompt: z.array(ChatMessageWithPlaceholders) }).meta({ id: "CreateChatPromptRequest" });

export const CreatePromptRequest = z.discriminatedUnion("type", [CreateChatPromptRequest, CreateTextPromptRequest]).meta({ id: "CreatePromptRequest" });

const PromptNameParam = z.string().describe("The prompt's name; a name in folders is sent URL-encoded as one path segment");

export const PromptNameParams = z.object({ promptName: PromptNameParam });

/** `version=0` counts as not given, as the reference reads it. */
const VersionParam = z.coerce.number().int().optional();

export const GetPromptQuery = z.object({
  version: VersionParam.describe("Version to fetch"),
  label: z.string().optional().describe("Label to fetch; `production` when neither version nor label is given"),
  resolve: z
    .enum(["true", "false"])
    .default("true")
    .transform((value) => value === "true")
    .describe("Replace composition tags with the prompts they reference; `false` returns the stored content and bypasses the cache"),
});

export const DeletePromptQuery = z.object({
  version: VersionParam.describe("Delete only this version"),
  label: z.string().optional().describe("Delete the versions that carry this label"),
});

/** The prompt list rejects empty `page`/`limit` values, unlike other lists. */
export const ListPromptsQuery = z.object({
  name: z.string().optional(),
  label: z.string().optional(),
  tag: z.string().optional(),
  version: z.coerce.number().int().optional(),
  fromUpdatedAt: DateTimeParam.describe("Only versions updated at or after this time"),
  toUpdatedAt: DateTimeParam.describe("Only versions updated before this time"),
  page: z.coerce.number().int().min(1).default(1).describe("Page number, from 1"),
  limit: z.coerce.number().int().min(1).max(100).default(10).describe("Prompt names per page, 1–100"),
});

export const PromptVersionParams = z.object({
  name: PromptNameParam,
  version: z.coerce.number().int().describe("Version to update"),
});

export const UpdatePromptVersionRequest = z.object({
  newLabels: z
    .array(z.string())
    .refine((labels) => !labels.includes(LATEST_LABEL), "Label 'latest' is always assigned to the latest prompt version")
    .describe("Labels to add to this version; each moves here from any other version. Existing labels stay."),
});

// ---- Responses ------------------------------------------------------------------------------

const PromptReference = z.object({ id: z.string(), name: z.string(), version: z.number().int() });

export const PromptResolutionGraph = z
  .object({
    root: PromptReference,
    dependencies: z.record(z.string(), z.array(PromptReference)).describe("Children of each composing prompt, by its id, in resolution order"),
  })
  .meta({ id: "PromptResolutionGraph" });

/** A stored version, fields in the order the reference server sends them. */
function promptVersion<Content extends z.ZodType, Type extends "text" | "chat">(prompt: Content, type: Type) {
  return z.object({
    id: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    projectId: z.string(),
    createdBy: z.string(),
    prompt,
    name: z.string(),
    version: z.number().int(),
    type: z.literal(type),
    isActive: z.boolean().nullable().describe("On reads: whether the version has the `production` label"),
    config: z.unknown(),
    tags: z.array(z.string()),
    labels: z.array(z.string()),
    commitMessage: z.string().nullable(),
    resolutionGraph: PromptResolutionGraph.nullable().optional().describe("Reads only: the prompts composed into this one; null without any"),
  });
}

export const TextPrompt = promptVersion(z.string(), "text").meta({ id: "TextPrompt" });
export const ChatPrompt = promptVersion(z.array(ChatMessageWithPlaceholders), "chat").meta({ id: "ChatPrompt" });

export const Prompt = z.discriminatedUnion("type", [ChatPrompt, TextPrompt]).meta({ id: "Prompt" });

export const PromptType = z.enum(["chat", "text"]).meta({ id: "PromptType" });

export const PromptMeta = z
  .object({
    name: z.string(),
    versions: z.array(z.number().int()).describe("The matching versions, ascending"),
    labels: z.array(z.string()).describe("Labels of the matching versions"),
    tags: z.array(z.string()),
    lastUpdatedAt: z.string(),
    type: PromptType,
    lastConfig: z.unknown().describe("Config of the highest matching version"),
  })
  .meta({ id: "PromptMeta" });

export const PromptMetaListResponse = z
  .object({ data: z.array(PromptMeta), meta: PageMeta, pagination: PageMeta.describe("The same as `meta`, for older clients") })
  .meta({ id: "PromptMetaListResponse" });

export type ChatMessageWithPlaceholders = z.infer<typeof ChatMessageWithPlaceholders>;
export type CreatePromptRequest = z.infer<typeof CreatePromptRequest>;
export type Prompt = z.infer<typeof Prompt>;
export type PromptMeta = z.infer<typeof PromptMeta>;
export type PromptMetaListResponse = z.infer<typeof PromptMetaListResponse>;
export type PromptResolutionGraph = z.infer<typeof PromptResolutionGraph>;
export type ListPromptsQuery = z.infer<typeof ListPromptsQuery>;
