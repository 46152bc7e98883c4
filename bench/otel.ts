/**
 * `pnpm bench otel`: sustained spans/s through `POST /api/public/otel/v1/traces` on embedded storage,
 * as OTLP protobuf and as OTLP/JSON (exports of 100 spans of about 1 KB: 10 traces of a root and 9
 * GenAI generations, from concurrent clients), against the raw chDB insert rate of the same
 * observation and trace rows, taken in turn with the HTTP passes; acknowledgement and
 * acknowledgement-to-visible latency.
 */
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { IngestionEvent } from "../packages/contracts/src/index.ts";
import { insertRows, type ObservationRow, type TraceRow } from "../packages/clickhouse/src/index.ts";
import { foldObservation, foldTrace, normalizeEvent, type LoggedEvent } from "../packages/ingestion/src/index.ts";
import { exportToIngestionEvents } from "../packages/otel/src/index.ts";
import { BenchProject } from "./support/bench-project.ts";
import { withScratchClickHouse } from "./support/scratch-clickhouse.ts";
import { post } from "./support/http-post.ts";
import { measureWriteThroughput, observationVisible, pairedPasses, ratioSpread, timedInserts } from "./support/write-throughput.ts";
import type { WickServer } from "./support/server-process.ts";
import { mb, micros, ms, percentile, printTable } from "./support/stats.ts";

const TRACES_PER_EXPORT = 10;
const SPANS_PER_TRACE = 10;
const SPANS_PER_EXPORT = TRACES_PER_EXPORT * SPANS_PER_TRACE;
const EXPORTS = 200;
const CLIENTS = 16;
/** Raw and HTTP passes are taken in this many pairs; see `pairedPasses`. */
const PAIRS = 5;

const VISIBILITY_SAMPLES = 40;
const project = new BenchProject("otel");
const { authorization } = project;

// The protobuf encoder compiled from the OTLP definitions, from the package the decoder uses.
const requireFromOtel = createRequire(new URL("../packages/otel/package.json", import.meta.url));
const ExportTraceServiceRequest = requireFromOtel("@opentelemetry/otlp-transformer/build/src/generated/root.js").opentelemetry.proto.collector.trace.v1
  .ExportTraceServiceRequest as { fromObject(value: object): object; encode(message: object): { finish(): Uint8Array } };

type Attribute = { key: string; value: { stringValue?: string; intValue?: number; doubleValue?: number } };
interface BenchSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attribute[];
}
interface BenchExport {
  resourceSpans: Array<{ resource: { attributes: Attribute[] }; scopeSpans: Array<{ scope: { name: string; version: string }; spans: BenchSpan[] }> }>;
}

const text = (key: string, value: string): Attribute => ({ key, value: { stringValue: value } });
const int = (key: string, value: number): Attribute => ({ key, value: { intValue: value } });
const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** A trace of a root span and GenAI chat generations under it, about 1 KB per span. */
function traceSpans(): BenchSpan[] {
  const traceId = hex(16);
  const rootId = hex(8);
  const now = BigInt(Date.now()) * 1_000_000n;
  const root: BenchSpan = {
    traceId,
    spanId: rootId,
    name: "handle-request",
    kind: 2,
    startTimeUnixNano: String(now),
    endTimeUnixNano: String(now + 900_000_000n),
    attributes: [
      text("user.id", "user-7"),
      text("session.id", "session-3"),
      text("langfuse.trace.name", "support-chat"),
      text("input.value", "Summarise the refund policy. ".repeat(20)),
    ],
  };
  const children = Array.from(
    { length: SPANS_PER_TRACE - 1 },
    (_, index): BenchSpan => ({
      traceId,
      spanId: hex(8),
      parentSpanId: rootId,
      name: "chat gpt-4o-mini",
      kind: 3,
      startTimeUnixNano: String(now + BigInt(index) * 50_000_000n),
      endTimeUnixNano: String(now + BigInt(index + 1) * 50_000_000n),
      attributes: [
        text("gen_ai.operation.name", "chat"),
        text("gen_ai.request.model", "gpt-4o-mini"),
        int("gen_ai.usage.input_tokens", 180),
        int("gen_ai.usage.output_tokens", 95),
        text("gen_ai.input.messages", JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Summarise the refund policy for orders shipped abroad. ".repeat(6) }] }])),
        text(
          "gen_ai.output.messages",
          JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: "Orders shipped abroad can be refunded within 30 days. ".repeat(5) }] }]),
        ),
      ],
    }),
  );
  return [root, ...children];
}

