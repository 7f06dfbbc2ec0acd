-- A payment reported twice (the accounting export and the bank statement, or typed in): the
-- second report is linked to the payment recorded first instead of being added (see
-- policy::payment_match). `import_key` is the second report's own key, so importing it again
-- changes nothing.
CREATE TABLE payment_matches (
    id          INTEGER PRIMARY KEY,
    payment_id  INTEGER NOT NULL REFERENCES payments(id),
    source      TEXT NOT NULL,
    import_key  TEXT UNIQUE,
    paid_on     TEXT NOT NULL,
    amount      TEXT NOT NULL,
    reference   TEXT,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX payment_matches_payment ON payment_matches(payment_id);

-- The payments an accounting export may repeat (those not from an export), found without
-- reading the export's own rows; CSV inserts skip it.
CREATE INDEX payments_not_export ON payments(invoice_number) WHERE source <> 'csv';
