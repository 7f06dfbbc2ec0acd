-- The bot's immediate answers (a greeting, `/facturas`, a receipt passed on, new buttons) not
-- yet delivered: written in the transaction of the update that asked for them and deleted once
-- Telegram has them (src/telegram/answers.rs). A crash or a restart between the two delays an
-- answer; it no longer loses it.
CREATE TABLE telegram_answers (
    id          INTEGER PRIMARY KEY,
    -- The chat whose turn the answer takes: each chat's answers go in `id` order.
    chat_id     INTEGER NOT NULL,
    -- What to do, as JSON (`telegram::conversation::Action`).
    action      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    -- Not before this instant: a 429's `retry_after`, or a pause after a failure.
    not_before  TEXT NOT NULL,
    -- Set while its request is out: a row still marked when cobrador starts may have been
    -- delivered, and is not sent again.
    started_at  TEXT
) STRICT;
CREATE INDEX telegram_answers_chat ON telegram_answers(chat_id, id);
