-- The look-alike check (db/duplicates.ts findContactMatch) asks for an account's contacts by postal code.
-- Without an index it read every contact of the account once per contact arriving from the CRM or an
-- import, so a 10,000-contact first sync slowed as the pool grew (issue 12's throughput profile).
create index if not exists contacts_postal_code on contacts (account_id, (attributes->>'postal_code'));
