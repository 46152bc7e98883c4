import { resolve } from "node:path";
import type { MediaSettings } from "@wick/media";
import type { S3StoreConfig } from "@wick/object-store";
import { MalformedAllowlistEntryError, OutboundAllowlist } from "@wick/outbound-urls";
import { EncryptionKey, MalformedEncryptionKeyError } from "@wick/secrets";
import { z } from "zod";
import { LOG_FORMATS, type LogFormat } from "./logging.ts";
import { DEFAULT_IN_FLIGHT_BODY_BYTES } from "./plugins/body-budget.ts";
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from "./plugins/connection-limits.ts";

const flag = (defaultValue: boolean) =>
  z
    .enum(["true", "false"])
    .default(defaultValue ? "true" : "false")
    .transform((value) => value === "true");

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === "" ? undefined : value));

/** Comma-separated entries, spaces around them ignored. */
const commaList = optionalText.transform((value) =>
  (value ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== ""),
);

/** The key's own check, so the variable and the secrets package cannot disagree on what a key is. */
const encryptionKey = optionalText.transform((value, context) => {
  if (value === undefined) return undefined;
  try {
    return EncryptionKey.fromHex(value);
  } catch (error) {
    if (!(error instanceof MalformedEncryptionKeyError)) throw error;
    context.addIssue({ code: "custom", message: error.message });
    return z.NEVER;
  }
});

/**
 * Every environment variable Wick reads. Names follow Langfuse's where Langfuse has one, so an
 * existing Langfuse `.env` keeps working.
 */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_FORMAT: z.enum(LOG_FORMATS).default("text"),
  DATA_DIR: z.string().default(".data"),
  DATABASE_URL: optionalText,
  CLICKHOUSE_URL: optionalText,
  CLICKHOUSE_USER: z.string().default("default"),
  CLICKHOUSE_PASSWORD: z.string().default(""),
  CLICKHOUSE_DB: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a plain identifier")
    .default("default"),
  CLICKHOUSE_CLUSTER_ENABLED: flag(false),
  CLICKHOUSE_CLUSTER_NAME: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a plain identifier")
    .default("default"),
  WICK_INGESTION_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(4_718_592),
  WICK_MAX_IN_FLIGHT_BODY_BYTES: z.coerce.number().int().positive().default(DEFAULT_IN_FLIGHT_BODY_BYTES),
  WICK_REQUEST_TIMEOUT_SECONDS: z.coerce
    .number()
    .positive()
    .default(DEFAULT_CONNECTION_LIMITS.requestTimeoutMs / 1000),
  WICK_MAX_CONNECTIONS: z.coerce.number().int().positive().default(DEFAULT_CONNECTION_LIMITS.maxConnections),
  SALT: optionalText,
  ENCRYPTION_KEY: encryptionKey,
  ADMIN_API_KEY: optionalText,
  LANGFUSE_CACHE_API_KEY_ENABLED: flag(true),
  LANGFUSE_CACHE_API_KEY_TTL_SECONDS: z.coerce.number().int().min(0).default(300),
  LANGFUSE_FEEDBACK_INTAKE_SLACK_WEBHOOK: optionalText,
  LANGFUSE_INIT_ORG_ID: optionalText,
  LANGFUSE_INIT_ORG_NAME: optionalText,
  LANGFUSE_INIT_ORG_CLOUD_PLAN: z.enum(["Hobby", "Core", "Pro", "Team", "Enterprise"]).optional(),
  LANGFUSE_INIT_PROJECT_ID: optionalText,
  LANGFUSE_INIT_PROJECT_NAME: optionalText,
  LANGFUSE_INIT_PROJECT_RETENTION: z.coerce.number().int().min(3).optional(),
  LANGFUSE_INIT_PROJECT_PUBLIC_KEY: optionalText,
  LANGFUSE_INIT_PROJECT_SECRET_KEY: optionalText,
  LANGFUSE_INIT_USER_EMAIL: optionalText,
  LANGFUSE_INIT_USER_NAME: optionalText,
  LANGFUSE_INIT_USER_PASSWORD: optionalText,
  LANGFUSE_S3_MEDIA_UPLOAD_BUCKET: optionalText,
  LANGFUSE_S3_MEDIA_UPLOAD_REGION: z.string().default("us-east-1"),
  LANGFUSE_S3_MEDIA_UPLOAD_ENDPOINT: optionalText,
  LANGFUSE_S3_MEDIA_UPLOAD_ACCESS_KEY_ID: optionalText,
  LANGFUSE_S3_MEDIA_UPLOAD_SECRET_ACCESS_KEY: optionalText,
  LANGFUSE_S3_MEDIA_UPLOAD_FORCE_PATH_STYLE: flag(false),
  LANGFUSE_S3_MEDIA_UPLOAD_PREFIX: z.string().default(""),
  LANGFUSE_S3_MEDIA_MAX_CONTENT_LENGTH: z.coerce.number().int().positive().default(1_000_000_000),
  WICK_S3_MEDIA_PUBLIC_ENDPOINT: optionalText,
  WICK_PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  // Off by default as in the reference: extraction rewrites what clients sent, which a team turns on knowingly.
  LANGFUSE_OTEL_MEDIA_UPLOAD_ENABLED: flag(false),
  LANGFUSE_S3_MEDIA_DOWNLOAD_URL_EXPIRY_SECONDS: z.coerce.number().int().positive().default(3600),
  LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED_HOST: commaList,
  LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED_IPS: commaList,
  LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED_IP_SEGMENTS: commaList,
  LANGFUSE_LLM_CONNECTION_WHITELISTED_HOST: commaList,
  LANGFUSE_LLM_CONNECTION_WHITELISTED_IPS: commaList,
  LANGFUSE_LLM_CONNECTION_WHITELISTED_IP_SEGMENTS: commaList,
  LANGFUSE_CODE_EVAL_DISPATCHER: optionalText,
});

