-- cobrador schema, version 1. Instants are UTC text `YYYY-MM-DDTHH:MM:SSZ`; dates `YYYY-MM-DD`;
-- money is decimal TEXT (never REAL).

CREATE TABLE clients (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    legal_name  TEXT,
    tax_id      TEXT,
    country     TEXT NOT NULL,
    region      TEXT,
    time_zone   TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('b2b', 'b2c')),
    segment     TEXT,
    language    TEXT NOT NULL DEFAULT 'es',
    tuteo       INTEGER NOT NULL DEFAULT 0,
    on_hold     INTEGER NOT NULL DEFAULT 0,
    notes       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE contacts (
    id                INTEGER PRIMARY KEY,
    client_id         TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    name              TEXT,
    email             TEXT,
    telegram_chat_id  INTEGER,
    role              TEXT NOT NULL DEFAULT 'billing' CHECK (role IN ('billing', 'finance', 'other')),
    preferred_channel TEXT NOT NULL DEFAULT 'email' CHECK (preferred_channel IN ('email', 'telegram')),
    opted_out         INTEGER NOT NULL DEFAULT 0,
    source            TEXT NOT NULL DEFAULT 'csv',
    position          INTEGER NOT NULL DEFAULT 0,
    UNIQUE (client_id, email)
) STRICT;
CREATE INDEX contacts_client ON contacts(client_id);

CREATE TABLE invoices (
    number          TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL REFERENCES clients(id),
    issue_date      TEXT NOT NULL,
    due_date        TEXT NOT NULL,
    currency        TEXT NOT NULL,
    amount          TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'paid', 'disputed', 'on_hold', 'cancelled', 'written_off')),
    paid_claimed_on TEXT,
    pdf_path        TEXT,
    description     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX invoices_client ON invoices(client_id);

CREATE TABLE payments (
    id             INTEGER PRIMARY KEY,
    invoice_number TEXT NOT NULL REFERENCES invoices(number),
    paid_on        TEXT NOT NULL,
    amount         TEXT NOT NULL,
    reference      TEXT,
    kind           TEXT NOT NULL DEFAULT 'payment' CHECK (kind IN ('payment', 'discount')),
    source         TEXT NOT NULL,
    import_key     TEXT UNIQUE,
    created_at     TEXT NOT NULL
) STRICT;
CREATE INDEX payments_invoice ON payments(invoice_number);

CREATE TABLE responses (
    id              INTEGER PRIMARY KEY,
    client_id       TEXT REFERENCES clients(id),
    outbox_id       INTEGER REFERENCES outbox(id),
    channel         TEXT NOT NULL,
    external_id     TEXT UNIQUE,
    received_at     TEXT NOT NULL,
    sender          TEXT,
    subject         TEXT,
    body            TEXT NOT NULL,
    intent          TEXT NOT NULL,
    promised_date   TEXT,
    promised_amount TEXT,
    ambiguous       INTEGER NOT NULL DEFAULT 0,
    evidence        TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL CHECK (status IN ('applied', 'needs_review', 'reviewed')),
    created_at      TEXT NOT NULL
) STRICT;

CREATE TABLE response_invoices (
    response_id    INTEGER NOT NULL REFERENCES responses(id),
    invoice_number TEXT NOT NULL REFERENCES invoices(number),
    PRIMARY KEY (response_id, invoice_number)
) STRICT;

CREATE TABLE promises (
    id             INTEGER PRIMARY KEY,
    client_id      TEXT NOT NULL REFERENCES clients(id),
    invoice_number TEXT REFERENCES invoices(number),
    promised_date  TEXT NOT NULL,
    amount         TEXT,
    source         TEXT NOT NULL CHECK (source IN ('reply', 'owner')),
    response_id    INTEGER REFERENCES responses(id),
    ambiguous      INTEGER NOT NULL DEFAULT 0,
    status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'kept', 'broken', 'cancelled')),
    created_at     TEXT NOT NULL,
    resolved_at    TEXT
) STRICT;
CREATE INDEX promises_client ON promises(client_id, status);

-- The durable outbox. `dedup_key` = client|stage|cycle: no run, retry or restart sends twice.
CREATE TABLE outbox (
    id                  INTEGER PRIMARY KEY,
    dedup_key           TEXT NOT NULL UNIQUE,
    client_id           TEXT NOT NULL REFERENCES clients(id),
    stage               TEXT NOT NULL,
    cycle               TEXT NOT NULL,
    channel             TEXT NOT NULL,
    recipients          TEXT NOT NULL,
    cc                  TEXT NOT NULL DEFAULT '[]',
    subject             TEXT,
    body_text           TEXT NOT NULL,
    body_html           TEXT,
    attachment          TEXT,
    message_id          TEXT UNIQUE,
    in_reply_to         TEXT,
    message_references  TEXT,
    status              TEXT NOT NULL DEFAULT 'queued'
                        CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'dead', 'uncertain', 'cancelled')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    retry_at            TEXT,
    last_error          TEXT,
    send_at             TEXT NOT NULL,
    sent_at             TEXT,
    telegram_message_id INTEGER,
    created_at          TEXT NOT NULL
) STRICT;
CREATE INDEX outbox_status ON outbox(status, send_at);
CREATE INDEX outbox_client ON outbox(client_id, sent_at);

CREATE TABLE outbox_invoices (
    outbox_id      INTEGER NOT NULL REFERENCES outbox(id),
    invoice_number TEXT NOT NULL REFERENCES invoices(number),
    reached        INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (outbox_id, invoice_number)
) STRICT;

-- Append-only audit log.
CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    actor          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    client_id      TEXT,
    invoice_number TEXT,
    detail         TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX events_client ON events(client_id);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
