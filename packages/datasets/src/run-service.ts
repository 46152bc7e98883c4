import { randomUUID } from "node:crypto";
import type { ClickHouseClient } from "@clickhouse/client";
import {
  clickHouseInstant,
  datasetRunItems,
  IN_PROJECT,
  isoFromClickHouse,
  observations,
  selectRows,
  storableInstant,
  type ListedRunItem,
  type RowDeletes,
  type RunIncarnation,
} from "@wick/clickhouse";
import type { CreateDatasetRunItemRequest, DatasetRun, DatasetRunItem, ListDatasetRunItemsQuery } from "@wick/contracts";
import { DatasetRepository, type ItemVersion } from "./repository.ts";
import type { Database, DatasetRow, DatasetRunRow } from "@wick/postgres";
import { DatasetConflictError, DatasetNotFoundError, InvalidDatasetRequestError } from "./errors.ts";
import { stableRunId } from "./run-ids.ts";
import { runItemRow, runMetadata } from "./run-item-rows.ts";
import { DatasetRunRepository } from "./run-repository.ts";

/** How often a run item tries to create-or-fetch its run while deletes of that run keep winning. */
const RUN_ATTEMPTS = 3;

function runView(row: DatasetRunRow, datasetName: string): DatasetRun {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    metadata: row.metadata ?? null,
    datasetId: row.datasetId,
    datasetName,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function runItemView(row: ListedRunItem): DatasetRunItem {
  return {
    id: row.id,
    datasetRunId: row.dataset_run_id,
    datasetRunName: row.dataset_run_name,
    datasetItemId: row.dataset_item_id,
    traceId: row.trace_id,
    observationId: row.observation_id,
    createdAt: isoFromClickHouse(row.created_at),
    updatedAt: isoFromClickHouse(row.updated_at),
  };
}

const incarnation = (run: DatasetRunRow): RunIncarnation => ({
  projectId: run.projectId,
  datasetId: run.datasetId,
  runId: run.id,
  runCreatedAt: clickHouseInstant(run.createdAt),
});

/**
 * Dataset runs (Postgres) and their items (ClickHouse, beside the traces they link). A run is
 * created by its first item and never changed after; deleting it removes its items too.
 */
export class RunService {
  private readonly datasets: DatasetRepository;
  private readonly runs: DatasetRunRepository;

  /**
   * `linksChanged` is told the traces whose run items were added or deleted, once they are, so
   * that what is derived from the links follows.
   */
  constructor(
    private readonly stores: { db: Database; clickhouse: ClickHouseClient; rowDeletes: RowDeletes },
    private readonly linksChanged: (projectId: string, traceIds: string[]) => Promise<void> = async () => {},
  ) {
    this.datasets = new DatasetRepository(stores.db);
    this.runs = new DatasetRunRepository(stores.db);
  }

  /**
   * Links a trace (or an observation) to a dataset item in the named run, creating the run on
   * first use. The item is written directly, so reads see it as soon as this returns.
   */
  async createRunItem(projectId: string, body: CreateDatasetRunItemRequest): Promise<DatasetRunItem> {
    const createdAt = body.createdAt ? new Date(body.createdAt) : new Date();
    if (!storableInstant(createdAt.getTime())) throw new InvalidDatasetRequestError("createdAt must lie between the years 1900 and 2299");
    const item = await this.datasets.findActiveItem(projectId, body.datasetItemId, body.datasetVersion ?? undefined);
    if (!item) throw new DatasetNotFoundError("Dataset item not found");
    const traceId = body.traceId ?? (await this.traceOfObservation(projectId, body.observationId!));
    const run = await this.createOrFetchRun(projectId, item, body, createdAt);
    const link = { id: randomUUID(), traceId, observationId: body.observationId ?? null, createdAt };
    await datasetRunItems.insert(this.stores.clickhouse, [runItemRow(run, item, link)]);
    await this.dropIfRunDeleted(run, link.id);
    await this.linksChanged(projectId, [traceId]);
    return {
      id: link.id,
      datasetRunId: run.id,
      datasetRunName: run.name,
      datasetItemId: item.id,
      traceId,
      observationId: link.observationId,
      createdAt: createdAt.toISOString(),
      updatedAt: createdAt.toISOString(),
    };
  }

  private async traceOfObservation(projectId: string, observationId: string): Promise<string> {
    const [found] = await selectRows<{ trace_id: string }>(this.stores.clickhouse, {
      name: "observations.trace-of",
      sql: observations.newestPerId("id, trace_id", `${IN_PROJECT} AND id = {id:String}`),
      params: { projectId, id: observationId },
    });
    if (!found) throw new DatasetNotFoundError("Observation not found");
    return found.trace_id;
  }

  /**
   * The run of the item's dataset with this name, created as the request describes when there is
   * none. An existing run is returned unchanged, as upstream does: its description and metadata
   * come from the item that created it. Concurrent first uses all insert the same row (its id is
   * derived from the name) and all read back the one that got in.
   */
  private async createOrFetchRun(projectId: string, item: ItemVersion, body: CreateDatasetRunItemRequest, createdAt: Date): Promise<DatasetRunRow> {
    for (let attempt = 0; attempt < RUN_ATTEMPTS; attempt += 1) {
      const existing = await this.runs.findRun(projectId, item.datasetId, body.runName);
      if (existing) return existing;
      await this.runs.insertRunIfAbsent({
        id: stableRunId(projectId, item.datasetId, body.runName),
        projectId,
        datasetId: item.datasetId,
        name: body.runName,
        description: body.runDescription ?? null,
        metadata: runMetadata(body.metadata, body.datasetVersion),
        createdAt,
        updatedAt: createdAt,
      });
      // Only a delete of the run between the insert and this read leaves nothing to read.
      const created = await this.runs.findRun(projectId, item.datasetId, body.runName);
      if (created) return created;
    }
    throw new DatasetConflictError(`Dataset run ${body.runName} was deleted concurrently. Please retry the request.`);
  }

  /**
   * Removes the item just written if its run was deleted meanwhile. A run's delete removes the
   * Postgres row first and the items after, so an item written in between would outlive it;
   * whichever of the two comes last removes it. A run created again under the name has the same
   * id but another creation time, which the items carry.
   */
  private async dropIfRunDeleted(run: DatasetRunRow, itemId: string): Promise<void> {
    const now = await this.runs.findRunById(run.projectId, run.id);
    if (now && now.createdAt.getTime() === run.createdAt.getTime()) return;
    await datasetRunItems.deleteOne(this.stores.rowDeletes, incarnation(run), itemId);
  }

  /** A page of the run's items, one per dataset item (its newest), newest first. */
  async listRunItems(projectId: string, query: ListDatasetRunItemsQuery): Promise<{ items: DatasetRunItem[]; totalItems: number }> {
    const run = await this.runs.findRun(projectId, query.datasetId, query.runName);
    if (!run) throw new DatasetNotFoundError("Dataset run not found for the given project and dataset id");
    const { rows, total } = await datasetRunItems.page(this.stores.clickhouse, incarnation(run), { limit: query.limit, offset: (query.page - 1) * query.limit });
    return { items: rows.map(runItemView), totalItems: total };
  }

  async listRuns(projectId: string, datasetName: string, page: number, limit: number): Promise<{ runs: DatasetRun[]; totalItems: number }> {
    const dataset = await this.findDataset(projectId, datasetName);
    const { rows, total } = await this.runs.listRuns(projectId, dataset.id, { limit, offset: (page - 1) * limit });
    return { runs: rows.map((row) => runView(row, dataset.name)), totalItems: total };
  }

  /** The run with every one of its items, unpaginated. */
  async getRun(projectId: string, datasetName: string, runName: string): Promise<DatasetRun & { datasetRunItems: DatasetRunItem[] }> {
    const dataset = await this.findDataset(projectId, datasetName);
    const run = await this.runs.findRun(projectId, dataset.id, runName);
    if (!run) throw new DatasetNotFoundError("Dataset run not found");
    const items = await datasetRunItems.all(this.stores.clickhouse, incarnation(run));
    return { ...runView(run, dataset.name), datasetRunItems: items.map(runItemView) };
  }

  /** Deletes the run, then its items; both are gone when this returns. */
  async deleteRun(projectId: string, datasetName: string, runName: string): Promise<void> {
    const dataset = await this.findDataset(projectId, datasetName);
    const run = await this.runs.deleteRun(projectId, dataset.id, runName);
    if (!run) throw new DatasetNotFoundError("Dataset run not found");
    const linked = await datasetRunItems.tracesOfRun(this.stores.clickhouse, incarnation(run));
    await datasetRunItems.deleteOfRun(this.stores.rowDeletes, incarnation(run));
    await this.linksChanged(projectId, linked);
  }

  private async findDataset(projectId: string, name: string): Promise<DatasetRow> {
    const row = await this.datasets.findDatasetByName(projectId, name);
    if (!row) throw new DatasetNotFoundError("Dataset not found");
    return row;
  }
}
