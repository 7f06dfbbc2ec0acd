-- Replies (issue 17): the invoice a reply names and the contact it comes from, found by index.
-- The inbox and the Telegram bot used to read every invoice and every contact of the book for
-- each message they matched: about 2.5 s a reply on a 200,000-client book.
--
-- NOCASE folds ASCII letters only, as the address comparison it serves does; invoice numbers
-- are looked up as the text spells them, in small letters and in capitals (see
-- `engine::matcher::named_in`).
CREATE INDEX invoices_number_nocase ON invoices(number COLLATE NOCASE);
CREATE INDEX contacts_email_nocase ON contacts(email COLLATE NOCASE) WHERE email IS NOT NULL;
CREATE INDEX contacts_telegram ON contacts(telegram_chat_id) WHERE telegram_chat_id IS NOT NULL;
