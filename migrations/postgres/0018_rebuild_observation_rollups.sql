-- The day rollups gained latency quantile states (ClickHouse migration 0014). Builds made before
-- it hold empty states in that column, so none of them may answer a query any longer: every day
-- goes back to its raw rows until the rollup upkeep builds it again, within a minute of start-up.
UPDATE "observation_rollup_days" SET "build_id" = NULL, "built_from" = NULL;
