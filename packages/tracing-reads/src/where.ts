/**
 * The current row of each trace of the project that satisfies `condition` (SQL over `traces`
 * columns with bound parameters): newest version per id first, then the condition, so a trace
 * updated away from a filter value no longer matches it.
 */
export function currentTraces(condition: string): string {
  // Candidates are the traces some version of which matches (cheap: skip indexes narrow them);
  // the condition is then checked again on each candidate's newest version.
  return `SELECT * FROM (
            SELECT * FROM traces
            WHERE project_id = {projectId:String} AND id IN (SELECT id FROM traces WHERE project_id = {projectId:String} AND ${condition})
            ORDER BY merge_version DESC LIMIT 1 BY id)
          WHERE ${condition}`;
}
