-- Hours a client asked to be written to within («no me escriban antes de las 11»), in the
-- client's own time zone: the planner and the sender narrow the client's contact window to
-- them (policy::ContactRules::for_client). Set by the owner (`cobrador client hours`) or by a
-- reply that asks for them; one row per client, removed when cleared.
CREATE TABLE client_hours (
    client_id  TEXT PRIMARY KEY REFERENCES clients(id),
    -- "HH:MM-HH:MM", end exclusive.
    hours      TEXT NOT NULL,
    -- The client's words, when a reply set them.
    said       TEXT,
    set_at     TEXT NOT NULL
) STRICT;
