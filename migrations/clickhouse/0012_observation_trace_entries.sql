-- Observations and scores are sorted by time, so a read of one trace's observations or scores (a
-- trace's page, the traceId filters, the aggregates of a page of traces, a trace delete) looks up
-- the days that hold them first and reads only those. The event log holds them: with each
-- observation event, ingestion logs an entry of kind 'observation-trace' keyed by the trace the
-- event files the observation under, at the start it gives it, and with each score event that
-- names a trace an entry of kind 'score-trace' at its timestamp (OBSERVATION_TRACE_KIND and
-- SCORE_TRACE_KIND in raw-events.ts). They go in the same insert as the events, which precedes
-- every write of rows, so the entries always cover where the rows lie, at no cost of a statement
-- of their own.
--
-- The entries of the observations and scores stored before this version. Run again after an
-- interrupted start-up, it only writes entries twice, which reads take as one. Instances still
-- running an earlier version during an upgrade log no entries: stop them before this one starts.
INSERT INTO raw_events (project_id, entity_kind, entity_id, event_id, event_type, event_ts, received_at, write_id, body)
SELECT project_id, 'observation-trace', trace_id, id, 'observation-trace', start_time, now64(3), 'migration-0012', ''
FROM observations;

INSERT INTO raw_events (project_id, entity_kind, entity_id, event_id, event_type, event_ts, received_at, write_id, body)
SELECT project_id, 'score-trace', assumeNotNull(trace_id), id, 'score-trace', timestamp, now64(3), 'migration-0012', ''
FROM scores WHERE trace_id IS NOT NULL;
