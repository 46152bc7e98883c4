-- Per-day sums of a project's observations per trace user, beside the group rollups of 0011: the
-- dashboards' "by user" shapes otherwise join a week of observations to every current trace of the
-- project. A build writes these rows under the same build id as the day's group rows, so one
-- validity record in Postgres (observation_rollup_days) covers both. `user_id` is the user of the
-- observation's current trace at the build, '' when it has none or no trace row. A write of a
-- trace marks the days its observations lie on, so a changed user never counts from here.
CREATE TABLE IF NOT EXISTS observation_user_day_rollups (
  project_id LowCardinality(String),
  day Date32,
  build_id UInt64,
  environment LowCardinality(String),
  user_id String,
  rows UInt64,
  usage_details Map(LowCardinality(String), UInt64),
  cost_details Map(LowCardinality(String), Decimal128(12)),
  total_cost Decimal128(12)
) ENGINE = MergeTree
ORDER BY (project_id, day, build_id)
SETTINGS enable_block_number_column = 1, enable_block_offset_column = 1;
