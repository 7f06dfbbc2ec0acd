-- Bank statements (Norma 43, camt.053): every credit read, how it was matched, and the review
-- list. `import_key` identifies a bank movement, so re-importing a statement changes nothing.

CREATE TABLE bank_movements (
    id          INTEGER PRIMARY KEY,
    import_key  TEXT NOT NULL UNIQUE,
    file        TEXT NOT NULL,
    account     TEXT NOT NULL,
    booked_on   TEXT NOT NULL,
    value_on    TEXT,
    amount      TEXT NOT NULL,
    currency    TEXT NOT NULL,
    reference   TEXT,
    concept     TEXT NOT NULL DEFAULT '',
    payer_name  TEXT,
    payer_iban  TEXT,
    status      TEXT NOT NULL CHECK (status IN ('matched', 'review', 'settled', 'ignored')),
    rule        TEXT,
    note        TEXT,
    created_at  TEXT NOT NULL,
    resolved_at TEXT
) STRICT;
CREATE INDEX bank_movements_status ON bank_movements(status);

-- Which invoices a credit paid, and how much of it each.
CREATE TABLE bank_allocations (
    movement_id    INTEGER NOT NULL REFERENCES bank_movements(id),
    invoice_number TEXT NOT NULL REFERENCES invoices(number),
    amount         TEXT NOT NULL,
    PRIMARY KEY (movement_id, invoice_number)
) STRICT;

-- Accounts a client pays from: from the clients file, or learnt from a settled credit.
CREATE TABLE client_ibans (
    client_id  TEXT NOT NULL REFERENCES clients(id),
    iban       TEXT NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('csv', 'bank', 'owner')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (client_id, iban)
) STRICT;
CREATE INDEX client_ibans_iban ON client_ibans(iban);
