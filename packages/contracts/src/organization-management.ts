import { z } from "zod";

/**
 * Shapes of the organization-key endpoints under `/api/public` (projects and their keys, the
 * organization's projects and keys). Their error messages are part of the contract: clients see
 * the first failing check's message as the response's `message`.
 */

const INVALID_PROJECT_NAME = "Invalid project name. Should be between 3 and 60 characters.";
const INVALID_METADATA = "Invalid metadata. Should be a valid JSON object.";
const INVALID_RETENTION = "Invalid retention value. Must be 0 or at least 3 days.";

const HTML_TAG_LIKE = /<[^>]*>/;

/**
 * A project or organization name: 3–60 characters, nothing that looks like an HTML tag. With
 * `message`, every failure says that; otherwise each says what is wrong.
 */
export function boundedName(message?: string) {
  return z
    .string(message)
    .min(3, message ?? "Must be at least 3 characters")
    .max(60, message ?? "Must be at most 60 characters")
    .refine((name) => !HTML_TAG_LIKE.test(name), message ?? "Must not contain HTML tags");
}

const isJsonObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * Metadata as clients send it: a JSON object, or a string holding one (some SDKs serialise it).
 * Strings are parsed, so what is stored is always an object.
 */
export const MetadataInput = z
  .union([z.record(z.string(), z.unknown()), z.string()], { error: INVALID_METADATA })
  .transform((value, context): Record<string, unknown> => {
    if (typeof value !== "string") return value;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      context.addIssue({ code: "custom", message: `Invalid metadata. Should be a valid JSON object: ${(error as Error).message}` });
      return z.NEVER;
    }
    if (!isJsonObject(parsed)) {
      context.addIssue({ code: "custom", message: INVALID_METADATA });
      return z.NEVER;
    }
    return parsed;
  })
  .describe("A JSON object, or a string containing one");

/** Days to keep data: 0 (forever) or at least 3. `null` means 0; numeric strings are accepted. */
const Retention = z.coerce
  .number({ error: INVALID_RETENTION })
  .int(INVALID_RETENTION)
  .refine((days) => days === 0 || days >= 3, INVALID_RETENTION)
  .describe("Number of days to retain data. Must be 0 or at least 3 days.");

/** Body of creating and of updating a project; a whole missing body fails as a missing name. */
export const ProjectRequest = z.object(
  {
    name: boundedName(INVALID_PROJECT_NAME),
    metadata: MetadataInput.optional().describe("Replaces the project's metadata; unchanged when omitted on update"),
    retention: Retention.optional().describe("Days to retain data, 0 or at least 3; unchanged when omitted on update"),
  },
  { error: INVALID_PROJECT_NAME },
);

export const ProjectIdParams = z.object({ projectId: z.string() });
export const ProjectApiKeyParams = z.object({ projectId: z.string(), apiKeyId: z.string() });

export const ManagedProject = z
  .object({
    id: z.string(),
    name: z.string(),
    metadata: z.record(z.string(), z.unknown()).describe("Metadata for the project; {} when none"),
    retentionDays: z.number().int().optional().describe("Days to keep data; omitted when data is kept forever"),
  })
  .describe("A project as creating or updating it returns it: without its organization")
  .meta({ id: "ManagedProject" });

export const ProjectDeletionResponse = z.object({ success: z.boolean(), message: z.string() }).meta({ id: "ProjectDeletionResponse" });

const apiKeySummaryShape = {
  id: z.string(),
  createdAt: z.date(),
  expiresAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  note: z.string().nullable(),
  publicKey: z.string(),
  displaySecretKey: z.string(),
};

export const ApiKeySummary = z.object(apiKeySummaryShape).describe("Summary of an API key").meta({ id: "ApiKeySummary" });

export const ApiKeyList = z
  .object({ apiKeys: z.array(ApiKeySummary) })
  .describe("List of API keys")
  .meta({ id: "ApiKeyList" });

export const ApiKeyResponse = z
  .object({
    id: z.string(),
    createdAt: z.date(),
    publicKey: z.string(),
    secretKey: z.string().describe("Shown only in this response; only a hash is stored"),
    displaySecretKey: z.string(),
    note: z.string().nullable(),
  })
  .describe("Response for API key creation")
  .meta({ id: "ApiKeyResponse" });

export const CreateProjectApiKeyRequest = z.object({
  note: z.string().optional().describe("Optional note for the API key"),
  publicKey: z.string().optional().describe("Optional predefined public key. Must start with 'pk-lf-'. If provided, secretKey must also be provided."),
  secretKey: z.string().optional().describe("Optional predefined secret key. Must start with 'sk-lf-'. If provided, publicKey must also be provided."),
});

export const ApiKeyDeletionResponse = z.object({ success: z.boolean() }).describe("Response for API key deletion").meta({ id: "ApiKeyDeletionResponse" });

export const OrganizationProject = z
  .object({
    id: z.string(),
    name: z.string(),
    metadata: z.record(z.string(), z.unknown()).nullable().describe("Metadata for the project, as stored"),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .describe("Project belonging to an organization")
  .meta({ id: "OrganizationProject" });

export const OrganizationProjectsResponse = z.object({ projects: z.array(OrganizationProject) }).meta({ id: "OrganizationProjectsResponse" });

/** The reference names the same summary differently when it lists organization keys. */
export const OrganizationApiKey = z.object(apiKeySummaryShape).meta({ id: "OrganizationApiKey" });

export const OrganizationApiKeysResponse = z.object({ apiKeys: z.array(OrganizationApiKey) }).meta({ id: "OrganizationApiKeysResponse" });

/** Errors of `/api/public/projects*`: a `message`, and the issues when the body has the wrong shape. */
export const ProjectManagementError = z.object({ message: z.string(), details: z.unknown().optional() }).meta({ id: "ProjectManagementError" });

/** Errors of `/api/public/organizations/*`, which name the problem in `error` instead. */
export const OrganizationManagementError = z.object({ error: z.string(), details: z.unknown().optional() }).meta({ id: "OrganizationManagementError" });

export type ManagedProject = z.infer<typeof ManagedProject>;
export type OrganizationProject = z.infer<typeof OrganizationProject>;
