-- A merge leaves the parts it replaced on disk for `old_parts_lifetime` (8 minutes by default),
-- and a process killed before then leaves them for the next start to load again. Under kill -9
-- cycles at load they piled up (about 650 part directories per 10-second cycle on embedded chDB)
-- and doubled the warm start, 4 s to 8 s after nine cycles. The lifetime guards merged parts that
-- were not yet synced to disk against a power loss, which inserts themselves are not guarded
-- against either (no fsync after insert); a process crash keeps the page cache. So they go soon.
ALTER TABLE raw_events MODIFY SETTING old_parts_lifetime = 10, cleanup_delay_period = 5;
ALTER TABLE traces MODIFY SETTING old_parts_lifetime = 10, cleanup_delay_period = 5;
ALTER TABLE observations MODIFY SETTING old_parts_lifetime = 10, cleanup_delay_period = 5;
ALTER TABLE scores MODIFY SETTING old_parts_lifetime = 10, cleanup_delay_period = 5;
ALTER TABLE sessions MODIFY SETTING old_parts_lifetime = 10, cleanup_delay_period = 5;
