import type { CheckedBatch } from "./batch.ts";
import { unstorableReason } from "./storable.ts";

/**
 * Observation fields only an OTLP span states: the columns the reference's direct path fills
 * (otel.md 3.3, 4.10–4.12). Each is absent when the span does not state it. They travel in the
 * normalised body under `otel`, a key no ingestion API schema has (unknown keys are stripped), so
 * only the OTLP route can set them, through `withSpanColumns`.
 */
export interface SpanColumns {
  /** Tool name → JSON `{description, parameters}`. */
  toolDefinitions?: Record<string, string>;
  /** JSON of each tool call, and the called tools' names in the same order. */
  toolCalls?: string[];
  toolCallNames?: string[];
  /** Only ever `true`: a span that is no app root states nothing. */
  isAppRoot?: true;
  experimentId?: string;
  experimentName?: string;
  experimentDescription?: string;
  experimentDatasetId?: string;
  experimentItemId?: string;
  experimentItemRootSpanId?: string;
  experimentItemExpectedOutput?: string;
  /** ISO 8601, UTC, milliseconds, inside the years storage holds. */
  experimentItemVersion?: string;
  /** Flattened names → string values. */
  experimentMetadata?: Record<string, string>;
  experimentItemMetadata?: Record<string, string>;
}

/**
 * Gives each accepted observation event the span columns its OTLP span stated, by event id. An
 * event whose columns storage cannot take is refused like any other unstorable event.
 */
export function withSpanColumns(checked: CheckedBatch, columns: ReadonlyMap<string, SpanColumns>): CheckedBatch {
  const accepted: CheckedBatch["accepted"] = [];
  const errors = [...checked.response.errors];
  for (const entity of checked.accepted) {
    const stated = entity.kind === "observation" ? columns.get(entity.event.eventId) : undefined;
    const unstorable = stated && unstorableReason(stated);
    if (unstorable) {
      errors.push({ id: entity.event.eventId, status: 400, message: `Invalid request data: span columns ${unstorable}`, error: "InvalidRequestError" });
    } else {
      accepted.push(stated ? { ...entity, event: { ...entity.event, body: { ...entity.event.body, otel: stated } } } : entity);
    }
  }
  const refused = new Set(errors.map((error) => error.id));
  const successes = checked.response.successes.filter((success) => !refused.has(success.id));
  return { ...checked, accepted, response: { successes, errors } };
}
