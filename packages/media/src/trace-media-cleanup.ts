import type { ObjectStore } from "@wick/object-store";
import type { Database } from "@wick/postgres";
import { deleteMediaRows, lockMedia, mediaOfTraces, removeTraceLinks, unreferencedMedia } from "./repository.ts";

interface Log {
  warn(message: string): void;
}

/**
 * What deleting traces does to media: their links (trace and observation) go, and so does media
 * left with no link at all, its row and its stored object.
 *
 * This happens at once, in one transaction after the traces' rows are gone, and looks only at the
 * media whose links the delete removed, rather than in a periodic sweep of all unlinked media.
 * Media is never unlinked otherwise: an announcement writes the media row and its link in one
 * transaction, and a dataset item's pending link is replaced by the version rows that take it
 * over in the item write's transaction. So media that loses its last link here is all there is to
 * remove, and an upload in progress is never taken: it is linked from the moment its row exists,
 * and a file uploaded before its trace is written stays linked to that trace, which only a delete
 * of that very trace unlinks. Dataset item links are never removed, since earlier item versions
 * keep their media (as the reference does).
 */
export class TraceMediaCleanup {
  constructor(
    private readonly db: Database,
    private readonly store: ObjectStore,
    private readonly log?: Log,
  ) {}

  async tracesDeleted(projectId: string, traceIds: string[]): Promise<void> {
    // Most traces hold no media: a read settles that without a transaction, which on embedded
    // PGlite would hold its one connection from every other request meanwhile. A link made to a
    // trace while that very trace is being deleted is left, as a trace written after its delete is.
    if ((await mediaOfTraces(this.db, projectId, traceIds)).length === 0) return;
    await this.db.transaction(async (tx) => {
      // Media rows are locked before their links are touched, as an announcement locks the row
      // before linking it: both take their locks in one order, so neither deadlocks the other.
      const linked = await mediaOfTraces(tx, projectId, traceIds);
      await lockMedia(tx, projectId, linked);
      const unlinked = await removeTraceLinks(tx, projectId, traceIds);
      // Links made between the first read and the removal name media not locked yet.
      const locked = new Set(linked);
      await lockMedia(
        tx,
        projectId,
        unlinked.filter((id) => !locked.has(id)),
      );
      const unreferenced = await unreferencedMedia(tx, projectId, unlinked);
      await deleteMediaRows(
        tx,
        projectId,
        unreferenced.map((row) => row.id),
      );
      // Inside the transaction, while the rows stay locked: an announcement of the same bytes
      // waits, and so cannot upload to the same key only for this delete to remove the new object.
      await this.deleteObjects(unreferenced.map((row) => row.bucketPath));
    });
  }

  /** A failed object delete leaves an object nothing points at, which costs space but no answer; the rows go regardless. */
  private async deleteObjects(keys: string[]): Promise<void> {
    const results = await Promise.allSettled(keys.map((key) => this.store.delete(key)));
    const failures = results.filter((result) => result.status === "rejected");
    if (failures.length === 0) return;
    const reason = failures[0]!.reason;
    this.log?.warn(`Could not delete ${failures.length} unreferenced media objects: ${reason instanceof Error ? reason.message : String(reason)}`);
  }
}
