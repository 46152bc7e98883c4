import { ParamBag, type Where } from "@wick/clickhouse";
import { compileCondition, type FilterColumn, InvalidFilterError, parseFilter } from "@wick/tracing-reads";

const column = (sql: string): FilterColumn => ({ sql, table: "observations", declared: "stringOptions" });

/** The `filter` columns of `GET /experiments`, over experiment event rows. */
export const EXPERIMENT_FILTER_COLUMNS: Record<string, FilterColumn> = {
  id: column("experiment_id"),
  name: column("experiment_name"),
  datasetId: column("experiment_dataset_id"),
};

/** The `filter` columns of `GET /experiment-items`, over item root span rows. */
export const EXPERIMENT_ITEM_FILTER_COLUMNS: Record<string, FilterColumn> = {
  experimentId: column("experiment_id"),
  experimentName: column("experiment_name"),
  experimentItemId: column("experiment_item_id"),
  datasetId: column("experiment_dataset_id"),
};

/**
 * Adds the comma-list parameters (any of, within one list) and the `filter` JSON conditions to
 * `where`. Both narrow the same rows, so a condition and a list on one column must both hold.
 */
export function addExperimentFilters(where: Where, columns: Record<string, FilterColumn>, lists: Record<string, string[] | undefined>, filter: string | undefined): void {
  for (const [name, values] of Object.entries(lists)) {
    if (values?.length) where.add(`${columns[name]!.sql} IN {list_${name}:Array(String)}`, { [`list_${name}`]: values });
  }
  const bag = new ParamBag();
  for (const condition of parseFilter(filter)) {
    const target = Object.hasOwn(columns, condition.column) ? columns[condition.column] : undefined;
    if (!target) throw new InvalidFilterError(`Invalid filter column '${condition.column}'. Supported columns: ${Object.keys(columns).join(", ")}`);
    const sql = compileCondition(condition, target, bag);
    if (sql) where.add(sql);
  }
  Object.assign(where.params, bag.values);
}
