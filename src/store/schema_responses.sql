-- Replies found by the message they answer, by client and time, by time, and by invoice (issue
-- 17). `report --html`'s per-stage table asked, for every message sent, whether a reply
-- answered it or came from its client within 14 days: with no index on replies, a scan of
-- every reply per message (468,791 messages on a 200,000-client book). The digest's replies of
-- the day and `invoice show`'s replies of an invoice scanned them too.
CREATE INDEX responses_outbox ON responses(outbox_id);
CREATE INDEX responses_client_time ON responses(client_id, received_at);
CREATE INDEX responses_time ON responses(received_at);
CREATE INDEX response_invoices_invoice ON response_invoices(invoice_number);
