/**
 * Quantities of one `observations` row as SQL, shared by the read filters and the metrics model so
 * that each has one definition. `alias` qualifies the columns when the row comes from a join.
 */
export function observationColumns(alias?: string) {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  /**
   * The sum of a details map's values whose key contains `part`, case-insensitively: 0 when no key
   * does, as a sum of nothing (metrics.md §3.1; read-apis.md §2.5 gives NULL only to the `total` entry).
   */
  const sumOfKeysContaining = (map: "usage_details" | "cost_details", part: "input" | "output") =>
    `arraySum(mapValues(mapFilter((k, v) -> positionCaseInsensitive(k, '${part}') > 0, ${column(map)})))`;
  return {
    /**
     * A logical root: no parent, or the SDK's app root, which may have an external parent. The
     * reference stores a root's parent as '' (read-apis.md §7.2, metrics.md §3), and the
     * ingestion API stores a parent sent as "" as it came, so '' and NULL both mean none.
     */
    isRoot: `toBool((ifNull(${column("parent_observation_id")}, '') = '' OR ${column("is_app_root")}))`,
    inputUsage: sumOfKeysContaining("usage_details", "input"),
    outputUsage: sumOfKeysContaining("usage_details", "output"),
    inputCost: sumOfKeysContaining("cost_details", "input"),
    outputCost: sumOfKeysContaining("cost_details", "output"),
  };
}
