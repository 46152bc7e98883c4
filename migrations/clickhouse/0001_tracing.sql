-- Every accepted ingestion event, as normalised at acknowledgement. Entities are recomputed from
-- their full event set here, so the stored records do not depend on arrival order or repetition.
CREATE TABLE IF NOT EXISTS raw_events (
  project_id String,
  entity_kind LowCardinality(String),
  entity_id String,
  event_id String,
  event_type LowCardinality(String),
  event_ts DateTime64(3, 'UTC'),
  received_at DateTime64(3, 'UTC'),
  -- Which write round stored the event: a round folds its own events from memory and reads only the rest.
  write_id String,
  body String CODEC(ZSTD(3)),
  ingestion_public_key String DEFAULT '',
  ingestion_sdk_name LowCardinality(String) DEFAULT 'unknown',
  ingestion_sdk_version LowCardinality(String) DEFAULT 'unknown'
) ENGINE = MergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (project_id, entity_kind, entity_id, event_ts);

-- Merged entities. `merge_version` is the number of distinct events folded into the row: event
-- sets only grow, so the row built from the largest set wins. Sort keys start with the time the
-- list endpoints order by, so newest-first pages read in key order instead of sorting.
CREATE TABLE IF NOT EXISTS traces (
  project_id String,
  id String,
  timestamp DateTime64(3, 'UTC'),
  name Nullable(String),
  user_id Nullable(String),
  session_id Nullable(String),
  release Nullable(String),
  version Nullable(String),
  environment LowCardinality(String) DEFAULT 'default',
  public Bool DEFAULT false,
  bookmarked Bool DEFAULT false,
  tags Array(String),
  metadata Map(LowCardinality(String), String),
  input Nullable(String) CODEC(ZSTD(3)),
  output Nullable(String) CODEC(ZSTD(3)),
  created_at DateTime64(3, 'UTC'),
  updated_at DateTime64(3, 'UTC'),
  merge_version UInt64,
  INDEX idx_id id TYPE bloom_filter(0.001) GRANULARITY 1,
  INDEX idx_session_id session_id TYPE bloom_filter(0.001) GRANULARITY 1,
  INDEX idx_user_id user_id TYPE bloom_filter(0.001) GRANULARITY 1
) ENGINE = ReplacingMergeTree(merge_version)
PARTITION BY toYYYYMM(timestamp)
ORDER BY (project_id, timestamp, id);

CREATE TABLE IF NOT EXISTS observations (
  project_id String,
  id String,
  trace_id String,
  type LowCardinality(String),
  parent_observation_id Nullable(String),
  start_time DateTime64(3, 'UTC'),
  end_time Nullable(DateTime64(3, 'UTC')),
  completion_start_time Nullable(DateTime64(3, 'UTC')),
  name Nullable(String),
  level LowCardinality(String) DEFAULT 'DEFAULT',
  status_message Nullable(String),
  version Nullable(String),
  environment LowCardinality(String) DEFAULT 'default',
  metadata Map(LowCardinality(String), String),
  input Nullable(String) CODEC(ZSTD(3)),
  output Nullable(String) CODEC(ZSTD(3)),
  provided_model_name Nullable(String),
  internal_model_id Nullable(String),
  model_parameters Nullable(String),
  provided_usage_details Map(LowCardinality(String), UInt64),
  usage_details Map(LowCardinality(String), UInt64),
  provided_cost_details Map(LowCardinality(String), Decimal64(12)),
  cost_details Map(LowCardinality(String), Decimal64(12)),
  total_cost Nullable(Decimal64(12)),
  usage_pricing_tier_id Nullable(String),
  usage_pricing_tier_name Nullable(String),
  prompt_id Nullable(String),
  prompt_name Nullable(String),
  prompt_version Nullable(UInt16),
  created_at DateTime64(3, 'UTC'),
  updated_at DateTime64(3, 'UTC'),
  merge_version UInt64,
  INDEX idx_id id TYPE bloom_filter(0.001) GRANULARITY 1,
  INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1
) ENGINE = ReplacingMergeTree(merge_version)
PARTITION BY toYYYYMM(start_time)
ORDER BY (project_id, start_time, xxHash32(trace_id), id);

CREATE TABLE IF NOT EXISTS scores (
  project_id String,
  id String,
  timestamp DateTime64(3, 'UTC'),
  environment LowCardinality(String) DEFAULT 'default',
  trace_id Nullable(String),
  observation_id Nullable(String),
  session_id Nullable(String),
  dataset_run_id Nullable(String),
  name String,
  value Float64,
  string_value Nullable(String),
  long_string_value String DEFAULT '' CODEC(ZSTD(3)),
  data_type LowCardinality(String),
  source LowCardinality(String),
  comment Nullable(String) CODEC(ZSTD(1)),
  metadata Map(LowCardinality(String), String),
  author_user_id Nullable(String),
  config_id Nullable(String),
  queue_id Nullable(String),
  execution_trace_id Nullable(String),
  ingestion_public_key String DEFAULT '',
  ingestion_sdk_name LowCardinality(String) DEFAULT 'unknown',
  ingestion_sdk_version LowCardinality(String) DEFAULT 'unknown',
  created_at DateTime64(3, 'UTC'),
  updated_at DateTime64(3, 'UTC'),
  merge_version UInt64,
  INDEX idx_id id TYPE bloom_filter(0.001) GRANULARITY 1,
  INDEX idx_trace_observation (trace_id, observation_id) TYPE bloom_filter(0.001) GRANULARITY 1,
  INDEX idx_session_id session_id TYPE bloom_filter(0.001) GRANULARITY 1
) ENGINE = ReplacingMergeTree(merge_version)
PARTITION BY toYYYYMM(timestamp)
ORDER BY (project_id, timestamp, id);
