-- Segments and entry: saved contact filters with membership snapshots, the occasions that entered
-- contacts into campaigns (so a scan that runs twice, or resumes after a crash, enrols nobody twice),
-- and bulk enrolment jobs with their progress. Needs 002 (contacts.tags, contacts.time_zone,
-- subsidiaries.time_zone), which segment filters and date triggers read.

-- A saved filter over contacts, in the rule language of the condition step (engine/segment-filter.ts).
create table segments (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  name text not null,
  filter jsonb not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- When membership was last brought up to date; null until the first snapshot.
  refreshed_at timestamptz
);
create unique index segments_account_name on segments (account_id, lower(name));

-- Membership snapshots: one row per stretch of time a contact matched. A contact "enters" a segment when
-- a refresh finds them matching without an open row; `initial` marks those found by the very first
-- refresh, who were in the segment from the start and so never entered it.
create table segment_members (
  id bigint generated always as identity primary key,
  account_id uuid not null references accounts(id),
  segment_id uuid not null references segments(id) on delete cascade,
  contact_id uuid not null references contacts(id),
  entered_at timestamptz not null,
  left_at timestamptz,
  initial boolean not null default false
);
create unique index segment_members_open on segment_members (segment_id, contact_id) where left_at is null;

-- What entered a contact into a campaign: an event (event:<id>), a due date (maintenance_due:2027-03-01),
-- a stretch of silence (inactive-since:2026-10-01), a segment entry (segment-entry:<entered_at>) or a
-- manual request (manual:<key>). The primary key is what makes every occasion enrol at most once.
create table trigger_occasions (
  campaign_id uuid not null references campaigns(id),
  contact_id uuid not null references contacts(id),
  occasion text not null,
  account_id uuid not null references accounts(id),
  enrolment_id uuid not null references enrolments(id),
  created_at timestamptz not null default now(),
  primary key (campaign_id, contact_id, occasion)
);

-- Entry rules look at the contact's previous enrolments in the campaign, newest first.
create index enrolments_campaign_contact on enrolments (campaign_id, contact_id, started_at desc);

-- A bulk enrolment (CSV upload or a whole segment), run by the enrolmentJob workflow. `key` identifies
-- the request (Idempotency-Key, or a digest of the upload): submitting it again finds this job.
create table enrolment_jobs (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  campaign_id uuid not null references campaigns(id),
  key text not null,
  source text not null check (source in ('csv', 'segment')),
  segment_id uuid references segments(id) on delete set null,
  -- The requester's subsidiaries (null: all): contacts outside them are skipped as unknown.
  subsidiaries text[],
  requested_by text not null,
  status text not null default 'pending' check (status in ('pending', 'running', 'done')),
  created_at timestamptz not null default now(),
  prepared_at timestamptz,
  finished_at timestamptz,
  unique (campaign_id, key)
);

-- One row per CSV line (line = the file's line number) or per segment member (line = position), with
-- its outcome once processed: progress is a count over these rows, so retries cannot skew it.
create table enrolment_job_items (
  job_id uuid not null references enrolment_jobs(id) on delete cascade,
  line int not null,
  email text,
  contact_id uuid references contacts(id),
  outcome text check (outcome in ('enrolled', 'skipped')),
  reason text,
  detail text,
  primary key (job_id, line)
);
create index enrolment_job_items_open on enrolment_job_items (job_id, line) where outcome is null;
