-- Project deletion removes a project's sessions as it removes its other rows: as patch parts,
-- which need each row's block number and offset kept (see 0006).
ALTER TABLE sessions MODIFY SETTING enable_block_number_column = 1, enable_block_offset_column = 1;
