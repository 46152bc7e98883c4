import { randomUUID } from "node:crypto";
import {
  DatasetName,
  type CreateDatasetItemRequest,
  type CreateDatasetRequest,
  type Dataset,
  type DatasetItem,
  type DatasetItemMediaReference,
  type ListDatasetItemsQuery,
} from "@wick/contracts";
import { type Database, type DatasetItemRow, type DatasetRow, type MediaRow, newCuid } from "@wick/postgres";
import { DatasetConflictError, DatasetNotFoundError, InvalidDatasetRequestError } from "./errors.ts";
import { storedValue, type StoredValue } from "./json-values.ts";
import { DatasetRepository, type DatasetPatch, type ItemVersion, type OpenVersion } from "./repository.ts";
import { ListingCache } from "./listing-cache.ts";
import { DatasetRunRepository } from "./run-repository.ts";
import { responseReferences, versionKey, type ItemMediaReference, type SignMedia } from "./item-media.ts";
import { findMediaReferences, type FoundReference, type MediaField } from "./media-references.ts";
import { SchemaChecks, type SchemaError } from "./schema-checks.ts";

/** Items checked per query when a schema is set on a dataset that has items. */
const SCHEMA_CHECK_BATCH = 5_000;
/** Failures reported when a schema is set; the check stops at the next one. */
const MAX_REPORTED_FAILURES = 10;

type ItemField = "input" | "expectedOutput";

interface ItemFailure {
  datasetItemId: string;
  field: ItemField;
  errors: SchemaError[];
}

/** A dataset as the legacy (v1) endpoints return it. */
export type LegacyDataset<Items> = Dataset & { items: Items; runs: string[] };

function datasetView(row: DatasetRow): Dataset {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    metadata: row.metadata ?? null,
    inputSchema: row.inputSchema ?? null,
    expectedOutputSchema: row.expectedOutputSchema ?? null,
    projectId: row.projectId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function itemView(row: ItemVersion, mediaReferences: DatasetItemMediaReference[]): DatasetItem {
  return {
    id: row.id,
    status: row.status,
    input: row.input ?? null,
    expectedOutput: row.expectedOutput ?? null,
    metadata: row.metadata ?? null,
    sourceTraceId: row.sourceTraceId,
    sourceObservationId: row.sourceObservationId,
    datasetId: row.datasetId,
    datasetName: row.datasetName,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    mediaReferences,
  };
}

/** A Postgres unique violation anywhere in the cause chain. */
function isUniqueViolation(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if ((current as { code?: unknown }).code === "23505") return true;
    if (current.cause === current) break;
  }
  return false;
}

/**
 * The instant of an item's next version: now, or a millisecond after the version it closes, so
 * that every version of an id starts later than the one before.
 */
function nextValidFrom(previous: DatasetItemRow | undefined): Date {
  const now = Date.now();
  return new Date(previous && previous.validFrom.getTime() >= now ? previous.validFrom.getTime() + 1 : now);
}

/** What a field holds after a write: the value sent, else the one it had (null for a new item). */
function mergedField(sent: StoredValue | null | undefined, kept: { json: string | null; value: unknown } | undefined): { json: string | null; value: unknown } {
  if (sent === undefined) return kept ?? { json: null, value: null };
  return sent === null ? { json: null, value: null } : sent;
}

function keptField(previous: OpenVersion | undefined, field: "input" | "expectedOutput" | "metadata") {
  return previous && { json: previous.json[field], value: previous.row[field] ?? null };
}

/**
 * The media a version's references name, locked against removal until the version is written.
 * References in the values sent must name media the project holds, as upstream; those in values
 * kept from the version before were checked when they were written.
 */
async function referencedMedia(datasets: DatasetRepository, projectId: string, found: FoundReference[], sent: Record<MediaField, unknown>): Promise<Map<string, MediaRow>> {
  const known = await datasets.knownMedia(projectId, [...new Set(found.map((reference) => reference.mediaId))]);
  const unknown = new Set(found.filter((reference) => sent[reference.field] !== undefined && !known.has(reference.mediaId)).map((reference) => reference.mediaId));
  if (unknown.size > 0) throw new InvalidDatasetRequestError(`Dataset item references unknown media: ${[...unknown].join(", ")}`);
  return known;
}

/**
 * Records one row per reference of a new item version (to media the project holds), and returns
 * them as reads will find them.
 *
 * Pending links, which `POST /media` declares for an item field before the item references the
 * media, become version rows this way: once the version's own rows are recorded, the item's
 * pending rows for the same field and media are deleted in the same transaction, since the version
 * rows now link that media. Pending rows no version references yet stay, for a later version that
 * may, and keep their media from removal meanwhile.
 */
