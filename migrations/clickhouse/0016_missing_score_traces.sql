-- The trace ids scores named while no trace row of that id was stored. The v1 and v2 score lists
-- leave out scores whose trace does not exist; checking every score against the set of all of a
-- project's trace ids took seconds at 10 M traces, for every page and its total. A score whose
-- trace is missing has its trace id here (ingestion notes it before the score's row is written,
-- and retention notes the traces it removes from under surviving scores), so a list checks only
-- these few ids against the traces. The table is a superset: an id stays after its trace arrives,
-- and the check against the traces tells the two apart.
CREATE TABLE IF NOT EXISTS missing_score_traces (
  project_id LowCardinality(String),
  trace_id String
) ENGINE = ReplacingMergeTree
ORDER BY (project_id, trace_id)
SETTINGS enable_block_number_column = 1, enable_block_offset_column = 1;

-- The trace ids the scores stored before this version name without a trace row. Run again after an
-- interrupted start-up, it writes ids twice, which merges and reads take as one. Instances still
-- running an earlier version during an upgrade note nothing: stop them before this one starts.
INSERT INTO missing_score_traces (project_id, trace_id)
SELECT DISTINCT project_id, assumeNotNull(trace_id) FROM scores
WHERE trace_id IS NOT NULL AND (project_id, assumeNotNull(trace_id)) NOT IN (SELECT project_id, id FROM traces);
