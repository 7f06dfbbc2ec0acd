-- Receipts go by when cobrador learned of a payment (`payments.created_at`: the import, the bank
-- statement, `invoice pay`), not only by the day it was made: a statement imported three weeks
-- late still thanks the client it reminded (see engine::receipts). Every row has had
-- `created_at` since the first schema, so nothing is filled in.
--
-- The planning read takes the payments made in the last weeks and recorded in the last days.
-- The day comes first in the index so the read is bounded by the days of payments whatever
-- was recorded lately (a first import of a year's history is recorded all at once); the
-- recording time in the index is checked there, and only the rows that pass are read. It
-- replaces the index on the day alone, which it covers.
DROP INDEX payments_paid_on;
CREATE INDEX payments_paid_recorded ON payments(paid_on, created_at);