async function recordVersionMedia(datasets: DatasetRepository, version: DatasetItemRow, found: FoundReference[], known: Map<string, MediaRow>): Promise<ItemMediaReference[]> {
  const recorded = new Map<string, ItemMediaReference & { mediaId: string }>();
  for (const reference of found) {
    const media = known.get(reference.mediaId);
    const key = JSON.stringify([reference.field, reference.jsonPath, reference.referenceString]);
    if (media && !recorded.has(key)) recorded.set(key, { ...reference, media });
  }
  const rows = [...recorded.values()];
  await datasets.insertVersionMedia(
    rows.map((reference) => ({
      projectId: version.projectId,
      datasetId: version.datasetId,
      datasetItemId: version.id,
      datasetItemValidFrom: version.validFrom,
      mediaId: reference.mediaId,
      field: reference.field,
      jsonPath: reference.jsonPath,
      referenceString: reference.referenceString,
    })),
  );
  await datasets.deletePendingMedia(version.projectId, version.id, rows);
  return rows;
}

function describeErrors(errors: SchemaError[]): string {
  return errors.map((error) => error.message).join(", ");
}

/** Datasets and their versioned items, with upstream's rules and messages. */
export class DatasetService {
  private readonly checks = new SchemaChecks();
  private readonly listings = new ListingCache();
  private readonly datasets: DatasetRepository;
  private readonly runs: DatasetRunRepository;

  constructor(db: Database) {
    this.datasets = new DatasetRepository(db);
    this.runs = new DatasetRunRepository(db);
  }

  // ---- Datasets -----------------------------------------------------------------------------