function exportOf(): BenchExport {
  const spans = Array.from({ length: TRACES_PER_EXPORT }, traceSpans).flat();
  return {
    resourceSpans: [
      {
        resource: { attributes: [text("service.name", "bench"), text("deployment.environment.name", "bench")] },
        scopeSpans: [{ scope: { name: "bench-instrumentation", version: "1.0.0" }, spans }],
      },
    ],
  };
}

/** The export as protobuf: the OTLP/JSON hex ids become the bytes they stand for. */
function protobufOf(exported: BenchExport): Uint8Array {
  const asBytes = (id: string) => Buffer.from(id, "hex");
  const withBytes = {
    resourceSpans: exported.resourceSpans.map((resourceSpan) => ({
      ...resourceSpan,
      scopeSpans: resourceSpan.scopeSpans.map((scopeSpan) => ({
        ...scopeSpan,
        spans: scopeSpan.spans.map((span) => ({
          ...span,
          traceId: asBytes(span.traceId),
          spanId: asBytes(span.spanId),
          parentSpanId: span.parentSpanId ? asBytes(span.parentSpanId) : undefined,
        })),
      })),
    })),
  };
  return ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(withBytes)).finish();
}

interface Request {
  body: Uint8Array | string;
  contentType: string;
  /** A span id to read back, to time visibility. */
  probeSpanId: string;
}

function throughHttp(server: WickServer, work: Request[]) {
  return measureWriteThroughput({
    work,
    clients: CLIENTS,
    rowsPerItem: SPANS_PER_EXPORT,
    visibilitySamples: VISIBILITY_SAMPLES,
    send: async (request) => {
      const response = await post(`${server.baseUrl}/api/public/otel/v1/traces`, { authorization, "content-type": request.contentType }, request.body);
      if (response.status !== 200 || response.text !== "{}") throw new Error(`export failed: ${response.status} ${response.text.slice(0, 300)}`);
    },
    isVisible: (request) => observationVisible(server.baseUrl, authorization, request.probeSpanId),
    serverCpuSeconds: () => server.cpuSeconds(),
  });
}

const lastSpanId = (exported: BenchExport) => exported.resourceSpans[0]!.scopeSpans[0]!.spans.at(-1)!.spanId;
const jsonRequests = (exports: BenchExport[]): Request[] => exports.map((e) => ({ body: JSON.stringify(e), contentType: "application/json", probeSpanId: lastSpanId(e) }));
const protobufRequests = (exports: BenchExport[]): Request[] => exports.map((e) => ({ body: protobufOf(e), contentType: "application/x-protobuf", probeSpanId: lastSpanId(e) }));
const exportsOf = (count: number) => Array.from({ length: count }, exportOf);

type Rows = { observations: ObservationRow[]; traces: TraceRow[] };

/** The observation and trace rows the exports become, as the writer folds them. */
const rowsOf = (exports: BenchExport[]): Rows[] =>
  exports.map((exported) => {
    const { events } = exportToIngestionEvents(exported.resourceSpans, { now: Date.now(), maxSpanBytes: 9_500_000 });
    const logged = events.map((raw) => {
      const normalized = normalizeEvent(IngestionEvent.parse(raw))!;
      return { kind: normalized.kind, id: normalized.entityId, event: { ...normalized.event, receivedAt: Date.now() } as LoggedEvent };
    });
    const traceEvents = new Map<string, LoggedEvent[]>();
    for (const entry of logged.filter((e) => e.kind === "trace")) traceEvents.set(entry.id, [...(traceEvents.get(entry.id) ?? []), entry.event]);
    return {
      observations: logged.filter((e) => e.kind === "observation").map((e) => foldObservation("bench", e.id, [e.event]).row),
      traces: [...traceEvents].map(([id, events]) => foldTrace("bench", id, events)),
    };
  });

