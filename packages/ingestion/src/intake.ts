import { checkBatch, type BatchRules, type CheckedBatch } from "./batch.ts";
import type { Attribution } from "./events.ts";
import type { GroupCommitWriter } from "./group-commit.ts";
import { withSpanColumns, type SpanColumns } from "./span-columns.ts";

/** Who is writing: the project of the key, what the key may send, and the key itself. */
export interface IntakeScope {
  projectId: string;
  /** `scores`: a public key alone, which may send scores and SDK logs only. */
  accessLevel: "project" | "scores";
  publicKey: string;
}

/** Request headers as Node gives them: lower-case names, a string or several. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

export interface IntakeOptions {
  /** OTLP only: the observation columns a span states beside its ingestion events, by event id. */
  spanColumns?: ReadonlyMap<string, SpanColumns>;
}

/** An `x-langfuse-*` header, with hyphens or underscores (the SDKs have sent both); empty counts as absent. */
export function langfuseHeader(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name] ?? headers[name.replaceAll("-", "_")];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** The key and SDK an event is recorded as sent by. */
export function attributionOf(publicKey: string, headers: RequestHeaders): Attribution {
  return {
    publicKey,
    sdkName: langfuseHeader(headers, "x-langfuse-sdk-name") ?? "unknown",
    sdkVersion: langfuseHeader(headers, "x-langfuse-sdk-version") ?? "unknown",
  };
}

/**
 * The one way tracing data comes in, whichever API it arrives through (batch ingestion, OTLP,
 * `POST /scores`): each event is checked on its own against the batch's scope and the rules that
 * need stored data (score configs), and what passes is written. Resolves once the accepted events
 * are durable and readable, with the per-event outcome for the caller to answer with.
 */
export class Intake {
  constructor(
    private readonly writer: GroupCommitWriter,
    private readonly rulesFor: (projectId: string, batch: unknown[]) => Promise<BatchRules>,
  ) {}

  async accept(scope: IntakeScope, headers: RequestHeaders, batch: unknown[], options: IntakeOptions = {}): Promise<CheckedBatch> {
    const rules = await this.rulesFor(scope.projectId, batch);
    const checked = checkBatch(batch, { projectId: scope.projectId, accessLevel: scope.accessLevel, attribution: attributionOf(scope.publicKey, headers) }, rules);
    const withColumns = options.spanColumns ? withSpanColumns(checked, options.spanColumns) : checked;
    await this.writer.write(withColumns.accepted);
    return withColumns;
  }
}
