import { idProblem } from "./ids.ts";

type Obj = Record<string, unknown>;
const asObject = (value: unknown): Obj => (value !== null && typeof value === "object" ? (value as Obj) : {});
/** Absent collections are fine; present ones must be arrays. */
const notArray = (value: unknown) => value !== undefined && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function spanProblems(span: Obj): string[] {
  const problems: string[] = [];
  const traceId = idProblem(span.traceId);
  const spanId = idProblem(span.spanId);
  if (traceId) problems.push(`traceId:${traceId}`);
  if (spanId) problems.push(`spanId:${spanId}`);
  if (span.parentSpanId && idProblem(span.parentSpanId)) problems.push("parentSpanId:not_an_id");
  if (notArray(span.attributes)) problems.push("attributes:not_an_array");
  if (notArray(span.events)) problems.push("events:not_an_array");
  else if (list(span.events).some((event) => notArray(asObject(event).attributes))) problems.push("event.attributes:not_an_array");
  return problems;
}

/**
 * The reference's structural check of a whole export (otel.md 1.4): ids that cannot be read and
 * collections that are not arrays reject the export as a unit, with a message that says why.
 * Returns undefined for a valid export.
 */
export function exportProblem(resourceSpans: unknown[]): string | undefined {
  let total = 0;
  let badSpans = 0;
  let malformedCollections = 0;
  const reasons = new Set<string>();
  const scopes = new Set<string>();
  const malformed = (reason: string) => {
    malformedCollections += 1;
    reasons.add(reason);
  };

  for (const resourceSpan of resourceSpans) {
    const resource = asObject(asObject(resourceSpan).resource);
    if (notArray(resource.attributes)) malformed("resource.attributes:not_an_array");
    const scopeSpansField = asObject(resourceSpan).scopeSpans;
    if (notArray(scopeSpansField)) malformed("scopeSpans:not_an_array");
    for (const scopeSpan of list(scopeSpansField)) {
      const scope = asObject(asObject(scopeSpan).scope);
      if (notArray(scope.attributes)) malformed("scope.attributes:not_an_array");
      const spansField = asObject(scopeSpan).spans;
      if (notArray(spansField)) malformed("spans:not_an_array");
      for (const span of list(spansField)) {
        total += 1;
        const problems = spanProblems(asObject(span));
        if (problems.length === 0) continue;
        badSpans += 1;
        for (const problem of problems) reasons.add(problem);
        scopes.add(typeof scope.name === "string" && scope.name ? scope.name : "unknown");
      }
    }
  }
  if (badSpans === 0 && malformedCollections === 0) return undefined;

  const summary: string[] = [];
  if (badSpans > 0) summary.push(`${badSpans} of ${total} span(s) cannot be processed`);
  if (malformedCollections > 0) summary.push(`${malformedCollections} resource- or scope-level field(s) are present but not arrays`);
  const hints: string[] = [];
  if ([...reasons].some((reason) => reason.includes("Id:"))) hints.push("Span ids (traceId, spanId, parentSpanId) must be present strings or byte arrays.");
  if ([...reasons].some((reason) => reason.endsWith("not_an_array"))) hints.push("Attributes, events and span collections must be arrays (attributes as arrays of {key, value}).");
  const scopeNames = [...scopes].slice(0, 5);
  return [
    `Invalid OTLP trace export: ${summary.join("; ")} (${[...reasons].join(", ")}).`,
    ...hints,
    "The entire export was rejected.",
    ...(scopeNames.length > 0 ? [`Instrumentation scope(s): ${scopeNames.join(", ")}.`] : []),
    "This endpoint accepts OTLP traces only; an OTLP logs or metrics export sent here decodes as spans without ids.",
  ].join(" ");
}
