import type { ObjectStore } from "@wick/object-store";

/**
 * Deletes these objects; one that is already gone (an earlier, interrupted pass) deletes without
 * complaint. A failure throws, so the caller keeps the rows that say where the objects are and
 * repeats the work later, rather than leaving files nothing points at.
 */
export async function deleteStoredObjects(store: ObjectStore, keys: string[]): Promise<void> {
  await Promise.all(keys.map((key) => store.delete(key)));
}