export async function run(): Promise<void> {
  // The raw baselines insert into a chDB of this process's own, beside the server's.
  await withScratchClickHouse("otel", async (store) => {
    const insert = async (rows: Rows) => {
      // Sent as the server sends its rows, so that the ratio to HTTP is the server's cost beyond its inserts.
      await insertRows(store.client, "bench.raw-observations", "observations", rows.observations);
      await insertRows(store.client, "bench.raw-traces", "traces", rows.traces);
    };
    const raw = () => timedInserts(rowsOf(exportsOf(EXPORTS)), SPANS_PER_EXPORT, insert);
    await project.withFreshServer(async (server) => {
      const sample = exportOf();
      const jsonBytes = JSON.stringify(sample).length / SPANS_PER_EXPORT;
      const protobufBytes = protobufOf(sample).length / SPANS_PER_EXPORT;
      console.log(
        `otel: ${PAIRS} pairs of passes (raw inserts, then HTTP, in turn) of ${EXPORTS} exports × ${SPANS_PER_EXPORT} spans per format (${jsonBytes.toFixed(0)} bytes/span as JSON, ${protobufBytes.toFixed(0)} as protobuf) from ${CLIENTS} concurrent clients`,
      );
      // Warm both decoders and the storage up before anything is timed.
      await timedInserts(rowsOf(exportsOf(10)), SPANS_PER_EXPORT, insert);
      await throughHttp(server, protobufRequests(exportsOf(20)));
      await throughHttp(server, jsonRequests(exportsOf(20)));
      const protobuf = await pairedPasses(PAIRS, raw, () => throughHttp(server, protobufRequests(exportsOf(EXPORTS))));
      const json = await pairedPasses(PAIRS, raw, () => throughHttp(server, jsonRequests(exportsOf(EXPORTS))));
      const rss = await server.rss();
      const [p, j] = [protobuf.http, json.http];
      printTable("otel (embedded storage)", [
        [`spans/s through OTLP protobuf, ${CLIENTS} clients (median of ${PAIRS} passes)`, p.perSecond.toFixed(0), "≥ 10,000"],
        [`spans/s through OTLP/JSON, ${CLIENTS} clients (median of ${PAIRS} passes)`, j.perSecond.toFixed(0)],
        [`raw chDB insert rate, same rows, one export per insert (median of ${2 * PAIRS})`, percentile([...protobuf.rawRates, ...json.rawRates], 50).toFixed(0)],
        ["ratio protobuf / raw per pair: median (spread)", ratioSpread(protobuf.ratios)],
        ["ratio JSON / raw per pair: median (spread)", ratioSpread(json.ratios)],
        ["server CPU per span (protobuf / JSON)", `${micros(p.cpuMicrosPerRow)} / ${micros(j.cpuMicrosPerRow)}`],
        ["raw insert CPU per row (serialization and chDB)", micros(protobuf.raw.cpuMicrosPerRow)],
        ["acknowledgement p50 (protobuf / JSON)", `${ms(percentile(p.ackLatencies, 50))} / ${ms(percentile(j.ackLatencies, 50))}`],
        ["acknowledgement p99 (protobuf / JSON)", `${ms(percentile(p.ackLatencies, 99))} / ${ms(percentile(j.ackLatencies, 99))}`, "< 300 ms"],
        ["acknowledged → visible p50 (protobuf / JSON)", `${ms(percentile(p.visibleLatencies, 50))} / ${ms(percentile(j.visibleLatencies, 50))}`, "< 300 ms"],
        ["acknowledged → visible p99 (protobuf / JSON)", `${ms(percentile(p.visibleLatencies, 99))} / ${ms(percentile(j.visibleLatencies, 99))}`, "< 1 s"],
        ["server RSS after the run", mb(rss.totalBytes), "< 1.5 GB"],
        ["server peak RSS", mb(rss.peakBytes), "< 1.5 GB"],
      ]);
    });
  });
}
