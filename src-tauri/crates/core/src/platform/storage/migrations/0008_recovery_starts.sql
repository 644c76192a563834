-- Recovery starts are limited per phone and hour: counted by phone and start time.
CREATE INDEX recoveries_by_phone ON recoveries (phone, created_at);
