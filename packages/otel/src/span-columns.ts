import type { SpanColumns } from "@wick/ingestion";
import { experimentColumns } from "./mapping/experiment.ts";
import { toolCalls, toolDefinitions } from "./mapping/tools.ts";
import { isAppRoot } from "./mapping/trace-fields.ts";
import type { SpanRecord } from "./span-record.ts";

/**
 * What a span states for the columns only the reference's direct path fills (otel.md 3.3): the
 * tools offered in its input (after definitions were moved there), the calls its output makes, the
 * app-root flag and the experiment item. Undefined when it states none of them.
 */
export function spanColumns(span: SpanRecord, input: unknown, output: unknown): SpanColumns | undefined {
  const columns: SpanColumns = experimentColumns(span);
  const definitions = toolDefinitions(input);
  if (Object.keys(definitions).length > 0) columns.toolDefinitions = definitions;
  const calls = toolCalls(output);
  if (calls.length > 0) {
    columns.toolCalls = calls.map((call) => JSON.stringify(call));
    columns.toolCallNames = calls.map((call) => call.name);
  }
  if (isAppRoot(span)) columns.isAppRoot = true;
  return Object.keys(columns).length > 0 ? columns : undefined;
}
