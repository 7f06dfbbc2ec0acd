-- A payment added updates its invoice's stored paid sum incrementally (issue 17, goal 2):
-- the sum so far plus the new amount, and the later of the two days, instead of adding up
-- all the invoice's payments again (two probes of the payments per row: an import of 500,000
-- payments spent a good share of its time there). Still exact: `cobrador_money_add` adds the
-- TEXT amounts with rust_decimal as `cobrador_money_sum` does (same value, same scale: the sum
-- of exact decimals does not depend on their order), and the stored sum is exact before the
-- insert because every trigger keeps it so. Deletions and updates still recompute the
-- invoice from its payments (they are rare and can remove the latest day).

DROP TRIGGER payments_paid_after_insert;

CREATE TRIGGER payments_paid_after_insert AFTER INSERT ON payments BEGIN
    UPDATE invoices
    SET paid = cobrador_money_add(paid, NEW.amount),
        last_paid_on = max(coalesce(last_paid_on, NEW.paid_on), NEW.paid_on)
    WHERE number = NEW.invoice_number;
END;
