-- Scale (issue 17): indexes that give the planner's bulk loader every table in client order
-- without sorting, and the interactive listings their order without scanning.

-- Invoices per client by due date and number (the snapshot's order); replaces invoices_client.
CREATE INDEX invoices_client_due ON invoices(client_id, due_date, number);
DROP INDEX invoices_client;
-- `invoice list --open` walks the open invoices by due date, streamed (no sort first).
CREATE INDEX invoices_open_due ON invoices(due_date, number)
    WHERE status IN ('open', 'disputed', 'on_hold');
-- Messages per client by send time (the snapshot's order).
CREATE INDEX outbox_client_send ON outbox(client_id, send_at, id);

-- Message bodies live apart from the rows whose state changes (queued -> sending -> sent):
-- a status update rewrites a ~200-byte row instead of one carrying kilobytes of text and
-- HTML, and the planner reads the message history without touching a body. The outbox keeps
-- its body columns (empty) so that older readers still parse.
CREATE TABLE outbox_bodies (
    outbox_id INTEGER PRIMARY KEY REFERENCES outbox(id),
    text      TEXT NOT NULL,
    html      TEXT
) STRICT;
INSERT INTO outbox_bodies (outbox_id, text, html) SELECT id, body_text, body_html FROM outbox;
UPDATE outbox SET body_text = '', body_html = NULL;
