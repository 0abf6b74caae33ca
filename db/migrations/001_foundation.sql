-- Foundation: who the tenant is, whom it mails, what happened, which campaigns run and what they sent.
-- Every row carries account_id so that each query can be scoped to the caller's account.

create table accounts (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique,
  name text not null,
  created_at timestamptz not null default now()
);

-- A subsidiary is a sales organisation of the account: HQ (DE) and the local companies (FR, IT, ES).
-- Contacts belong to exactly one; it decides the language and the legal footer of their mail.
create table subsidiaries (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  code text not null check (code ~ '^[A-Z]{2}$'),
  name text not null,
  locale text not null,
  is_headquarters boolean not null default false,
  sender_name text not null,
  sender_email text not null,
  created_at timestamptz not null default now(),
  unique (account_id, code)
);

create table contacts (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  subsidiary_id uuid not null references subsidiaries(id),
  email text not null,
  first_name text,
  last_name text,
  salutation text check (salutation in ('mr', 'ms', 'none')),
  company text,
  locale text,
  attributes jsonb not null default '{}',
  -- Marketing mail goes out only with 'granted'; the proof (when, how) sits beside it.
  consent_status text not null default 'none' check (consent_status in ('none', 'pending', 'granted', 'revoked')),
  consent_source text,
  consent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- E-mail addresses are unique per account regardless of case.
create unique index contacts_account_email on contacts (account_id, lower(email));

-- Events are stored before they are acknowledged, then handed to Temporal by the dispatcher (an outbox):
-- dispatched_at stays null until every campaign that cares has been told.
create table events (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  contact_id uuid not null references contacts(id),
  type text not null,
  properties jsonb not null default '{}',
  source text not null default 'api',
  occurred_at timestamptz not null default now(),
  received_at timestamptz not null default now(),
  dispatch_claimed_until timestamptz,
  dispatch_attempts int not null default 0,
  dispatch_error text,
  dispatched_at timestamptz
);
create index events_contact on events (contact_id, occurred_at);
create index events_to_dispatch on events (received_at) where dispatched_at is null;

create table campaigns (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  name text not null,
  kind text not null default 'custom' check (kind in ('nurture', 'onboarding', 'cross_sell', 'upsell', 'loyalty', 'custom')),
  draft_graph jsonb not null,
  draft_updated_at timestamptz not null default now(),
  status text not null default 'draft' check (status in ('draft', 'live', 'paused', 'stopped')),
  live_version_id uuid,
  created_at timestamptz not null default now()
);

-- Published versions never change: enrolments keep the version they started on.
create table campaign_versions (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  campaign_id uuid not null references campaigns(id),
  version int not null,
  graph jsonb not null,
  published_at timestamptz not null default now(),
  published_by text not null,
  unique (campaign_id, version)
);
alter table campaigns add foreign key (live_version_id) references campaign_versions(id);

create function refuse_version_change() returns trigger language plpgsql as $$
begin
  raise exception 'campaign versions are immutable; publish a new version instead';
end $$;
create trigger campaign_versions_immutable before update on campaign_versions
  for each row execute function refuse_version_change();

create table enrolments (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  campaign_id uuid not null references campaigns(id),
  version_id uuid not null references campaign_versions(id),
  contact_id uuid not null references contacts(id),
  workflow_id text not null,
  workflow_run_id text,
  trigger_event_id uuid references events(id),
  status text not null default 'active' check (status in ('active', 'completed', 'exited')),
  exit_reason text,
  current_node_id text,
  started_at timestamptz not null default now(),
  finished_at timestamptz
);
-- At most one running enrolment per contact and campaign.
create unique index enrolments_one_active on enrolments (campaign_id, contact_id) where status = 'active';
create index enrolments_contact on enrolments (contact_id) where status = 'active';

create table enrolment_steps (
  enrolment_id uuid not null references enrolments(id),
  node_id text not null,
  visit int not null,
  account_id uuid not null references accounts(id),
  entered_at timestamptz not null default now(),
  primary key (enrolment_id, node_id, visit)
);

-- The send log. One row per enrolment, step and pass: the unique key is what makes a send happen at
-- most once. status: pending → sending → sent | failed (not delivered, may retry) | unknown (the
-- attempt died mid-transaction: never repeated blindly) | suppressed (no consent: recorded, not sent).
create table messages (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  enrolment_id uuid not null references enrolments(id),
  contact_id uuid not null references contacts(id),
  campaign_id uuid not null references campaigns(id),
  node_id text not null,
  visit int not null,
  message_id text not null unique,
  template text not null,
  recipient text,
  subject text,
  locale text,
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed', 'unknown', 'suppressed')),
  reason text,
  smtp_response text,
  attempts int not null default 0,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  unique (enrolment_id, node_id, visit)
);