export type Env = z.infer<typeof envSchema>;

export interface InitConfig {
  orgId: string;
  orgName: string;
  projectId?: string;
  projectName: string;
  projectRetentionDays?: number;
  publicKey?: string;
  secretKey?: string;
}

export interface Config {
  port: number;
  host: string;
  logLevel: Env["LOG_LEVEL"];
  logFormat: LogFormat;
  dataDir: string;
  postgres: { kind: "server"; url: string } | { kind: "embedded"; dataDir: string };
  clickhouse: { kind: "server"; url: string; username: string; password: string; database: string; cluster?: string } | { kind: "embedded"; dataDir: string };
  ingestionBodyLimitBytes: number;
  inFlightBodyBytes: number;
  connectionLimits: ConnectionLimits;
  salt?: string;
  /** Seals stored secrets (blob storage credentials, LLM connection keys); without it Wick refuses to store any. */
  encryptionKey?: EncryptionKey;
  adminApiKey?: string;
  apiKeyCacheTtlMs: number;
  /** Where `POST /feedback` forwards product feedback (a Slack incoming webhook or anything taking `{"text"}`). */
  feedbackWebhookUrl?: string;
  init?: InitConfig;
  /** Init variables that were set but have no effect, to be named in a warning. */
  ignoredInitVariables: string[];
  media: MediaConfig;
  /** The private or internal hosts blob storage integrations may name as their endpoint. */
  blobStorageEndpointAllowlist: OutboundAllowlist;
  /** The private or internal hosts LLM connections may name as their base URL. */
  llmConnectionAllowlist: OutboundAllowlist;
  /** How code evaluators would be run (`aws-lambda`, `insecure-local`); unset turns code evals off. */
  codeEvalDispatcher: string | undefined;
}

/** Where media bytes go: files in the data directory unless an S3 bucket is named. */
export type MediaStoreConfig = { kind: "disk"; dir: string; publicUrl?: string } | ({ kind: "s3" } & S3StoreConfig);

