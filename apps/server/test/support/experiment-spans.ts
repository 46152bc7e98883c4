import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import type { TestApp, TestProject } from "./harness.ts";

/** The experiment attributes of one span, as the SDKs' experiment runner sets them. */
export interface ExperimentAttributes {
  id: string;
  name: string;
  description?: string;
  datasetId?: string;
  itemId: string;
  rootSpanId: string;
  expectedOutput?: string;
  itemVersion?: string;
  metadata?: Record<string, string>;
  itemMetadata?: Record<string, string>;
}

/** One span of an experiment export; times in epoch milliseconds. */
export interface ExperimentSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  start: number;
  end: number;
  experiment?: ExperimentAttributes;
  input?: string;
  output?: string;
  metadata?: Record<string, string>;
  level?: "DEBUG" | "DEFAULT" | "WARNING" | "ERROR";
  environment?: string;
}

export const hexId = (bytes: number) => randomBytes(bytes).toString("hex");

const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });

function attributesOf(span: ExperimentSpan) {
  const out = [attribute("langfuse.observation.type", "span")];
  const e = span.experiment;
  if (e) {
    out.push(
      attribute("langfuse.experiment.id", e.id),
      attribute("langfuse.experiment.name", e.name),
      attribute("langfuse.experiment.item.id", e.itemId),
      attribute("langfuse.experiment.item.root_observation_id", e.rootSpanId),
    );
    if (e.description) out.push(attribute("langfuse.experiment.description", e.description));
    if (e.datasetId) out.push(attribute("langfuse.experiment.dataset.id", e.datasetId));
    if (e.expectedOutput) out.push(attribute("langfuse.experiment.item.expected_output", e.expectedOutput));
    if (e.itemVersion) out.push(attribute("langfuse.experiment.item.version", e.itemVersion));
    if (e.metadata) out.push(attribute("langfuse.experiment.metadata", JSON.stringify(e.metadata)));
    if (e.itemMetadata) out.push(attribute("langfuse.experiment.item.metadata", JSON.stringify(e.itemMetadata)));
  }
  if (span.input !== undefined) out.push(attribute("langfuse.observation.input", span.input));
  if (span.output !== undefined) out.push(attribute("langfuse.observation.output", span.output));
  for (const [key, value] of Object.entries(span.metadata ?? {})) out.push(attribute(`langfuse.observation.metadata.${key}`, value));
  if (span.level) out.push(attribute("langfuse.observation.level", span.level));
  if (span.environment) out.push(attribute("langfuse.environment", span.environment));
  return out;
}

/** An OTLP/JSON trace export of the spans, as an exporter posts it. */
function otlpExport(spans: ExperimentSpan[]) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [attribute("service.name", "experiment-tests")] },
        scopeSpans: [
          {
            scope: { name: "langfuse-sdk", version: "5.0.0" },
            spans: spans.map((span) => ({
              traceId: span.traceId,
              spanId: span.spanId,
              ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
              name: span.name,
              kind: 1,
              startTimeUnixNano: `${span.start}000000`,
              endTimeUnixNano: `${span.end}000000`,
              attributes: attributesOf(span),
            })),
          },
        ],
      },
    ],
  };
}

/**
 * The spans of one experiment item as the JS runner makes them: the item's root span and `children`
 * spans under it, every one carrying the experiment attributes (the description on the root only).
 */
export function itemSpans(experiment: Omit<ExperimentAttributes, "itemId" | "rootSpanId">, itemId: string, start: number, children = 1): ExperimentSpan[] {
  const traceId = hexId(16);
  const rootSpanId = hexId(8);
  const shared = { ...experiment, itemId, rootSpanId };
  const { description: _, ...withoutDescription } = shared;
  return [
    { traceId, spanId: rootSpanId, name: "experiment-item-run", start, end: start + 1000, experiment: shared, input: `{"q":"${itemId}"}`, output: '"answer"' },
    ...Array.from({ length: children }, (_, index) => ({
      traceId,
      spanId: hexId(8),
      parentSpanId: rootSpanId,
      name: "task",
      start: start + 100 * (index + 1),
      end: start + 100 * (index + 1) + 500,
      experiment: withoutDescription,
    })),
  ];
}

/** Sends spans as an OTLP/JSON export authenticated as `project`, and expects it taken whole. */
export async function exportExperimentSpans(t: TestApp, spans: ExperimentSpan[], project: TestProject): Promise<void> {
  const response = await t.app.inject({
    method: "POST",
    url: "/api/public/otel/v1/traces",
    headers: { authorization: project.basic, "content-type": "application/json" },
    payload: otlpExport(spans),
  });
  expect(response.statusCode, response.body).toBe(200);
}
