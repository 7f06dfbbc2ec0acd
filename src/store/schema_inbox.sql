-- Inbox: where each IMAP mailbox was read up to, what kind each received message was and where
-- its raw copy is, and contacts whose email address bounces.

-- One row per mailbox read. `last_uid` only means something with the same `uidvalidity`:
-- when the server changes it, the mailbox is re-read and Message-IDs keep it idempotent.
CREATE TABLE mailbox_state (
    mailbox     TEXT PRIMARY KEY,
    uidvalidity INTEGER NOT NULL,
    last_uid    INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL
) STRICT;

-- reply | auto_reply | bounce | unparsed (too large, or not a message: a person reads it).
ALTER TABLE responses ADD COLUMN kind TEXT NOT NULL DEFAULT 'reply'
    CHECK (kind IN ('reply', 'auto_reply', 'bounce', 'unparsed'));
-- Where the raw message is: `imap:MAILBOX;UIDVALIDITY=n;UID=m`, a file path, or NULL (typed in).
ALTER TABLE responses ADD COLUMN raw_ref TEXT;
-- The client's visible words (no quoted history, no signature).
ALTER TABLE responses ADD COLUMN excerpt TEXT;
-- What was done, in one line for the owner.
ALTER TABLE responses ADD COLUMN effect TEXT;

-- Set when mail to this contact bounced permanently: the planner no longer writes to it by
-- email (another contact or Telegram takes over), and the owner is told.
ALTER TABLE contacts ADD COLUMN email_undeliverable_at TEXT;
ALTER TABLE contacts ADD COLUMN email_bounce TEXT;
