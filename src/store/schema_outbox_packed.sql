-- Scale (issue 17, goal 6): a planned reminder's body may be stored packed: LZ4 (block format)
-- of its text followed by its HTML, against the raw body of an earlier message of the same
-- stage and channel (`dict`: most of a reminder is its stage's template, so ~6 KB packs into
-- ~0.4 KB). A first tick of 20,000 reminders wrote 118 MB of bodies to the WAL, copied them
-- into the database at each checkpoint and read them back to send: about a fifth of its cpu.
-- A packed row has `text` '' and `html` NULL; `text_len` and `html_len` (NULL: no HTML part)
-- split what unpacks. The dictionary is a raw row (never itself packed), kept by the foreign
-- key. Read them through `store::outbox` (it unpacks).
ALTER TABLE outbox_bodies ADD COLUMN packed BLOB;
ALTER TABLE outbox_bodies ADD COLUMN dict INTEGER REFERENCES outbox_bodies(outbox_id);
ALTER TABLE outbox_bodies ADD COLUMN text_len INTEGER;
ALTER TABLE outbox_bodies ADD COLUMN html_len INTEGER;
