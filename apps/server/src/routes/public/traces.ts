import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorResponse, TraceDetailQuery, TraceFieldGroups, TraceWithFullDetails } from "@wick/contracts";
import type { TraceGroup } from "@wick/tracing-reads";
import { NotFoundError } from "../../errors.ts";
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

export const traceRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    "/traces/:traceId",
    {
      config: { auth: { allow: ["project"] } },
      schema: {
        description: "Get a trace with its observations and scores",
        operationId: "trace_get",
        tags: ["Trace"],
        security: [{ BasicAuth: [] }],
        params: z.object({ traceId: z.string().describe("The unique langfuse identifier of a trace") }),
        querystring: TraceDetailQuery,
        response: { 200: TraceWithFullDetails, 404: ErrorResponse },
      },
    },
    async (request) => {
      const projectId = projectIdOf(request);
      const trace = await services.reads.trace(projectId, request.params.traceId, traceGroups(request.query.fields));
      if (!trace) throw new NotFoundError(`Trace ${request.params.traceId} not found within authorized project`);
      return trace;
    },
  );
};
