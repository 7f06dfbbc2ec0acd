-- A bot's answer comes after the acknowledgements queued before it (tg30 Z1: «le pago el
-- viernes» and «¿me manda la factura en PDF?» read in one batch were answered «Se lo he pasado
-- a Lucía…» before «Anotado: el viernes 4»): the outbox's last row when the answer was queued.
-- The answer waits while an outbox message to its chat up to that row is due and not yet sent
-- (src/telegram/answers.rs). NULL (rows from before this column) waits for nothing.
ALTER TABLE telegram_answers ADD COLUMN after_outbox INTEGER;
