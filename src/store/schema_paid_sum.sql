-- Each invoice's paid sum and last payment day, stored and kept exact by triggers (issue 17):
-- `status` and the planner read the balance of 380,000 open invoices without probing the
-- payments of each, and the planner reads the segment's payment history from the invoices.
-- The sum is exact: `cobrador_money_sum` (registered by the store on every connection, see
-- src/store/money_sql.rs) adds the TEXT amounts with rust_decimal. Every trigger recomputes
-- the affected invoice from its payments (a few rows by index), so no drift can accumulate.

ALTER TABLE invoices ADD COLUMN paid TEXT NOT NULL DEFAULT '0';
ALTER TABLE invoices ADD COLUMN last_paid_on TEXT;

UPDATE invoices
SET paid = coalesce((SELECT cobrador_money_sum(p.amount) FROM payments p WHERE p.invoice_number = invoices.number), '0'),
    last_paid_on = (SELECT max(p.paid_on) FROM payments p WHERE p.invoice_number = invoices.number)
WHERE number IN (SELECT invoice_number FROM payments);

CREATE TRIGGER payments_paid_after_insert AFTER INSERT ON payments BEGIN
    UPDATE invoices
    SET paid = coalesce((SELECT cobrador_money_sum(p.amount) FROM payments p WHERE p.invoice_number = NEW.invoice_number), '0'),
        last_paid_on = (SELECT max(p.paid_on) FROM payments p WHERE p.invoice_number = NEW.invoice_number)
    WHERE number = NEW.invoice_number;
END;

CREATE TRIGGER payments_paid_after_delete AFTER DELETE ON payments BEGIN
    UPDATE invoices
    SET paid = coalesce((SELECT cobrador_money_sum(p.amount) FROM payments p WHERE p.invoice_number = OLD.invoice_number), '0'),
        last_paid_on = (SELECT max(p.paid_on) FROM payments p WHERE p.invoice_number = OLD.invoice_number)
    WHERE number = OLD.invoice_number;
END;

CREATE TRIGGER payments_paid_after_update AFTER UPDATE OF invoice_number, amount, paid_on ON payments BEGIN
    UPDATE invoices
    SET paid = coalesce((SELECT cobrador_money_sum(p.amount) FROM payments p WHERE p.invoice_number = invoices.number), '0'),
        last_paid_on = (SELECT max(p.paid_on) FROM payments p WHERE p.invoice_number = invoices.number)
    WHERE number IN (OLD.invoice_number, NEW.invoice_number);
END;

-- `status`: the open balances by currency and due date, read from the index alone.
CREATE INDEX invoices_open_aging ON invoices(currency, due_date, amount, paid, status)
    WHERE status IN ('open', 'disputed', 'on_hold');
-- The planner: the open invoices of each client in the snapshot's order.
CREATE INDEX invoices_open_client ON invoices(client_id, due_date, number)
    WHERE status IN ('open', 'disputed', 'on_hold');
-- The planner: per client, the closed invoices' days (segment history), from the index alone.
CREATE INDEX invoices_closed_history ON invoices(client_id, status, issue_date, due_date, last_paid_on)
    WHERE status IN ('paid', 'cancelled', 'written_off');
-- The planner and receipts: payments of the last days, by day.
CREATE INDEX payments_paid_on ON payments(paid_on);
