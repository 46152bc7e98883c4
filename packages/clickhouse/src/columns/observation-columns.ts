/**
 * Quantities of one `observations` row as SQL, shared by the read filters and the metrics model so
 * that each has one definition. `alias` qualifies the columns when the row comes from a join.
 */
export function observationColumns(alias?: string) {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  return {
    /**
     * A logical root: no parent, or the SDK's app root, which may have an external parent. The
     * reference stores a root's parent as '' (read-apis.md §7.2, metrics.md §3), and the
     * ingestion API stores a parent sent as "" as it came, so '' and NULL both mean none.
     */
    isRoot: `toBool((ifNull(${column("parent_observation_id")}, '') = '' OR ${column("is_app_root")}))`,
  };
}
