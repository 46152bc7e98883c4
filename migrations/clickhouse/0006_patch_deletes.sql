-- Deletes are written as patch parts (lightweight deletes in `lightweight_update` mode), which
-- need each row's block number and offset kept. A default-mode delete rewrote every part it
-- touched before answering, 0.7–0.9 s during which embedded chDB served no other query; a patch
-- costs about as much as a small insert. Parts written before this migration take patches too.
ALTER TABLE raw_events MODIFY SETTING enable_block_number_column = 1, enable_block_offset_column = 1;
ALTER TABLE traces MODIFY SETTING enable_block_number_column = 1, enable_block_offset_column = 1;
ALTER TABLE observations MODIFY SETTING enable_block_number_column = 1, enable_block_offset_column = 1;
ALTER TABLE scores MODIFY SETTING enable_block_number_column = 1, enable_block_offset_column = 1;
