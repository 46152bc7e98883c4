import type { ObjectStore } from "@wick/object-store";
import type { Database } from "@wick/postgres";
import { deleteMediaRows, lockMedia, mediaLinkedBefore, removeLinksBefore, unreferencedMedia } from "./repository.ts";
import { deleteStoredObjects } from "./stored-objects.ts";

/** Small pages: on embedded PGlite a transaction holds the one connection every request needs. */
const PAGE = 100;

/**
 * What data retention does to a project's media: trace and observation links made before the
 * cutoff go, as the traces they were made for do, and media created before the cutoff that is
 * then linked from nothing goes with its stored file. Media that a trace linked since the cutoff
 * (the same bytes uploaded again) stays for that trace, and so does media a dataset item holds:
 * datasets are not tracing data.
 *
 * Each page is one transaction that locks its media rows first, as an announcement does before
 * linking: an announcement of the same bytes either committed its link before the lock, and the
 * media is kept, or waits and finds the row gone. The file is deleted while the rows are locked,
 * so such an announcement cannot upload to the key only for this pass to remove the new object;
 * a failed delete throws and rolls the page back, to be done again by the next pass.
 */
export async function deleteExpiredMedia(db: Database, store: ObjectStore, projectId: string, cutoff: Date): Promise<number> {
  let deleted = 0;
  let after = "";
  for (;;) {
    const page = await mediaLinkedBefore(db, projectId, cutoff, after, PAGE);
    if (page.length === 0) return deleted;
    deleted += await db.transaction(async (tx) => {
      await lockMedia(tx, projectId, page);
      await removeLinksBefore(tx, projectId, page, cutoff);
      const unreferenced = await unreferencedMedia(tx, projectId, page);
      await deleteStoredObjects(
        store,
        unreferenced.map((row) => row.bucketPath),
      );
      await deleteMediaRows(
        tx,
        projectId,
        unreferenced.map((row) => row.id),
      );
      return unreferenced.length;
    });
    after = page[page.length - 1]!;
  }
}
