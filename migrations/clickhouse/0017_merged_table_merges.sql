-- Every write round inserts a part into observations (and into traces and scores when it carries
-- them). With the default base (5), background merges rewrote each observation row nine to ten
-- times within a minute of its insert: 90,000 observations from 16 ingesting clients on embedded
-- chDB cost 850,000 row rewrites, and the merge threads took 65–72 µs of the 240–260 µs of CPU an
-- observation cost. With 10, 330,000 rewrites and 44–52 µs. Reads pay nothing for it: the parts
-- left once writes pause were no more than before (3 against 5 there), the 10 M-observation read
-- benchmark's store settled in 7 parts against 8, and every read goal at 100 M still holds.
ALTER TABLE observations MODIFY SETTING merge_selector_base = 10;
ALTER TABLE traces MODIFY SETTING merge_selector_base = 10;
ALTER TABLE scores MODIFY SETTING merge_selector_base = 10;
