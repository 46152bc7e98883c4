import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  CreateDatasetRunItemRequest,
  DatasetNameParams,
  DatasetRunItem,
  DatasetRunParams,
  DatasetRunWithItems,
  DeleteDatasetRunResponse,
  ErrorResponse,
  ListDatasetRunItemsQuery,
  ListDatasetRunsQuery,
  pageMeta,
  PaginatedDatasetRunItems,
  PaginatedDatasetRuns,
} from "@wick/contracts";
import type { RunService } from "@wick/datasets";
import { projectIdOf, type RouteAuth } from "../../plugins/public-auth.ts";

const auth: RouteAuth = { allow: ["project"] };
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/**
 * Dataset runs and run items, as the SDK experiment runners and older SDKs' `item.link` write
 * them. Upstream's v4 default answers 404 here; Wick serves them in every mode.
 */
export const datasetRunRoutes: FastifyPluginAsyncZod<{ services: { datasetRuns: RunService } }> = async (app, { services }) => {
  const runsTag = { tags: ["Datasets"] };
  const itemsTag = { tags: ["DatasetRunItems"] };

  app.post(
    "/dataset-run-items",
    {
      config: { auth },
      schema: {
        ...itemsTag,
        description:
          "Link a trace (or an observation, whose trace is looked up) to an active dataset item in a run; the first item of a run name creates the run, whose id is the same for every use of the name. An existing run keeps its description and metadata",
        operationId: "datasetRunItems_create",
        body: CreateDatasetRunItemRequest,
        response: { 200: DatasetRunItem, ...errors, 409: ErrorResponse },
      },
    },
    async (request) => services.datasetRuns.createRunItem(projectIdOf(request), request.body),
  );

  app.get(
    "/dataset-run-items",
    {
      config: { auth },
      schema: {
        ...itemsTag,
        description: "Get a run's items, one per dataset item (its newest), newest first; totalItems counts dataset items",
        operationId: "datasetRunItems_list",
        querystring: ListDatasetRunItemsQuery,
        response: { 200: PaginatedDatasetRunItems, ...errors },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { items, totalItems } = await services.datasetRuns.listRunItems(projectIdOf(request), request.query);
      return { data: items, meta: pageMeta(page, limit, totalItems) };
    },
  );

  app.get(
    "/datasets/:datasetName/runs",
    {
      config: { auth },
      schema: {
        ...runsTag,
        description: "Get a dataset's runs, newest first",
        operationId: "datasets_getRuns",
        params: DatasetNameParams,
        querystring: ListDatasetRunsQuery,
        response: { 200: PaginatedDatasetRuns, ...errors },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { runs, totalItems } = await services.datasetRuns.listRuns(projectIdOf(request), request.params.datasetName, page, limit);
      return { data: runs, meta: pageMeta(page, limit, totalItems) };
    },
  );

  app.get(
    "/datasets/:datasetName/runs/:runName",
    {
      config: { auth },
      schema: {
        ...runsTag,
        description: "Get a dataset run with all its items, unpaginated",
        operationId: "datasets_getRun",
        params: DatasetRunParams,
        response: { 200: DatasetRunWithItems, ...errors },
      },
    },
    async (request) => services.datasetRuns.getRun(projectIdOf(request), request.params.datasetName, request.params.runName),
  );

  app.delete(
    "/datasets/:datasetName/runs/:runName",
    {
      config: { auth },
      schema: {
        ...runsTag,
        description: "Delete a dataset run and all its run items; both are gone when this answers",
        operationId: "datasets_deleteRun",
        params: DatasetRunParams,
        response: { 200: DeleteDatasetRunResponse, ...errors },
      },
    },
    async (request) => {
      await services.datasetRuns.deleteRun(projectIdOf(request), request.params.datasetName, request.params.runName);
      return { message: "Dataset run successfully deleted" };
    },
  );
};
