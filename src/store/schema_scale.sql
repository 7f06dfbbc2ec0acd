-- Scale (issue 17): indexes that give the planner's bulk loader every table in client order
-- without sorting, and the interactive listings their order without scanning.

-- Invoices per client by due date and number (the snapshot's order); replaces invoices_client.
CREATE INDEX invoices_client_due ON invoices(client_id, due_date, number);
DROP INDEX invoices_client;
-- `invoice list --open` and `status` walk open invoices by due date.
CREATE INDEX invoices_status_due ON invoices(status, due_date, number);
-- Messages per client by send time (the snapshot's order).
CREATE INDEX outbox_client_send ON outbox(client_id, send_at, id);
