import { z } from "zod";
import { LimitParam, PageMeta, PageParam } from "./query-params.ts";

export const LlmAdapter = z.enum(["anthropic", "openai", "azure", "bedrock", "google-vertex-ai", "google-ai-studio"]).meta({ id: "LlmAdapter" });
export type LlmAdapter = z.infer<typeof LlmAdapter>;

/** Bedrock's secret that means "the host's own AWS credentials" rather than a key. */
export const BEDROCK_DEFAULT_CREDENTIALS = "__BEDROCK_DEFAULT_CREDENTIALS__";

/** Postgres text cannot hold NUL, so a value with one would fail at the write instead of here. */
const storable = z.string().refine((text) => !text.includes("\u0000"), "must not contain NUL characters");
const storableKey = z.string().refine((text) => !text.includes("\u0000"), "keys must not contain NUL characters");

/** The reference's strict list query; `page` and `limit` as on every page-based list. */
export const LlmConnectionsQuery = z.strictObject({ page: PageParam, limit: LimitParam });

export const LlmConnectionParams = z.object({ id: z.string() });

/** The reference also rejects unknown query keys on delete. */
export const LlmConnectionDeleteQuery = z.strictObject({});

const BedrockKeys = z.union([z.strictObject({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }), z.strictObject({ apiKey: z.string().min(1) })]);

/** Whether `secretKey` is Bedrock credentials as JSON; parsed only to check its shape, never echoed. */
function isBedrockKeys(secretKey: string): boolean {
  try {
    return BedrockKeys.safeParse(JSON.parse(secretKey)).success;
  } catch {
    return false;
  }
}

type ConfigIssue = (message: string, path?: string) => void;

/** The per-adapter `config` shapes of the reference; other adapters take none. */
function checkConfig(adapter: LlmAdapter, config: Record<string, string | boolean> | undefined, issue: ConfigIssue): void {
  const keys = Object.keys(config ?? {});
  const onlyKeys = (allowed: string[]) => {
    for (const key of keys.filter((name) => !allowed.includes(name))) issue(`config.${key} is not allowed for the ${adapter} adapter; it takes only ${allowed.join(", ")}`);
  };
  switch (adapter) {
    case "bedrock":
      if (typeof config?.region !== "string" || config.region === "") issue('config.region is required for the bedrock adapter, e.g. {"region":"us-east-1"}', "region");
      onlyKeys(["region"]);
      return;
    case "openai":
      if (config === undefined) return;
      if (typeof config.useResponsesApi !== "boolean") issue('config for the openai adapter must be {"useResponsesApi": <boolean>}', "useResponsesApi");
      onlyKeys(["useResponsesApi"]);
      return;
    case "google-vertex-ai":
      if (config?.location !== undefined && typeof config.location !== "string") issue("config.location must be a string", "location");
      onlyKeys(["location"]);
      return;
    default:
      if (keys.length > 0) issue(`config is not supported for the ${adapter} adapter; omit it`);
  }
}

export const UpsertLlmConnectionRequest = z
  .object({
    provider: storable.min(1).describe("Provider name (e.g. 'openai', 'my-gateway'). Unique in the project: the key of the upsert"),
    adapter: LlmAdapter,
    secretKey: storable
      .min(1)
      .describe(
        'Stored encrypted with ENCRYPTION_KEY, never returned. For bedrock: `{"accessKeyId","secretAccessKey"}` or `{"apiKey"}` as JSON, or __BEDROCK_DEFAULT_CREDENTIALS__ for the host\'s AWS credentials',
      ),
    baseURL: z
      .url()
      .pipe(storable)
      .nullish()
      .describe(
        "Custom base URL for the LLM API. Private and internal addresses are refused unless LANGFUSE_LLM_CONNECTION_WHITELISTED_HOST, _IPS or _IP_SEGMENTS allow them. Omitted on update clears it",
      ),
    customModels: z.array(storable.min(1)).optional().describe("Custom model names; omitted on update clears them. Not nullable"),
    withDefaultModels: z.boolean().optional().describe("Whether the adapter's default models are offered; true when omitted. Not nullable"),
    extraHeaders: z
      .record(storableKey, storable)
      .optional()
      .describe("Extra headers sent with every request; values stored encrypted and never returned. Omitted on update clears them. Not nullable"),
    config: z
      .record(storableKey, z.union([storable, z.boolean()]))
      .optional()
      .describe(
        'Adapter-specific configuration: required for bedrock (`{"region":"us-east-1"}`), optional for openai (`{"useResponsesApi":true}`) and google-vertex-ai (`{"location":"us-central1"}`), not accepted by the others. Omitted on update keeps the stored one. Not nullable',
      ),
  })
  .superRefine((body, context) => {
    const issue = (path: Array<string>, message: string) => context.addIssue({ code: "custom", path, message });
    checkConfig(body.adapter, body.config, (message, key) => issue(key ? ["config", key] : ["config"], message));
    if (body.secretKey === BEDROCK_DEFAULT_CREDENTIALS) {
      if (body.adapter !== "bedrock") issue(["secretKey"], `${BEDROCK_DEFAULT_CREDENTIALS} is only accepted with the bedrock adapter`);
    } else if (body.adapter === "bedrock" && !isBedrockKeys(body.secretKey)) {
      issue(
        ["secretKey"],
        `secretKey for the bedrock adapter must be JSON of {"accessKeyId","secretAccessKey"} or {"apiKey"} with no other keys, or ${BEDROCK_DEFAULT_CREDENTIALS}`,
      );
    }
  })
  .meta({ id: "UpsertLlmConnectionRequest" });
export type UpsertLlmConnectionRequest = z.infer<typeof UpsertLlmConnectionRequest>;

/** A connection as every answer shows it: never its secret key or header values. */
export const LlmConnection = z
  .object({
    id: z.string(),
    provider: z.string(),
    adapter: z.string().describe("The adapter used to interface with the LLM"),
    displaySecretKey: z.string().describe("Masked secret key for display, e.g. ...xyz9"),
    baseURL: z.string().nullable(),
    customModels: z.array(z.string()),
    withDefaultModels: z.boolean(),
    extraHeaderKeys: z.array(z.string()).describe("Names of the extra headers; their values are never returned"),
    config: z.record(z.string(), z.union([z.string(), z.boolean()])).nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "LlmConnection" });
export type LlmConnection = z.infer<typeof LlmConnection>;

export const PaginatedLlmConnections = z.object({ data: z.array(LlmConnection), meta: PageMeta }).meta({ id: "PaginatedLlmConnections" });

export const DeleteLlmConnectionResponse = z.object({ message: z.string() }).meta({ id: "DeleteLlmConnectionResponse" });
