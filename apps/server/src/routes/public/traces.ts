import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorResponse, pageMeta, TraceDetailQuery, TraceFieldGroups, TraceListQuery, Traces, TraceWithFullDetails } from "@wick/contracts";
import type { TraceGroup } from "@wick/tracing-reads";
import { NotFoundError } from "../../errors.ts";
import { ConcurrencyGate } from "../../plugins/concurrency-gate.ts";
import { projectIdOf } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";

/** `fields` as the reference reads it: unknown names dropped, all groups when none is left, `core` always. */
export function traceGroups(fields: string | undefined): Set<TraceGroup> {
  const known = (fields ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name): name is TraceGroup => (TraceFieldGroups as readonly string[]).includes(name));
  return new Set<TraceGroup>(known.length > 0 ? ["core", ...known] : TraceFieldGroups);
}

const Message = z.object({ message: z.string() });

/**
 * Trace details read at once. A trace with tens of thousands of observations makes a response of
 * tens of megabytes, held several times over while it is built; embedded chDB runs one query at a
 * time anyway, so queueing costs no throughput and keeps memory to a couple of such responses.
 */
const TRACE_DETAIL_SLOTS = 2;

export const traceRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const detailGate = new ConcurrencyGate(TRACE_DETAIL_SLOTS);

  app.get(
    "/traces",
    {
      schema: {
        description: "Get a list of traces, newest first unless `orderBy` says otherwise",
        operationId: "trace_list",
        tags: ["Trace"],
        querystring: TraceListQuery,
        response: { 200: Traces, 400: ErrorResponse },
      },
    },
    async (request) => {
      const { query } = request;
      const { data, totalItems } = await services.reads.traces(projectIdOf(request), query, traceGroups(query.fields));
      return { data, meta: pageMeta(query.page, query.limit, totalItems) };
    },
  );

  app.delete(
    "/traces",
    {
      schema: {
        description: "Delete traces with their observations and scores; they are gone from every read when this answers",
        operationId: "trace_deleteMultiple",
        tags: ["Trace"],
        body: z.strictObject({
          traceIds: z.array(z.string()).min(1, "At least 1 traceId is required.").max(1000, "Cannot specify more than 1000 traces in a single request."),
        }),
        response: { 200: Message, 400: ErrorResponse },
      },
    },
    async (request) => {
      const projectId = projectIdOf(request);
      await services.deletes.traces(projectId, request.body.traceIds);
      return { message: "Traces deleted successfully" };
    },
  );

  app.delete(
    "/traces/:traceId",
    {
      schema: {
        description: "Delete a trace with its observations and scores; it is gone from every read when this answers",
        operationId: "trace_delete",
        tags: ["Trace"],
        params: z.object({ traceId: z.string() }),
        response: { 200: Message },
      },
    },
    async (request) => {
      const projectId = projectIdOf(request);
      await services.deletes.traces(projectId, [request.params.traceId]);
      return { message: "Trace deleted successfully" };
    },
  );

  app.get(
    "/traces/:traceId",
    {
      schema: {
        description: "Get a trace with its observations and scores",
        operationId: "trace_get",
        tags: ["Trace"],
        params: z.object({ traceId: z.string().describe("The unique langfuse identifier of a trace") }),
        querystring: TraceDetailQuery,
        response: { 200: TraceWithFullDetails, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const projectId = projectIdOf(request);
      await detailGate.enter(reply);
      const trace = await services.reads.trace(projectId, request.params.traceId, traceGroups(request.query.fields));
      if (!trace) throw new NotFoundError(`Trace ${request.params.traceId} not found within authorized project`);
      // Built to the contract's type field by field, so the schema's encoding pass would only copy
      // what may be tens of megabytes; a test checks that encoding would change nothing.
      return reply.serializer(JSON.stringify).send(trace);
    },
  );
};
