-- Experiment events derived from run items created through the API (older SDKs' `item.link`):
-- the linked trace (as a span `t-<traceId>`) or observation stands for the item, its descendants
-- are its other events, and the run item's snapshots of its run and dataset item fill the
-- experiment columns. Rows of a trace are derived again whenever its spans, its run items or its
-- run change, so the experiments API reads them beside the spans' own experiment events, in the
-- same sort order, instead of deriving them per request.
CREATE TABLE IF NOT EXISTS experiment_link_events (
  project_id String,
  id String,
  trace_id String,
  start_time DateTime64(3, 'UTC'),
  end_time Nullable(DateTime64(3, 'UTC')),
  level LowCardinality(String),
  environment LowCardinality(String),
  input Nullable(String) CODEC(ZSTD(3)),
  output Nullable(String) CODEC(ZSTD(3)),
  metadata Map(LowCardinality(String), String),
  created_at DateTime64(3, 'UTC'),
  merge_version UInt64,
  experiment_id String,
  experiment_name String,
  experiment_description String,
  experiment_dataset_id String,
  experiment_item_id String,
  experiment_item_root_span_id String,
  experiment_item_version Nullable(DateTime64(3, 'UTC')),
  experiment_item_expected_output String CODEC(ZSTD(3)),
  experiment_metadata_names Array(String),
  experiment_metadata_values Array(String),
  experiment_item_metadata_names Array(String),
  experiment_item_metadata_values Array(String),
  INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1,
  INDEX idx_experiment_id experiment_id TYPE set(100) GRANULARITY 1
) ENGINE = MergeTree
PARTITION BY toYYYYMM(start_time)
ORDER BY (project_id, start_time, xxHash32(trace_id), id)
SETTINGS enable_block_number_column = 1, enable_block_offset_column = 1;
-- Every write round asks which of its traces have run items: the index answers from a few granules.
ALTER TABLE dataset_run_items ADD INDEX IF NOT EXISTS idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1;
ALTER TABLE dataset_run_items MATERIALIZE INDEX idx_trace_id;