export interface MediaConfig extends MediaSettings {
  store: MediaStoreConfig;
  /** Whether files embedded in OTLP spans' input, output and metadata are extracted into the store. */
  extractFromOtel: boolean;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Langfuse's three allowlist variables of one kind of outbound URL: `<prefix>_HOST`, `_IPS`, `_IP_SEGMENTS`. */
type AllowlistPrefix = "LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED" | "LANGFUSE_LLM_CONNECTION_WHITELISTED";

function outboundAllowlist(env: Env, prefix: AllowlistPrefix): OutboundAllowlist {
  try {
    return new OutboundAllowlist({ hosts: env[`${prefix}_HOST`], ips: env[`${prefix}_IPS`], segments: env[`${prefix}_IP_SEGMENTS`] });
  } catch (error) {
    if (!(error instanceof MalformedAllowlistEntryError)) throw error;
    const variable = error.list === "ips" ? `${prefix}_IPS` : `${prefix}_IP_SEGMENTS`;
    throw new ConfigError(`Invalid configuration:\n  ${variable}: ${error.message}`);
  }
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const env = parsed.data;
  const dataDir = resolve(env.DATA_DIR);
  const initNames = Object.keys(envSchema.shape).filter((name) => name.startsWith("LANGFUSE_INIT_") && environment[name]);
  const userVariables = initNames.filter((name) => name.startsWith("LANGFUSE_INIT_USER_") || name === "LANGFUSE_INIT_ORG_CLOUD_PLAN");

  return {
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    dataDir,
    postgres: env.DATABASE_URL ? { kind: "server", url: env.DATABASE_URL } : { kind: "embedded", dataDir: resolve(dataDir, "postgres") },
    clickhouse: env.CLICKHOUSE_URL
      ? {
          kind: "server",
          url: env.CLICKHOUSE_URL,
          username: env.CLICKHOUSE_USER,
          password: env.CLICKHOUSE_PASSWORD,
          database: env.CLICKHOUSE_DB,
          cluster: env.CLICKHOUSE_CLUSTER_ENABLED ? env.CLICKHOUSE_CLUSTER_NAME : undefined,
        }
      : { kind: "embedded", dataDir: resolve(dataDir, "clickhouse") },
    ingestionBodyLimitBytes: env.WICK_INGESTION_BODY_LIMIT_BYTES,
    inFlightBodyBytes: env.WICK_MAX_IN_FLIGHT_BODY_BYTES,
    connectionLimits: { requestTimeoutMs: env.WICK_REQUEST_TIMEOUT_SECONDS * 1000, maxConnections: env.WICK_MAX_CONNECTIONS },
    salt: env.SALT,
    encryptionKey: env.ENCRYPTION_KEY,
    adminApiKey: env.ADMIN_API_KEY,
    feedbackWebhookUrl: env.LANGFUSE_FEEDBACK_INTAKE_SLACK_WEBHOOK,
    apiKeyCacheTtlMs: env.LANGFUSE_CACHE_API_KEY_ENABLED ? env.LANGFUSE_CACHE_API_KEY_TTL_SECONDS * 1000 : 0,
    init: env.LANGFUSE_INIT_ORG_ID
      ? {
          orgId: env.LANGFUSE_INIT_ORG_ID,
          orgName: env.LANGFUSE_INIT_ORG_NAME ?? "Provisioned Org",
          projectId: env.LANGFUSE_INIT_PROJECT_ID,
          projectName: env.LANGFUSE_INIT_PROJECT_NAME ?? "Provisioned Project",
          projectRetentionDays: env.LANGFUSE_INIT_PROJECT_RETENTION,
          publicKey: env.LANGFUSE_INIT_PROJECT_PUBLIC_KEY,
          secretKey: env.LANGFUSE_INIT_PROJECT_SECRET_KEY,
        }
      : undefined,
    // Wick has no users or cloud plans; without an org id, Langfuse ignores every init variable too.
    ignoredInitVariables: env.LANGFUSE_INIT_ORG_ID ? userVariables : initNames,
    media: {
      store: env.LANGFUSE_S3_MEDIA_UPLOAD_BUCKET
        ? {
            kind: "s3",
            bucket: env.LANGFUSE_S3_MEDIA_UPLOAD_BUCKET,
            region: env.LANGFUSE_S3_MEDIA_UPLOAD_REGION,
            endpoint: env.LANGFUSE_S3_MEDIA_UPLOAD_ENDPOINT,
            accessKeyId: env.LANGFUSE_S3_MEDIA_UPLOAD_ACCESS_KEY_ID,
            secretAccessKey: env.LANGFUSE_S3_MEDIA_UPLOAD_SECRET_ACCESS_KEY,
            forcePathStyle: env.LANGFUSE_S3_MEDIA_UPLOAD_FORCE_PATH_STYLE,
            prefix: env.LANGFUSE_S3_MEDIA_UPLOAD_PREFIX,
            publicEndpoint: env.WICK_S3_MEDIA_PUBLIC_ENDPOINT,
          }
        : { kind: "disk", dir: resolve(dataDir, "media"), publicUrl: env.WICK_PUBLIC_URL },
      maxContentLength: env.LANGFUSE_S3_MEDIA_MAX_CONTENT_LENGTH,
      downloadUrlExpirySeconds: env.LANGFUSE_S3_MEDIA_DOWNLOAD_URL_EXPIRY_SECONDS,
      extractFromOtel: env.LANGFUSE_OTEL_MEDIA_UPLOAD_ENABLED,
    },
    blobStorageEndpointAllowlist: outboundAllowlist(env, "LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED"),
    llmConnectionAllowlist: outboundAllowlist(env, "LANGFUSE_LLM_CONNECTION_WHITELISTED"),
    codeEvalDispatcher: env.LANGFUSE_CODE_EVAL_DISPATCHER,
  };
}
