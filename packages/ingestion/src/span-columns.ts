import type { CheckedBatch } from "./batch.ts";

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

/** Gives each accepted observation event the span columns its OTLP span stated, by event id. */
export function withSpanColumns(checked: CheckedBatch, columns: ReadonlyMap<string, SpanColumns>): CheckedBatch {
  return {
    ...checked,
    accepted: checked.accepted.map((entity) => {
      const stated = entity.kind === "observation" ? columns.get(entity.event.eventId) : undefined;
      return stated ? { ...entity, event: { ...entity.event, body: { ...entity.event.body, otel: stated } } } : entity;
    }),
  };
}
