-- Invoices paid beyond their amount (a payment recorded twice, a transfer of the wrong sum):
-- the client has the difference in its favour until the owner refunds it or applies it to
-- another invoice (a negative payment). The daily digest lists them from this index, not by
-- reading every paid invoice. (`CAST … AS REAL` only selects candidates; the exact difference
-- is computed with the TEXT amounts, see `store::invoices::in_favour`.)
CREATE INDEX invoices_paid_beyond ON invoices(client_id)
    WHERE status = 'paid' AND CAST(paid AS REAL) > CAST(amount AS REAL);
