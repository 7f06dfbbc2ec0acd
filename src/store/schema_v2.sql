-- Version 2: agreements. Payment plans with instalments, and prompt-payment discount offers.

CREATE TABLE plans (
    id          INTEGER PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients(id),
    currency    TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'completed', 'broken', 'cancelled')),
    note        TEXT,
    created_at  TEXT NOT NULL,
    resolved_at TEXT
) STRICT;
CREATE INDEX plans_client ON plans(client_id, status);

CREATE TABLE plan_invoices (
    plan_id        INTEGER NOT NULL REFERENCES plans(id),
    invoice_number TEXT NOT NULL REFERENCES invoices(number),
    PRIMARY KEY (plan_id, invoice_number)
) STRICT;

CREATE TABLE instalments (
    plan_id  INTEGER NOT NULL REFERENCES plans(id),
    number   INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    amount   TEXT NOT NULL,
    PRIMARY KEY (plan_id, number)
) STRICT;

CREATE TABLE discount_offers (
    id             INTEGER PRIMARY KEY,
    invoice_number TEXT NOT NULL REFERENCES invoices(number),
    outbox_id      INTEGER REFERENCES outbox(id),
    amount         TEXT NOT NULL,
    description    TEXT NOT NULL,
    valid_until    TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'offered' CHECK (status IN ('offered', 'taken', 'expired')),
    created_at     TEXT NOT NULL,
    UNIQUE (invoice_number, outbox_id)
) STRICT;
