-- Outbox retries bounded by time, not by count: when the first attempt was made. (A dead
-- message's `retry_at` is when its stage may be planned again; its dedup_key then gets a
-- `#dead<id>` suffix so that the planner can queue the stage anew. No schema change needed.)
ALTER TABLE outbox ADD COLUMN first_attempt_at TEXT;
