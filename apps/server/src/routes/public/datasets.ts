import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  CreateDatasetItemRequest,
  CreateDatasetRequest,
  Dataset,
  DatasetItem,
  DatasetItemParams,
  DatasetNameParams,
  DeleteDatasetItemResponse,
  ErrorResponse,
  LegacyDataset,
  LegacyListDatasetsQuery,
  LegacyPaginatedDatasets,
  ListDatasetItemsQuery,
  ListDatasetsQuery,
  pageMeta,
  PaginatedDatasetItems,
  PaginatedDatasets,
} from "@wick/contracts";
import type { DatasetService } from "@wick/datasets";
import type { MediaService } from "@wick/media";
import type { BodyBudget } from "../../plugins/body-budget.ts";
import { projectIdOf, type RouteAuth } from "../../plugins/public-auth.ts";
import { mediaSigner } from "./media-urls.ts";

/** Upstream takes item bodies of up to 4.5 MB; other dataset bodies stay at the default 1 MB. */
const ITEM_BODY_LIMIT_BYTES = 4_718_592;

const auth: RouteAuth = { allow: ["project"] };
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/**
 * Datasets and their items, as the SDKs' evaluation workflow reads and writes them: the v2
 * endpoints, and the v1 ones that older SDKs still call.
 */
export const datasetRoutes: FastifyPluginAsyncZod<{ services: { datasets: DatasetService; media: MediaService }; bodyBudget: BodyBudget }> = async (
  app,
  { services, bodyBudget },
) => {
  const datasetsTag = { tags: ["Datasets"] };
  const itemsTag = { tags: ["DatasetItems"] };

  app.get(
    "/v2/datasets",
    {
      config: { auth },
      schema: {
        ...datasetsTag,
        description: "Get the project's datasets, newest first",
        operationId: "datasets_list",
        querystring: ListDatasetsQuery,
        response: { 200: PaginatedDatasets, ...errors },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { datasets, totalItems } = await services.datasets.listDatasets(projectIdOf(request), page, limit);
      return { data: datasets, meta: pageMeta(page, limit, totalItems) };
    },
  );

  app.post(
    "/v2/datasets",
    {
      config: { auth },
      schema: {
        ...datasetsTag,
        description:
          "Create a dataset, or update the one with this name: a null or absent description or metadata stays as it is; a schema that is absent stays, null removes it, and a new one must match every current item",
        operationId: "datasets_create",
        body: CreateDatasetRequest,
        response: { 200: Dataset, ...errors, 409: ErrorResponse },
      },
    },
    async (request) => services.datasets.upsertDataset(projectIdOf(request), request.body),
  );

  app.get(
    "/v2/datasets/:datasetName",
    {
      config: { auth },
      schema: { ...datasetsTag, description: "Get a dataset by name", operationId: "datasets_get", params: DatasetNameParams, response: { 200: Dataset, ...errors } },
    },
    async (request) => services.datasets.getDataset(projectIdOf(request), request.params.datasetName),
  );

  app.post(
    "/dataset-items",
    {
      bodyLimit: ITEM_BODY_LIMIT_BYTES,
      onRequest: bodyBudget.reserve,
      config: { auth },
      schema: {
        ...itemsTag,
        description:
          "Create a dataset item, or write the next version of the one with this id (values that are null or absent keep what the item had). An id already used by another dataset of the project is a 409",
        operationId: "datasetItems_create",
        body: CreateDatasetItemRequest,
        response: { 200: DatasetItem, ...errors, 409: ErrorResponse },
      },
    },
    async (request) => services.datasets.upsertItem(projectIdOf(request), request.body, mediaSigner(services.media, request)),
  );

  app.get(
    "/dataset-items",
    {
      config: { auth },
      schema: {
        ...itemsTag,
        description: "Get the active dataset items, most recently written first; with `version`, as they were at that instant",
        operationId: "datasetItems_list",
        querystring: ListDatasetItemsQuery,
        response: { 200: PaginatedDatasetItems, ...errors },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { items, totalItems } = await services.datasets.listItems(projectIdOf(request), request.query, mediaSigner(services.media, request));
      return { data: items, meta: pageMeta(page, limit, totalItems) };
    },
  );

  app.get(
    "/dataset-items/:id",
    {
      config: { auth },
      schema: {
        ...itemsTag,
        description: "Get the current version of a dataset item, archived or not",
        operationId: "datasetItems_get",
        params: DatasetItemParams,
        response: { 200: DatasetItem, ...errors },
      },
    },
    async (request) => services.datasets.getItem(projectIdOf(request), request.params.id, mediaSigner(services.media, request)),
  );

  app.delete(
    "/dataset-items/:id",
    {
      config: { auth },
      schema: {
        ...itemsTag,
        description: "Delete a dataset item; its earlier versions stay readable through `version`. Run items are not touched",
        operationId: "datasetItems_delete",
        params: DatasetItemParams,
        response: { 200: DeleteDatasetItemResponse, ...errors },
      },
    },
    async (request) => {
      await services.datasets.deleteItem(projectIdOf(request), request.params.id);
      return { message: "Dataset item successfully deleted" };
    },
  );

  const legacyTag = { tags: ["Datasets (v1)"] };

  app.get(
    "/datasets",
    {
      config: { auth },
      schema: {
        ...legacyTag,
        description: "Legacy (v1): the project's datasets, newest first, each with the ids of its active items",
        operationId: "datasetsV1_list",
        querystring: LegacyListDatasetsQuery,
        response: { 200: LegacyPaginatedDatasets, ...errors },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { datasets, totalItems } = await services.datasets.listLegacyDatasets(projectIdOf(request), page, limit);
      return { data: datasets, meta: pageMeta(page, limit, totalItems) };
    },
  );

  app.post(
    "/datasets",
    {
      config: { auth },
      schema: {
        ...legacyTag,
        description: "Legacy (v1): create or update a dataset by name, as `POST /v2/datasets`; `items` and `runs` are always empty",
        operationId: "datasetsV1_create",
        body: CreateDatasetRequest,
        response: { 200: LegacyDataset, ...errors, 409: ErrorResponse },
      },
    },
    async (request) => ({ ...(await services.datasets.upsertDataset(projectIdOf(request), request.body)), items: [], runs: [] }),
  );

  app.get(
    "/datasets/:datasetName",
    {
      config: { auth },
      schema: {
        ...legacyTag,
        description: "Legacy (v1): a dataset with every active item, unpaginated",
        operationId: "datasetsV1_get",
        params: DatasetNameParams,
        response: { 200: LegacyDataset, ...errors },
      },
    },
    async (request) => services.datasets.getLegacyDataset(projectIdOf(request), request.params.datasetName, mediaSigner(services.media, request)),
  );
};
