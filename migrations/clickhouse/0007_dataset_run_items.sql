-- Dataset run items: which trace (and observation) an application produced for a dataset item in
-- a named run, with snapshots of the run and of the item version it ran on, so experiment reads
-- need not join Postgres. Written once by the API and never updated, so a plain MergeTree; a
-- run's delete removes its rows as patch parts, which need block numbers and offsets kept.
-- `inserted_at` orders rows of one item and one `created_at` (clients may set `created_at`).
CREATE TABLE IF NOT EXISTS dataset_run_items (
  project_id String,
  id String,
  dataset_id String,
  dataset_run_id String,
  dataset_item_id String,
  trace_id String,
  observation_id Nullable(String),
  created_at DateTime64(3, 'UTC'),
  updated_at DateTime64(3, 'UTC'),
  dataset_run_name String,
  dataset_run_description Nullable(String),
  dataset_run_metadata Map(LowCardinality(String), String),
  dataset_run_created_at DateTime64(3, 'UTC'),
  dataset_item_input Nullable(String) CODEC(ZSTD(3)),
  dataset_item_expected_output Nullable(String) CODEC(ZSTD(3)),
  dataset_item_metadata Map(LowCardinality(String), String),
  dataset_item_version Nullable(DateTime64(3, 'UTC')),
  inserted_at DateTime64(6, 'UTC') DEFAULT now64(6),
  INDEX idx_dataset_item_id dataset_item_id TYPE bloom_filter(0.001) GRANULARITY 1
) ENGINE = MergeTree
ORDER BY (project_id, dataset_id, dataset_run_id, dataset_item_id, id)
SETTINGS enable_block_number_column = 1, enable_block_offset_column = 1;
