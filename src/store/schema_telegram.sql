-- Telegram: deep-link tokens, linked chats, the update offset and the updates already applied.

-- One-time link tokens. Only a SHA-256 of the token is kept: a copy of the database does not
-- let anyone link a chat.
CREATE TABLE telegram_link_tokens (
    token_hash  TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients(id),
    contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    chat_id     INTEGER
) STRICT;

-- Chats the bot has met: linked ones (contact_id set), and whether they can be reached.
CREATE TABLE telegram_chats (
    chat_id        INTEGER PRIMARY KEY,
    contact_id     INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    username       TEXT,
    linked_at      TEXT,
    unreachable_at TEXT,
    updated_at     TEXT NOT NULL
) STRICT;

-- Updates already applied: a re-delivered update (lost offset, a second poller) changes nothing.
CREATE TABLE telegram_updates (
    update_id   INTEGER PRIMARY KEY,
    chat_id     INTEGER,
    kind        TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    applied_at  TEXT NOT NULL
) STRICT;

-- Small key/value state: `next_offset` for getUpdates.
CREATE TABLE telegram_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
