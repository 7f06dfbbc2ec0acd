-- The planner's settings are built from one client per (country, region)
-- (`store::snapshot::one_per_region`): with this covering index SQLite groups the index, not
-- the table (10 ms instead of 80 ms at 200,000 clients, paid by every `plan` and tick).
CREATE INDEX clients_region ON clients(country, region, id);
