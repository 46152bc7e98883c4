-- Observation columns the reference's direct OTLP path fills (otel.md 3.3, 4.10–4.12): tools the
-- model was offered and the calls it made, app roots, experiment items, and which key and SDK sent
-- the observation (as `raw_events` records per event). Rows written before this migration read the
-- defaults until their entity is folded again.
ALTER TABLE observations
  ADD COLUMN IF NOT EXISTS tool_definitions Map(String, String) CODEC(ZSTD(3)),
  ADD COLUMN IF NOT EXISTS tool_calls Array(String) CODEC(ZSTD(3)),
  ADD COLUMN IF NOT EXISTS tool_call_names Array(String),
  ADD COLUMN IF NOT EXISTS is_app_root Bool DEFAULT false,
  ADD COLUMN IF NOT EXISTS experiment_id String DEFAULT '',
  ADD COLUMN IF NOT EXISTS experiment_name String DEFAULT '',
  ADD COLUMN IF NOT EXISTS experiment_description String DEFAULT '',
  ADD COLUMN IF NOT EXISTS experiment_dataset_id String DEFAULT '',
  ADD COLUMN IF NOT EXISTS experiment_item_id String DEFAULT '',
  ADD COLUMN IF NOT EXISTS experiment_item_root_span_id String DEFAULT '',
  ADD COLUMN IF NOT EXISTS experiment_item_expected_output String DEFAULT '' CODEC(ZSTD(3)),
  ADD COLUMN IF NOT EXISTS experiment_item_version Nullable(DateTime64(3, 'UTC')),
  ADD COLUMN IF NOT EXISTS experiment_metadata_names Array(String),
  ADD COLUMN IF NOT EXISTS experiment_metadata_values Array(String),
  ADD COLUMN IF NOT EXISTS experiment_item_metadata_names Array(String),
  ADD COLUMN IF NOT EXISTS experiment_item_metadata_values Array(String),
  ADD COLUMN IF NOT EXISTS ingestion_public_key String DEFAULT '',
  ADD COLUMN IF NOT EXISTS ingestion_sdk_name LowCardinality(String) DEFAULT 'unknown',
  ADD COLUMN IF NOT EXISTS ingestion_sdk_version LowCardinality(String) DEFAULT 'unknown';
