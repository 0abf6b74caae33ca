-- Events API idempotency: the id a client gives an event (or the Idempotency-Key header of a single
-- event). A client that resends after a network error gets the stored event back instead of a second one,
-- so nothing is counted, enrolled or signalled twice. Unique per account; events without one stay as before.
alter table events add column if not exists client_id text check (client_id is null or length(client_id) between 1 and 200);
create unique index if not exists events_client_id on events (account_id, client_id) where client_id is not null;

-- Forms edited by marketers (api/form-admin.ts): the fields the form shows (name, label, required), the
-- consent text version it shows (null: the newest of its purpose), and whether it asks for marketing
-- consent by double opt-in at all. Existing forms keep their behaviour: double opt-in on, newest text.
alter table web_forms add column if not exists fields jsonb not null default '[{"name":"email","label":"E-Mail","required":true}]';
alter table web_forms add column if not exists consent_version int check (consent_version is null or consent_version > 0);
alter table web_forms add column if not exists double_opt_in boolean not null default true;
alter table web_forms add column if not exists updated_at timestamptz not null default now();

-- Who wrote a consent text version (texts are never changed: a new wording is a new version).
alter table consent_texts add column if not exists created_by text;
