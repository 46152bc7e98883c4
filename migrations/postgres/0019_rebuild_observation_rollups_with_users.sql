-- Each build now also writes the day's observations per trace user (ClickHouse migration 0015).
-- Builds made before it wrote none, so none of them may answer a query any longer: every day goes
-- back to its raw rows until the rollup upkeep builds it again, within a minute of start-up.
UPDATE "observation_rollup_days" SET "build_id" = NULL, "built_from" = NULL;
