-- Per-day sums of a project's observations, for the metrics engine's common dashboard shapes.
-- Each row sums the current observations of one day and one (environment, type, name, level,
-- model) group, built from a FINAL read. A day's rows are used only while Postgres records their
-- build as current and no write has touched the day since (observation_rollup_days), so a
-- replaced or deleted observation is never counted from here. Columns keep the observation
-- columns' names: the metrics model's expressions read them as they read an observation.
CREATE TABLE IF NOT EXISTS observation_day_rollups (
  project_id String,
  day Date32,
  build_id UInt64,
  environment LowCardinality(String),
  type LowCardinality(String),
  name Nullable(String),
  level LowCardinality(String),
  provided_model_name Nullable(String),
  rows UInt64,
  usage_details Map(LowCardinality(String), UInt64),
  cost_details Map(LowCardinality(String), Decimal128(12)),
  total_cost Decimal128(12)
) ENGINE = MergeTree
ORDER BY (project_id, day, build_id)
SETTINGS enable_block_number_column = 1, enable_block_offset_column = 1;