  /**
   * Creates the dataset, or updates the one of that name: a description or metadata that is null
   * or absent stays as it is; a schema that is absent stays, null removes it, and setting one
   * first checks every current item against it.
   */
  async upsertDataset(projectId: string, request: CreateDatasetRequest): Promise<Dataset> {
    const valid = DatasetName.safeParse(request.name);
    if (!valid.success) throw new InvalidDatasetRequestError(`Dataset name not valid. ${valid.error.message}`);
    try {
      const row = await this.datasets.transaction(async (datasets) => {
        // Held to the end of the transaction: writes of one name (and its items' schema checks) take turns.
        await datasets.lockKey(projectId, "dataset", request.name);
        const existing = await datasets.findDatasetByName(projectId, request.name, "update");
        const now = new Date();
        if (!existing) {
          return datasets.insertDataset({
            id: newCuid(),
            projectId,
            name: request.name,
            description: request.description ?? null,
            metadata: request.metadata ?? null,
            inputSchema: request.inputSchema ?? null,
            expectedOutputSchema: request.expectedOutputSchema ?? null,
            createdAt: now,
            updatedAt: now,
          });
        }
        const patch: DatasetPatch = { updatedAt: now };
        if (request.description != null) patch.description = request.description;
        if (request.metadata != null) patch.metadata = request.metadata;
        if (request.inputSchema !== undefined) patch.inputSchema = request.inputSchema;
        if (request.expectedOutputSchema !== undefined) patch.expectedOutputSchema = request.expectedOutputSchema;
        await this.checkCurrentItems(datasets, existing, { input: request.inputSchema, expectedOutput: request.expectedOutputSchema });
        return datasets.updateDataset(projectId, existing.id, patch);
      });
      return datasetView(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new DatasetConflictError("Dataset name already in use");
      throw error;
    }
  }

  /** Refuses schemas that current items (of any status) do not match, naming up to ten failures. */
  private async checkCurrentItems(datasets: DatasetRepository, dataset: DatasetRow, schemas: Record<ItemField, unknown>): Promise<void> {
    const fields = (["input", "expectedOutput"] as const).filter((field) => schemas[field] != null);
    if (fields.length === 0) return;
    const failures: ItemFailure[] = [];
    let moreFailures = false;
    let after: string | undefined;
    scan: for (;;) {
      const batch = await datasets.currentItemsAfter(dataset.projectId, dataset.id, after, SCHEMA_CHECK_BATCH);
      for (const item of batch) {
        for (const field of fields) {
          const errors = this.checks.errors(schemas[field], item[field] ?? null);
          if (!errors) continue;
          if (failures.length === MAX_REPORTED_FAILURES) {
            moreFailures = true;
            break scan;
          }
          failures.push({ datasetItemId: item.id, field, errors });
        }
      }
      if (batch.length < SCHEMA_CHECK_BATCH) break;
      after = batch.at(-1)!.id;
    }
    if (failures.length === 0) return;
    throw new InvalidDatasetRequestError(
      `Schema validation failed for ${moreFailures ? `more than ${MAX_REPORTED_FAILURES}` : failures.length} item(s). Details: ${JSON.stringify(failures)}`,
    );
  }

  async getDataset(projectId: string, name: string): Promise<Dataset> {
    return datasetView(await this.findDataset(projectId, name));
  }

  private async findDataset(projectId: string, name: string): Promise<DatasetRow> {
    const row = await this.datasets.findDatasetByName(projectId, name);
    if (!row) throw new DatasetNotFoundError("Dataset not found");
    return row;
  }

  async listDatasets(projectId: string, page: number, limit: number): Promise<{ datasets: Dataset[]; totalItems: number }> {
    const { rows, total } = await this.datasets.listDatasets(projectId, { limit, offset: Math.max(0, page - 1) * limit });
    return { datasets: rows.map(datasetView), totalItems: total };
  }

  // The legacy reads list run names, as upstream's legacy and dual modes do (its events_only mode
  // answers [], having no runs); Wick keeps runs in every mode.

  /** The dataset with every active item, unpaginated, and the names of its runs. */
  async getLegacyDataset(projectId: string, name: string, sign: SignMedia): Promise<LegacyDataset<DatasetItem[]>> {
    const row = await this.findDataset(projectId, name);
    const [items, runs] = await Promise.all([this.datasets.allActiveItems(projectId, row.id), this.runs.runNamesOf(projectId, [row.id])]);
    return { ...datasetView(row), items: await this.itemViews(projectId, items, sign), runs: runs.get(row.id) ?? [] };
  }

  /** A page of datasets, each with the ids of its active items and the names of its runs. */
  async listLegacyDatasets(projectId: string, page: number, limit: number): Promise<{ datasets: LegacyDataset<string[]>[]; totalItems: number }> {
    const { datasets, totalItems } = await this.listDatasets(projectId, page, limit);
    const datasetIds = datasets.map((dataset) => dataset.id);
    const [ids, runs] = await Promise.all([this.datasets.activeItemIds(projectId, datasetIds), this.runs.runNamesOf(projectId, datasetIds)]);
    return { datasets: datasets.map((dataset) => ({ ...dataset, items: ids.get(dataset.id) ?? [], runs: runs.get(dataset.id) ?? [] })), totalItems };
  }

  // ---- Items --------------------------------------------------------------------------------

  /**
   * Creates an item, or writes the next version of the one with that id: values that are null or
   * absent keep what the item had. Every write is a new version; the one before stays readable
   * through `version`.
   */
  async upsertItem(projectId: string, request: CreateDatasetItemRequest, sign: SignMedia): Promise<DatasetItem> {
    const sent = { input: storedValue(request.input), expectedOutput: storedValue(request.expectedOutput), metadata: storedValue(request.metadata) };
    const id = request.id ?? randomUUID();
    let written: { row: ItemVersion; references: ItemMediaReference[] };
    try {
      written = await this.datasets.transaction(async (datasets) => {
        // Shared: item writes go on together, while a schema change to the dataset waits for them.
        const dataset = await datasets.findDatasetByName(projectId, request.datasetName, "share");
        if (!dataset) throw new DatasetNotFoundError(`Dataset ${request.datasetName} not found for project ${projectId}`);
        let open: OpenVersion | undefined;
        if (request.id == null) {
          if (request.input == null) throw new InvalidDatasetRequestError("Dataset item validation failed: Dataset item input cannot be null");
        } else {
          await datasets.lockKey(projectId, "item", id);
          open = await datasets.findOpenVersion(projectId, id);
        }
        // A deleted item's id starts afresh.
        const previous = open && !open.row.isDeleted ? open : undefined;
        if (previous && previous.row.datasetId !== dataset.id) {
          throw new DatasetConflictError(
            `Dataset item id ${id} already exists in another dataset (id ${previous.row.datasetId}) in this project; item ids are unique across the project's datasets, so choose another id or write to that dataset`,
          );
        }
        const input = mergedField(sent.input, keptField(previous, "input"));
        const expectedOutput = mergedField(sent.expectedOutput, keptField(previous, "expectedOutput"));
        const metadata = mergedField(sent.metadata, keptField(previous, "metadata"));
        this.checkItem(dataset, input.value, expectedOutput.value);
        const found = findMediaReferences({ input: input.value, expectedOutput: expectedOutput.value, metadata: metadata.value });
        const known = await referencedMedia(datasets, projectId, found, sent);

        const validFrom = nextValidFrom(open?.row);
        if (open) await datasets.closeVersion(open.row, validFrom);
        const row = await datasets.insertVersion({
          id,
          projectId,
          datasetId: dataset.id,
          status: request.status ?? previous?.row.status ?? "ACTIVE",
          sourceTraceId: request.sourceTraceId ?? previous?.row.sourceTraceId ?? null,
          sourceObservationId: request.sourceObservationId ?? previous?.row.sourceObservationId ?? null,
          json: { input: input.json, expectedOutput: expectedOutput.json, metadata: metadata.json },
          createdAt: validFrom,
          updatedAt: validFrom,
          validFrom,
          isDeleted: false,
        });
        const references = await recordVersionMedia(datasets, row, found, known);
        await datasets.bumpItemWriteGeneration(projectId);
        return { row: { ...row, datasetName: dataset.name }, references };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DatasetConflictError(`Dataset item ${id} was modified concurrently. Please retry the request.`);
      throw error;
    }
    const signed = await sign(written.references.map((reference) => reference.media));
    return itemView(written.row, responseReferences(written.references, signed));
  }

  private checkItem(dataset: DatasetRow, input: unknown, expectedOutput: unknown): void {
    const inputErrors = this.checks.errors(dataset.inputSchema, input);
    const outputErrors = this.checks.errors(dataset.expectedOutputSchema, expectedOutput);
    if (!inputErrors && !outputErrors) return;
    const messages = [
      inputErrors && `Input validation failed: ${describeErrors(inputErrors)}`,
      outputErrors && `Expected output validation failed: ${describeErrors(outputErrors)}`,
    ].filter((message) => message !== undefined);
    throw new InvalidDatasetRequestError(`Dataset item validation failed: ${messages.join("; ")}`);
  }

  /** The current version of an item, archived or not. */
  async getItem(projectId: string, id: string, sign: SignMedia): Promise<DatasetItem> {
    const row = await this.datasets.findCurrentItem(projectId, id);
    if (!row) throw new DatasetNotFoundError("Dataset item not found");
    const [view] = await this.itemViews(projectId, [row], sign);
    return view!;
  }

  /** Ends the item with a delete marker; its earlier versions stay readable through `version`. */
  async deleteItem(projectId: string, id: string): Promise<void> {
    await this.datasets.transaction(async (datasets) => {
      await datasets.lockKey(projectId, "item", id);
      const open = await datasets.findOpenVersion(projectId, id);
      if (!open || open.row.isDeleted) throw new DatasetNotFoundError(`Dataset item with id ${id} not found for project ${projectId}`);
      const at = nextValidFrom(open.row);
      await datasets.closeVersion(open.row, at);
      const { row } = open;
      await datasets.insertVersion({
        id: row.id,
        projectId: row.projectId,
        datasetId: row.datasetId,
        status: row.status,
        sourceTraceId: row.sourceTraceId,
        sourceObservationId: row.sourceObservationId,
        json: open.json,
        createdAt: at,
        updatedAt: at,
        validFrom: at,
        isDeleted: true,
      });
      await datasets.bumpItemWriteGeneration(projectId);
    });
  }

  /**
   * A page of active items (as of `version` when given), most recently written first. Paging on
   * through an unchanged project starts each page from where the one before it ended.
   */
  async listItems(projectId: string, query: ListDatasetItemsQuery, sign: SignMedia): Promise<{ items: DatasetItem[]; totalItems: number }> {
    const { datasetName, sourceTraceId, sourceObservationId, version, page, limit } = query;
    // Read before the items: a write committing in between leaves what this read learns under an old generation.
    const generation = await this.datasets.itemWriteGeneration(projectId);
    const datasetId = datasetName ? (await this.findDataset(projectId, datasetName)).id : undefined;
    const filters = { datasetId, sourceTraceId, sourceObservationId, asOf: version };
    const listing = this.listings.get(projectId, generation, JSON.stringify(filters));
    const offset = (page - 1) * limit;
    const start = listing.startAtOrBefore(offset);
    const { rows, total } = await this.datasets.listItems(projectId, filters, { limit, offset: offset - start.offset, after: start.after }, listing.total);
    listing.total = total;
    const last = rows.at(-1);
    if (last) listing.remember(offset + rows.length, { validFrom: last.validFrom, id: last.id });
    return { items: await this.itemViews(projectId, rows, sign), totalItems: total };
  }

  /** The versions as responses show them, with their media references: one query and one signing for all of them. */
  private async itemViews(projectId: string, rows: ItemVersion[], sign: SignMedia): Promise<DatasetItem[]> {
    const byVersion = new Map<string, ItemMediaReference[]>();
    const recorded = await this.datasets.mediaOfVersions(projectId, rows);
    for (const { datasetItemId, validFrom, ...reference } of recorded) {
      const key = versionKey(datasetItemId, validFrom);
      const references = byVersion.get(key);
      if (references) references.push(reference);
      else byVersion.set(key, [reference]);
    }
    const signed = recorded.length === 0 ? new Map() : await sign(recorded.map((reference) => reference.media));
    return rows.map((row) => itemView(row, responseReferences(byVersion.get(versionKey(row.id, row.validFrom)) ?? [], signed)));
  }
}
