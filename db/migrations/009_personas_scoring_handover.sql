-- Personas, lead scoring (profile A–D × activity 1–4), lifecycle stages and the sales handover.

-- A persona: weighted criteria over contact attributes and the match (percent) from which a contact "is" it.
create table personas (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  slug text not null check (slug ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  name text not null,
  criteria jsonb not null,
  threshold int not null check (threshold between 0 and 100),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (account_id, slug)
);

-- Every contact's match per persona, recomputed whenever the contact is scored (attributes may have changed).
create table contact_personas (
  contact_id uuid not null references contacts(id),
  persona_id uuid not null references personas(id) on delete cascade,
  account_id uuid not null references accounts(id),
  match_percent int not null check (match_percent between 0 and 100),
  computed_at timestamptz not null default now(),
  primary key (contact_id, persona_id)
);
create index contact_personas_persona on contact_personas (persona_id, match_percent);

-- The scoring model of an account, versioned: every change is a new row, the newest is in force, and a
-- rescore job records which version it brought contacts to.
create table scoring_models (
  account_id uuid not null references accounts(id),
  version int not null,
  model jsonb not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (account_id, version)
);

-- Lifecycle: lead → MQL (handed over) → SAL (accepted) → SQL → opportunity → won | lost; nurture after a rejection.
alter table contacts add column lifecycle_stage text not null default 'lead'
  check (lifecycle_stage in ('lead', 'nurture', 'mql', 'sal', 'sql', 'opportunity', 'won', 'lost'));
alter table contacts add column lifecycle_stage_at timestamptz;
create table lifecycle_changes (
  id bigint generated always as identity primary key,
  account_id uuid not null references accounts(id),
  contact_id uuid not null references contacts(id),
  stage text not null,
  reason text,
  changed_by text not null,
  changed_at timestamptz not null default now()
);
create index lifecycle_changes_contact on lifecycle_changes (contact_id, changed_at);

-- The contact's current scores. activity_points are as of scored_at; readers decay them to "now".
create table contact_scores (
  contact_id uuid primary key references contacts(id),
  account_id uuid not null references accounts(id),
  profile_points numeric not null,
  profile_grade char(1) not null check (profile_grade in ('A', 'B', 'C', 'D')),
  activity_points numeric not null,
  activity_level int not null check (activity_level between 1 and 4),
  model_version int not null,
  scored_at timestamptz not null default now()
);
create index contact_scores_cell on contact_scores (account_id, profile_grade, activity_level);

-- Every change of a contact's scores with its cause. An event changes them at most once (unique index),
-- so a re-dispatched event leaves no second trace.
create table score_changes (
  id bigint generated always as identity primary key,
  account_id uuid not null references accounts(id),
  contact_id uuid not null references contacts(id),
  cause text not null check (cause in ('event', 'attribute_change', 'decay', 'model_change', 'initial')),
  event_id uuid references events(id),
  model_version int not null,
  profile_before char(1),
  profile_after char(1) not null,
  activity_before int,
  activity_after int not null,
  profile_points numeric not null,
  activity_points numeric not null,
  changed_at timestamptz not null default now()
);
create unique index score_changes_once_per_event on score_changes (contact_id, event_id) where event_id is not null;
create index score_changes_contact on score_changes (contact_id, changed_at);

-- A rescore after a model change (or the daily decay pass), with progress.
create table scoring_jobs (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  kind text not null check (kind in ('model_change', 'decay', 'initial')),
  model_version int not null,
  total int not null default 0,
  done int not null default 0,
  status text not null default 'running' check (status in ('running', 'done', 'failed')),
  created_at timestamptz not null default now(),
  finished_at timestamptz
);

-- Sales reps and their managers, per subsidiary; territory rules pick the rep by country and postal code.
create table sales_reps (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  subsidiary_id uuid not null references subsidiaries(id),
  name text not null,
  email text not null,
  manager_name text not null,
  manager_email text not null,
  active boolean not null default true,
  -- Round robin: the rep handed a lead longest ago gets the next unrouted one.
  last_assigned_at timestamptz,
  unique (account_id, email)
);
create table territory_rules (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  country text not null check (country ~ '^[A-Z]{2}$'),
  -- Inclusive range of postal codes compared as text of equal length (e.g. 70000–79999).
  postal_from text not null,
  postal_to text not null,
  rep_id uuid not null references sales_reps(id)
);

-- One handover per contact and qualification (entering a handover cell from outside, or a handover step):
-- the unique key and the workflow id handover-<contact>-<n> make it happen once.
create table handovers (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  contact_id uuid not null references contacts(id),
  qualification int not null,
  cell text not null,
  campaign_id uuid references campaigns(id),
  event_id uuid references events(id),
  source text not null check (source in ('score', 'campaign_step')),
  status text not null default 'open' check (status in ('open', 'accepted', 'rejected')),
  rep_id uuid references sales_reps(id),
  routed_by text check (routed_by in ('territory', 'round_robin')),
  decision_reason text,
  decided_by text,
  decided_at timestamptz,
  reminders_sent int not null default 0,
  escalated_at timestamptz,
  crm_status text not null default 'pending' check (crm_status in ('pending', 'delivered', 'failed', 'not_configured')),
  crm_attempts int not null default 0,
  crm_error text,
  workflow_started_at timestamptz,
  created_at timestamptz not null default now(),
  unique (contact_id, qualification)
);
create index handovers_open on handovers (account_id, created_at) where status = 'open';

-- Mail of a handover (report to rep, to manager, reminders): at most once per handover, kind and recipient.
create table handover_mails (
  handover_id uuid not null references handovers(id),
  kind text not null,
  recipient text not null,
  status text not null default 'sending' check (status in ('sending', 'sent', 'unknown')),
  message_id text not null,
  sent_at timestamptz,
  primary key (handover_id, kind, recipient)
);

-- Set when the contact was handed over from their current stay in a handover cell; cleared when they
-- leave those cells. A new qualification needs a new entry.
alter table contact_scores add column qualified boolean not null default false;
-- The rescore job's place: contacts are taken in id order, page by page, so a retried page repeats nothing.
alter table scoring_jobs add column cursor uuid;
-- The SLA in force when the handover began (a later model change does not move running deadlines).
alter table handovers add column sla text not null default '48h';
create index handovers_to_start on handovers (created_at) where workflow_started_at is null;
