-- Latency quantiles from the day rollups: each rollup row keeps the reservoir ClickHouse's
-- `quantiles` builds over its observations' latencies, and a query merges the reservoirs of its
-- days with those of the raw rows outside them. Below 8,192 latencies per group the reservoir
-- holds every value, so the answer is the raw rows' exactly. Rows of earlier builds read an empty
-- state here: Postgres migration 0018 stops them from counting until their day is built again.
ALTER TABLE observation_day_rollups
  ADD COLUMN IF NOT EXISTS latency_quantiles AggregateFunction(quantiles(0.5, 0.75, 0.9, 0.95, 0.99), Nullable(Int64));
