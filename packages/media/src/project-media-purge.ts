import type { ObjectStore } from "@wick/object-store";
import type { Database } from "@wick/postgres";
import { mediaObjectsOfProject } from "./repository.ts";
import { deleteStoredObjects } from "./stored-objects.ts";

const PAGE = 500;

/**
 * The stored files of a deleted project. Their rows stay until the project's Postgres rows go,
 * after this: they are the only record of where the files are, so a failed delete throws and the
 * purge is repeated later rather than leaving files nothing points at.
 */
export async function deleteProjectMediaObjects(db: Database, store: ObjectStore, projectId: string): Promise<number> {
  let deleted = 0;
  let after = "";
  for (;;) {
    const page = await mediaObjectsOfProject(db, projectId, after, PAGE);
    if (page.length === 0) return deleted;
    await deleteStoredObjects(
      store,
      page.map((row) => row.bucketPath),
    );
    deleted += page.length;
    after = page[page.length - 1]!.id;
  }
}
