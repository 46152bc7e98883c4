import { traces } from "@wick/clickhouse";

/**
 * A condition over `observations` rows: the observation belongs to a trace whose current row
 * satisfies `condition` (SQL over `traces` columns), so it follows a trace updated after it.
 */
export const inCurrentTraces = (condition: string) => `trace_id IN (SELECT id FROM (${traces.currentWhere(condition)}))`;

/** The `userId` parameter of both observation lists: the trace's current user is `{userId:String}`. */
export const OF_TRACE_USER = inCurrentTraces("user_id = {userId:String}");
