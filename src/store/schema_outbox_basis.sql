-- The last audit event the planner had read when it queued a message (NULL for the messages
-- not planned from the book: acknowledgements, receipts, owner alerts, the digest). Before a
-- message goes out, anything someone else recorded for its client after that event (a payment,
-- a dispute, a promise, a stop) withdraws it: `cancelled`, and the planner plans its stage again
-- from what is true now (see sender.rs, "Withdrawn").
ALTER TABLE outbox ADD COLUMN planned_after_event INTEGER;
