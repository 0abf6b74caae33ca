-- Mailings: one-off newsletters a subsidiary (or HQ) sends to a segment of its contacts, on the same
-- send log as campaign steps, and the mail that comes back (bounces, complaints).

-- The sender identity per subsidiary: the domain its mail comes from and returns to (VERP return path,
-- DKIM d=). Null means the domain of sender_email.
alter table subsidiaries add column if not exists sender_domain text;
-- HQ may want to see a subsidiary's mailing before it goes out.
alter table accounts add column if not exists mailing_approval_required boolean not null default false;

create table mailings (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  subsidiary_id uuid not null references subsidiaries(id),
  name text not null check (length(name) between 1 and 200),
  -- {subject: {fr: …}, preheader: {fr: …}, blocks: [{kind: "global", block} | {kind: "local", id, body: {fr: mjml}}], review: {fr: ["subject", "block:intro"]}}
  content jsonb not null,
  -- null: every contact of the subsidiary; consent is checked when each mail leaves, not here.
  segment_id uuid references segments(id),
  -- {mode: "now"} | {mode: "at", localTime: "2026-12-04T09:00"} | {mode: "recipient_window", window: {days, from, until}}
  schedule jsonb,
  status text not null default 'draft' check (status in ('draft', 'awaiting_approval', 'scheduled', 'sending', 'paused', 'sent', 'cancelled')),
  approval_required boolean not null default false,
  approved_by text,
  approved_at timestamptz,
  -- When the first mail may leave (the subsidiary's wall clock turned into an instant at scheduling).
  send_at timestamptz,
  workflow_id text,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);
create index mailings_account on mailings (account_id, created_at desc);

-- Who a scheduled mailing goes to, fixed when sending starts, and when each mail is due (per recipient
-- send windows make that differ). status: queued → done (the send log says how) | cancelled.
create table mailing_recipients (
  mailing_id uuid not null references mailings(id),
  contact_id uuid not null references contacts(id),
  account_id uuid not null references accounts(id),
  due_at timestamptz not null,
  status text not null default 'queued' check (status in ('queued', 'done', 'cancelled')),
  primary key (mailing_id, contact_id)
);
create index mailing_recipients_due on mailing_recipients (mailing_id, due_at) where status = 'queued';

-- The send log serves mailings too: a mailing's row has no enrolment, and (mailing, contact) is its
-- idempotency key, so a mail goes to a recipient at most once even when a worker dies mid-send. The
-- frequency cap counts these rows like campaign mail.
alter table messages alter column enrolment_id drop not null;
alter table messages alter column campaign_id drop not null;
alter table messages alter column node_id drop not null;
alter table messages alter column visit drop not null;
alter table messages add column if not exists mailing_id uuid references mailings(id);
create unique index if not exists messages_mailing_recipient on messages (mailing_id, contact_id) where mailing_id is not null;
alter table messages add constraint messages_campaign_or_mailing check ((enrolment_id is not null) or (mailing_id is not null));

-- Mail that came back. A hard bounce makes the address undeliverable; soft bounces add to a score that
-- halves every half-life and makes it undeliverable at a threshold (BOUNCE_SOFT_*).
alter table contacts add column if not exists undeliverable_at timestamptz;
alter table contacts add column if not exists undeliverable_reason text;
alter table contacts add column if not exists soft_bounce_score double precision not null default 0;
alter table contacts add column if not exists soft_bounce_at timestamptz;

-- The template versions a mailing's mail was rendered with: its web version shows the mail as it was sent.
alter table messages add column if not exists render_pins jsonb;
