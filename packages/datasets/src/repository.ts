import { and, asc, count, desc, eq, getTableColumns, gt, inArray, isNull, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { datasetItemMedia, datasetItems, datasetItemWriteGenerations, datasets, media, type Database, type DatasetItemRow, type DatasetRow, type MediaRow } from "@wick/postgres";
import type { ListingKey } from "./listing-cache.ts";

export type DatasetPatch = Partial<Pick<DatasetRow, "description" | "metadata" | "inputSchema" | "expectedOutputSchema">> & { updatedAt: Date };

/** A stored item version with the name of its dataset. */
export type ItemVersion = DatasetItemRow & { datasetName: string };

/** The open version of an item id, a delete marker included, with its values as stored JSON text. */
export interface OpenVersion {
  row: DatasetItemRow;
  json: { input: string | null; expectedOutput: string | null; metadata: string | null };
}

/** A version to insert; its values are JSON text, so Postgres stores them exactly as written. */
export type NewVersion = Omit<DatasetItemRow, "input" | "expectedOutput" | "metadata" | "validTo"> & {
  json: { input: string | null; expectedOutput: string | null; metadata: string | null };
};

/** A reference of an item version to record. */
export interface NewVersionMedia {
  projectId: string;
  datasetId: string;
  datasetItemId: string;
  datasetItemValidFrom: Date;
  mediaId: string;
  field: string;
  jsonPath: string;
  referenceString: string;
}

/** A recorded reference of an item version, with the media it names. */
export interface VersionMedia {
  datasetItemId: string;
  validFrom: Date;
  field: string;
  jsonPath: string;
  referenceString: string;
  media: MediaRow;
}

const asJsonb = (text: string | null) => (text === null ? null : sql`${text}::jsonb`);

/** Rows that are an item's state now. */
const current = sql`${datasetItems.validTo} is null and ${datasetItems.isDeleted} = false`;

/** Rows that were an item's state at an instant. */
const asOf = (instant: Date): SQL =>
  and(lte(datasetItems.validFrom, instant), or(isNull(datasetItems.validTo), gt(datasetItems.validTo, instant)), sql`${datasetItems.isDeleted} = false`)!;

const withDatasetName = { ...getTableColumns(datasetItems), datasetName: datasets.name };

const datasetOfItem = and(eq(datasets.projectId, datasetItems.projectId), eq(datasets.id, datasetItems.datasetId));

export interface ItemFilters {
  datasetId?: string;
  sourceTraceId?: string;
  sourceObservationId?: string;
  /** The state at this instant instead of now. */
  asOf?: Date;
}

function listed(projectId: string, filters: ItemFilters): SQL {
  return and(
    eq(datasetItems.projectId, projectId),
    filters.datasetId === undefined ? undefined : eq(datasetItems.datasetId, filters.datasetId),
    filters.sourceTraceId === undefined ? undefined : eq(datasetItems.sourceTraceId, filters.sourceTraceId),
    filters.sourceObservationId === undefined ? undefined : eq(datasetItems.sourceObservationId, filters.sourceObservationId),
    filters.asOf === undefined ? current : asOf(filters.asOf),
    // Written as a literal so that the planner matches the partial index of active items.
    sql`${datasetItems.status} = 'ACTIVE'`,
  )!;
}

/** Most recently written first; the id breaks ties, so pages neither skip nor repeat. */
const listOrder = [sql`${datasetItems.validFrom} desc nulls last`, asc(datasetItems.id)];

/** Rows after a key in list order. */
const after = (key: ListingKey): SQL => and(lte(datasetItems.validFrom, key.validFrom), or(lt(datasetItems.validFrom, key.validFrom), gt(datasetItems.id, key.id)))!;

/**
 * Datasets, the versions of their items and the project's item write generation, in Postgres.
 * Writes that must be atomic, and the locks that order them, run through `transaction`, whose
 * repository is bound to it.
 */
export class DatasetRepository {
  constructor(private readonly db: Database) {}

  /** Runs `work` in one transaction; `tx` is there for writes outside this repository that must commit with it. */
  transaction<T>(work: (repository: DatasetRepository, tx: Database) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new DatasetRepository(tx), tx));
  }

  /**
   * Serialises the writes of one key (a dataset name, an item id) until the transaction ends, on a
   * Postgres server and in PGlite alike; outside a transaction it holds nothing. The kind keeps a
   * dataset name apart from an equal item id.
   */
  async lockKey(projectId: string, kind: "dataset" | "item", key: string): Promise<void> {
    await this.db.execute(sql`select pg_advisory_xact_lock(hashtext(${projectId}), hashtext(${`${kind}:${key}`}))`);
  }

  // ---- Datasets --------------------------------------------------------------------------------

  /** `share` keeps the dataset's schemas as they are until the transaction ends; `update` changes them. */
  async findDatasetByName(projectId: string, name: string, lock?: "share" | "update"): Promise<DatasetRow | undefined> {
    const query = this.db
      .select()
      .from(datasets)
      .where(and(eq(datasets.projectId, projectId), eq(datasets.name, name)));
    const [row] = await (lock === undefined ? query : query.for(lock));
    return row;
  }

  async insertDataset(row: DatasetRow): Promise<DatasetRow> {
    const [inserted] = await this.db.insert(datasets).values(row).returning();
    return inserted!;
  }

  async updateDataset(projectId: string, id: string, patch: DatasetPatch): Promise<DatasetRow> {
    const [updated] = await this.db
      .update(datasets)
      .set(patch)
      .where(and(eq(datasets.projectId, projectId), eq(datasets.id, id)))
      .returning();
    return updated!;
  }

  /** Newest first; the id breaks ties so pages neither skip nor repeat. */
  async listDatasets(projectId: string, page: { limit: number; offset: number }): Promise<{ rows: DatasetRow[]; total: number }> {
    const [rows, [total]] = await Promise.all([
      this.db.select().from(datasets).where(eq(datasets.projectId, projectId)).orderBy(desc(datasets.createdAt), asc(datasets.id)).limit(page.limit).offset(page.offset),
      this.db.select({ n: count() }).from(datasets).where(eq(datasets.projectId, projectId)),
    ]);
    return { rows, total: total?.n ?? 0 };
  }

  // ---- Item versions ---------------------------------------------------------------------------

  async findOpenVersion(projectId: string, id: string): Promise<OpenVersion | undefined> {
    const [found] = await this.db
      .select({
        row: datasetItems,
        input: sql<string | null>`${datasetItems.input}::text`,
        expectedOutput: sql<string | null>`${datasetItems.expectedOutput}::text`,
        metadata: sql<string | null>`${datasetItems.metadata}::text`,
      })
      .from(datasetItems)
      .where(and(eq(datasetItems.projectId, projectId), eq(datasetItems.id, id), isNull(datasetItems.validTo)));
    return found && { row: found.row, json: { input: found.input, expectedOutput: found.expectedOutput, metadata: found.metadata } };
  }

  async closeVersion(version: DatasetItemRow, at: Date): Promise<void> {
    await this.db
      .update(datasetItems)
      .set({ validTo: at })
      .where(and(eq(datasetItems.projectId, version.projectId), eq(datasetItems.id, version.id), eq(datasetItems.validFrom, version.validFrom)));
  }

  async insertVersion(version: NewVersion): Promise<DatasetItemRow> {
    const { json, ...columns } = version;
    const [inserted] = await this.db
      .insert(datasetItems)
      .values({ ...columns, input: asJsonb(json.input), expectedOutput: asJsonb(json.expectedOutput), metadata: asJsonb(json.metadata), validTo: null })
      .returning();
    return inserted!;
  }

  /** The current version of an item, whatever its status. */
  async findCurrentItem(projectId: string, id: string): Promise<ItemVersion | undefined> {
    const [row] = await this.db
      .select(withDatasetName)
      .from(datasetItems)
      .innerJoin(datasets, datasetOfItem)
      .where(and(eq(datasetItems.projectId, projectId), eq(datasetItems.id, id), current));
    return row;
  }

  /** The item as it is now, or as it was at `at`, if it was active then. */
  async findActiveItem(projectId: string, id: string, at?: Date): Promise<ItemVersion | undefined> {
    const [row] = await this.db
      .select(withDatasetName)
      .from(datasetItems)
      .innerJoin(datasets, datasetOfItem)
      .where(and(eq(datasetItems.projectId, projectId), eq(datasetItems.id, id), at === undefined ? current : asOf(at), sql`${datasetItems.status} = 'ACTIVE'`));
    return row;
  }

  /**
   * A page of the active items that match, counted from just after `page.after` when given, and how
   * many match in all (unless the caller already knows).
   */
  async listItems(
    projectId: string,
    filters: ItemFilters,
    page: { limit: number; offset: number; after?: ListingKey },
    knownTotal?: number,
  ): Promise<{ rows: ItemVersion[]; total: number }> {
    const where = listed(projectId, filters);
    const [rows, total] = await Promise.all([
      this.db
        .select(withDatasetName)
        .from(datasetItems)
        .innerJoin(datasets, datasetOfItem)
        .where(page.after === undefined ? where : and(where, after(page.after)))
        .orderBy(...listOrder)
        .limit(page.limit)
        .offset(page.offset),
      knownTotal ??
        this.db
          .select({ n: count() })
          .from(datasetItems)
          .where(where)
          .then(([row]) => row?.n ?? 0),
    ]);
    return { rows, total };
  }

  /** Every active item of a dataset, in list order (the legacy dataset read is unpaginated). */
  async allActiveItems(projectId: string, datasetId: string): Promise<ItemVersion[]> {
    return this.db
      .select(withDatasetName)
      .from(datasetItems)
      .innerJoin(datasets, datasetOfItem)
      .where(listed(projectId, { datasetId }))
      .orderBy(...listOrder);
  }

  /** The ids of each dataset's active items, in list order. */
  async activeItemIds(projectId: string, datasetIds: string[]): Promise<Map<string, string[]>> {
    const ids = new Map<string, string[]>(datasetIds.map((id) => [id, []]));
    if (datasetIds.length === 0) return ids;
    const rows = await this.db
      .select({ id: datasetItems.id, datasetId: datasetItems.datasetId })
      .from(datasetItems)
      .where(and(listed(projectId, {}), sql`${datasetItems.datasetId} = any(${sql.param(datasetIds)}::text[])`))
      .orderBy(...listOrder);
    for (const row of rows) ids.get(row.datasetId)?.push(row.id);
    return ids;
  }

  /** The next batch of a dataset's current items (any status) after an id, by id. */
  async currentItemsAfter(
    projectId: string,
    datasetId: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<Array<Pick<DatasetItemRow, "id" | "input" | "expectedOutput">>> {
    return this.db
      .select({ id: datasetItems.id, input: datasetItems.input, expectedOutput: datasetItems.expectedOutput })
      .from(datasetItems)
      .where(
        and(
          eq(datasetItems.projectId, projectId),
          eq(datasetItems.datasetId, datasetId),
          current,
          afterId === undefined ? undefined : sql`${datasetItems.id} collate "C" > ${afterId}`,
        ),
      )
      .orderBy(sql`${datasetItems.id} collate "C"`)
      .limit(limit);
  }

  // ---- Write generations -----------------------------------------------------------------------

  /** Moves the project's item write generation on; the last statement of every item write. */
  async bumpItemWriteGeneration(projectId: string): Promise<void> {
    await this.db
      .insert(datasetItemWriteGenerations)
      .values({ projectId, generation: 1 })
      .onConflictDoUpdate({ target: datasetItemWriteGenerations.projectId, set: { generation: sql`${datasetItemWriteGenerations.generation} + 1` } });
  }

  /** The project's item write generation (0 before its first item write). */
  async itemWriteGeneration(projectId: string): Promise<number> {
    const [row] = await this.db
      .select({ generation: datasetItemWriteGenerations.generation })
      .from(datasetItemWriteGenerations)
      .where(eq(datasetItemWriteGenerations.projectId, projectId));
    return row?.generation ?? 0;
  }

  // ---- Media --------------------------------------------------------------------------------

  /**
   * The media of these ids that the project holds (announced through the media API), locked until
   * the transaction ends so that links made in it do not lose their media to a concurrent removal.
   */
  async knownMedia(projectId: string, ids: string[]): Promise<Map<string, MediaRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select()
      .from(media)
      .where(and(eq(media.projectId, projectId), inArray(media.id, ids)))
      .orderBy(media.id)
      .for("key share");
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Records the references of one item version; one that is already recorded is kept. */
  async insertVersionMedia(rows: NewVersionMedia[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insert(datasetItemMedia)
      .values(rows.map((row) => ({ id: randomUUID(), ...row })))
      .onConflictDoNothing();
  }

  /** Removes the item's pending links (declared by uploads) for these fields and media. */
  async deletePendingMedia(projectId: string, itemId: string, references: Array<{ field: string; mediaId: string }>): Promise<void> {
    if (references.length === 0) return;
    await this.db
      .delete(datasetItemMedia)
      .where(
        and(
          eq(datasetItemMedia.projectId, projectId),
          eq(datasetItemMedia.datasetItemId, itemId),
          isNull(datasetItemMedia.datasetItemValidFrom),
          sql`(${datasetItemMedia.field}, ${datasetItemMedia.mediaId}) in (select * from unnest(${sql.param(references.map((reference) => reference.field))}::text[], ${sql.param(references.map((reference) => reference.mediaId))}::text[]))`,
        ),
      );
  }

  /** The recorded references of these item versions, with their media, in one query. */
  async mediaOfVersions(projectId: string, versions: Array<Pick<DatasetItemRow, "id" | "validFrom">>): Promise<VersionMedia[]> {
    if (versions.length === 0) return [];
    const ids = sql.param(versions.map((version) => version.id));
    // Timestamps without a time zone hold UTC, as drizzle writes them.
    const validFroms = sql.param(versions.map((version) => version.validFrom.toISOString()));
    // Matching a version leaves out pending rows, the only ones without a version, path or reference string.
    return this.db
      .select({
        datasetItemId: datasetItemMedia.datasetItemId,
        validFrom: datasetItemMedia.datasetItemValidFrom,
        field: datasetItemMedia.field,
        jsonPath: datasetItemMedia.jsonPath,
        referenceString: datasetItemMedia.referenceString,
        media,
      })
      .from(datasetItemMedia)
      .innerJoin(media, and(eq(media.projectId, datasetItemMedia.projectId), eq(media.id, datasetItemMedia.mediaId)))
      .where(
        and(
          eq(datasetItemMedia.projectId, projectId),
          sql`(${datasetItemMedia.datasetItemId}, ${datasetItemMedia.datasetItemValidFrom}) in (select * from unnest(${ids}::text[], ${validFroms}::timestamp(3)[]))`,
        ),
      ) as Promise<VersionMedia[]>;
  }
}
