-- Scale (issue 17): `outbox_client (client_id, sent_at)` is served by `outbox_client_send
-- (client_id, send_at, id)` for every query by client (none filters or sorts a client's
-- messages by `sent_at`), and it changed with every message sent: a page of it rewritten in
-- most of the sender's group commits (1,834 of the 10,336 pages the first tick at 100,000
-- clients wrote to the WAL while sending).
DROP INDEX IF EXISTS outbox_client;
