-- A client's "ya pagué" (issue 17): the invoices whose payment someone claimed, still open, are
-- found by this index. `bank::confirm_claims` read every invoice of the book (with its
-- payments) on each paid claim, to find the few claimed ones: 2.4 s and 330 MB a reply on a
-- 200,000-client book.
CREATE INDEX invoices_claimed ON invoices(client_id)
    WHERE status = 'open' AND paid_claimed_on IS NOT NULL;
