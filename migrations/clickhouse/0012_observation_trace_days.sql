-- Which UTC days of their start hold observations of a trace. Observations are sorted by start
-- time, so a read of one trace's observations (a trace's page, the traceId filters, the aggregates
-- of a page of traces) looks its days up here first and reads only those. Ingestion writes a
-- trace's day before the observation rows themselves, so the days here are always a superset of
-- where the rows lie: a row deleted or moved to another day leaves a day behind, which costs a
-- read and never misses one.
CREATE TABLE IF NOT EXISTS observation_trace_days (
  project_id String,
  trace_id String,
  day Date32
) ENGINE = ReplacingMergeTree
ORDER BY (project_id, trace_id, day)
SETTINGS enable_block_number_column = 1, enable_block_offset_column = 1;

-- The days of the observations stored before this table existed. Run again after an interrupted
-- start-up, it only writes rows the table merges away. Instances still running an earlier version
-- during an upgrade write no days: stop them before this one starts.
INSERT INTO observation_trace_days (project_id, trace_id, day)
SELECT project_id, trace_id, toDate32(start_time) FROM observations;
