-- The last audit event the planner had read when it queued a message (NULL for the messages
-- not planned from the book: acknowledgements, receipts, owner alerts, the digest). Before a
-- message goes out, anything someone else recorded for its client after that event (a payment,
-- a dispute, a promise, a stop) withdraws it: `cancelled`, and the planner plans its stage again
-- from what is true now (see sender.rs, "Withdrawn").
ALTER TABLE outbox ADD COLUMN planned_after_event INTEGER;
-- Messages still waiting when this version is installed: planned from the book as it stood
-- when they were queued (their own `reminder.queued` or `handover.queued` event).
UPDATE outbox SET planned_after_event = (
    SELECT max(e.id) FROM events e
    WHERE e.client_id = outbox.client_id
      AND e.kind IN ('reminder.queued', 'handover.queued')
      AND json_extract(e.detail, '$.outbox') = outbox.id)
WHERE status IN ('queued', 'failed');
