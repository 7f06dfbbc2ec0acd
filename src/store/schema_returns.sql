-- A payment the bank returned (a direct debit sent back, a transfer reversed, a cheque that
-- bounced) is recorded as a payment row with a negative amount: the paid sum drops by it and
-- the invoice is due again. Each invoice remembers its latest return that no later payment
-- has made good (`returned_on`, the day of the return, and `returned_amount`, positive), so
-- that the planner and the messages can say what happened without reading the payments:
-- «el banco nos devolvió el pago de 1.200,00 €» instead of «todavía no nos consta el pago»
-- to a client who did pay. A return does not move `last_paid_on` (the history of how the
-- client pays counts the payments, not their reversals).

ALTER TABLE invoices ADD COLUMN returned_on TEXT;
ALTER TABLE invoices ADD COLUMN returned_amount TEXT;

DROP TRIGGER payments_paid_after_insert;
DROP TRIGGER payments_paid_after_delete;
DROP TRIGGER payments_paid_after_update;

CREATE TRIGGER payments_paid_after_insert AFTER INSERT ON payments BEGIN
    UPDATE invoices
    SET paid = cobrador_money_add(paid, NEW.amount),
        last_paid_on = CASE WHEN NEW.amount LIKE '-%' THEN last_paid_on
                            ELSE max(coalesce(last_paid_on, NEW.paid_on), NEW.paid_on) END,
        returned_on = CASE WHEN NEW.amount LIKE '-%' THEN NEW.paid_on
                           WHEN NEW.paid_on >= returned_on THEN NULL
                           ELSE returned_on END,
        returned_amount = CASE WHEN NEW.amount LIKE '-%' THEN substr(NEW.amount, 2)
                               WHEN NEW.paid_on >= returned_on THEN NULL
                               ELSE returned_amount END
    WHERE number = NEW.invoice_number;
END;

-- Deletions and updates (rare) recompute the invoice from its payments, as before; the
-- standing return is the latest one that no payment recorded after it, on its day or later,
-- made good.
CREATE VIEW payments_standing_return AS
SELECT r.invoice_number, r.paid_on, substr(r.amount, 2) AS amount
FROM payments r
WHERE r.amount LIKE '-%'
  AND NOT EXISTS (SELECT 1 FROM payments q
                  WHERE q.invoice_number = r.invoice_number AND q.amount NOT LIKE '-%'
                    AND q.paid_on >= r.paid_on AND q.id > r.id)
  AND NOT EXISTS (SELECT 1 FROM payments l
                  WHERE l.invoice_number = r.invoice_number AND l.amount LIKE '-%'
                    AND (l.paid_on > r.paid_on OR (l.paid_on = r.paid_on AND l.id > r.id)));

CREATE TRIGGER payments_paid_after_delete AFTER DELETE ON payments BEGIN
    UPDATE invoices
    SET paid = coalesce((SELECT cobrador_money_sum(p.amount) FROM payments p WHERE p.invoice_number = OLD.invoice_number), '0'),
        last_paid_on = (SELECT max(p.paid_on) FROM payments p
                        WHERE p.invoice_number = OLD.invoice_number AND p.amount NOT LIKE '-%'),
        returned_on = (SELECT s.paid_on FROM payments_standing_return s WHERE s.invoice_number = OLD.invoice_number),
        returned_amount = (SELECT s.amount FROM payments_standing_return s WHERE s.invoice_number = OLD.invoice_number)
    WHERE number = OLD.invoice_number;
END;

CREATE TRIGGER payments_paid_after_update AFTER UPDATE OF invoice_number, amount, paid_on ON payments BEGIN
    UPDATE invoices
    SET paid = coalesce((SELECT cobrador_money_sum(p.amount) FROM payments p WHERE p.invoice_number = invoices.number), '0'),
        last_paid_on = (SELECT max(p.paid_on) FROM payments p
                        WHERE p.invoice_number = invoices.number AND p.amount NOT LIKE '-%'),
        returned_on = (SELECT s.paid_on FROM payments_standing_return s WHERE s.invoice_number = invoices.number),
        returned_amount = (SELECT s.amount FROM payments_standing_return s WHERE s.invoice_number = invoices.number)
    WHERE number IN (OLD.invoice_number, NEW.invoice_number);
END;
