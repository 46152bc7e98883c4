import { IN_PROJECT, traces } from "@wick/clickhouse";

/**
 * A condition over `observations` rows: the observation belongs to a trace whose current row
 * satisfies `condition` (SQL over `traces` columns), so it follows a trace updated after it.
 * FINAL reads only the granules a skip index leaves (with the versions beside them): 50 ms for a
 * user's traces among 10 M, where looking up every version of the traces some version of which
 * matches took 340 ms, most of it in the lookup of their ids through every granule.
 */
export const inCurrentTraces = (condition: string) => `trace_id IN (SELECT id FROM ${traces.final()} WHERE ${IN_PROJECT} AND ${condition})`;

/** The `userId` parameter of both observation lists: the trace's current user is `{userId:String}`. */
export const OF_TRACE_USER = inCurrentTraces("user_id = {userId:String}");
