-- Sessions as the reference keeps them: first seen when a trace names them, with that trace's
-- environment; later traces do not change them. The version grows as the first-seen time gets
-- earlier, so the ReplacingMergeTree keeps the earliest sighting whatever the arrival order.
CREATE TABLE IF NOT EXISTS sessions (
  project_id String,
  id String,
  created_at DateTime64(3, 'UTC'),
  environment LowCardinality(String),
  version UInt64 MATERIALIZED toUInt64(9000000000000000) - toUInt64(toUnixTimestamp64Milli(created_at))
) ENGINE = ReplacingMergeTree(version)
ORDER BY (project_id, id);
