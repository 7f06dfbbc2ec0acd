-- Clients who asked not to be written to (every contact opted out) and still owe: the owner's
-- views list them (`clients::opted_out_owing`); a partial index keeps that a lookup of the
-- few opted-out contacts, not a scan of the book.
CREATE INDEX IF NOT EXISTS contacts_opted_out ON contacts (client_id) WHERE opted_out = 1;
