-- A reply of the client's that a person must answer (a question, words cobrador could not
-- read): the client's automatic reminders wait until this instant, or until a person
-- reclassifies the reply (`responses --reclassify`). Never set by imports.
ALTER TABLE clients ADD COLUMN awaiting_answer_until TEXT;
