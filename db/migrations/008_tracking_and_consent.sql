-- Tracking and consent: machine-flagged events, web visits (anonymous until the visitor identifies),
-- public web forms with double opt-in, versioned consent texts and the proof of each consent.

-- Opens and clicks made by privacy proxies and link scanners rather than people. Scoring and behaviour
-- branches ignore them; why an event was flagged is in properties.machineReason.
alter table events add column if not exists suspected_machine boolean not null default false;

-- A browser seen by the tracking snippet, known by a random id in a first-party cookie. contact_id is
-- set once the visitor identifies (a tracked click or a form); from then on its visits are the contact's.
create table if not exists web_visitors (
  id uuid primary key,
  account_id uuid not null references accounts(id),
  contact_id uuid references contacts(id),
  identified_at timestamptz,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
create index if not exists web_visitors_contact on web_visitors (contact_id) where contact_id is not null;

-- Every page view the snippet reports. event_id points at the contact's `visit` event once the visitor
-- is known (at once, or when they identify later: earlier visits are then written as events too).
create table if not exists web_visits (
  id bigint generated always as identity primary key,
  account_id uuid not null references accounts(id),
  visitor_id uuid not null references web_visitors(id) on delete cascade,
  url text not null,
  path text not null,
  title text,
  referrer text,
  occurred_at timestamptz not null default now(),
  event_id uuid references events(id) on delete set null
);
create index if not exists web_visits_visitor on web_visits (visitor_id, occurred_at);

-- The exact wording a person agreed to, per purpose, version and language. Never changed once used:
-- a new wording is a new version, so the proof of an old consent still names what was shown.
create table if not exists consent_texts (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  purpose text not null,
  version int not null,
  locale text not null,
  text text not null,
  created_at timestamptz not null default now(),
  unique (account_id, purpose, version, locale)
);

-- A public web form (e.g. the e-book download). The public key is what the website posts to; the
-- subsidiary decides the language of the confirmation mail and where new contacts belong.
create table if not exists web_forms (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  subsidiary_id uuid not null references subsidiaries(id),
  public_key text not null unique check (public_key ~ '^[a-z0-9][a-z0-9-]{2,63}$'),
  name text not null,
  consent_purpose text not null default 'marketing',
  -- What the form delivers at once (the e-book), whether or not the double opt-in is confirmed.
  asset_url text,
  created_at timestamptz not null default now()
);

-- One row per submission (request id unique per form, so a repeated POST neither creates a second
-- submission nor a second confirmation mail). confirmation_status tracks the mail like messages.status.
create table if not exists form_submissions (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  form_id uuid not null references web_forms(id),
  contact_id uuid references contacts(id),
  request_id text not null,
  consent_text_id uuid references consent_texts(id),
  ip text,
  user_agent text,
  fields jsonb not null default '{}',
  confirmation_status text not null default 'pending'
    check (confirmation_status in ('pending', 'sending', 'sent', 'failed', 'unknown', 'not_needed')),
  confirmation_message_id text,
  confirmation_sent_at timestamptz,
  confirmed_at timestamptz,
  created_at timestamptz not null default now(),
  unique (form_id, request_id)
);

-- The proof of each consent given by double opt-in: what was shown (text version), where it was asked
-- (form), and when and from where it was requested and confirmed.
create table if not exists consent_records (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  contact_id uuid references contacts(id),
  submission_id uuid references form_submissions(id),
  purpose text not null,
  status text not null check (status in ('granted', 'revoked')),
  source text not null,
  consent_text_id uuid references consent_texts(id),
  requested_at timestamptz,
  requested_ip text,
  requested_user_agent text,
  confirmed_at timestamptz not null default now(),
  confirmed_ip text,
  confirmed_user_agent text
);
create index if not exists consent_records_contact on consent_records (contact_id, confirmed_at);
create unique index if not exists consent_records_submission on consent_records (submission_id) where submission_id is not null;

-- GDPR requests (export, erase) are recorded even after the contact's data is gone.
create table if not exists privacy_audit (
  id bigint generated always as identity primary key,
  account_id uuid not null references accounts(id),
  contact_id uuid not null,
  action text not null check (action in ('export', 'erase')),
  actor text not null,
  details jsonb not null default '{}',
  at timestamptz not null default now()
);
