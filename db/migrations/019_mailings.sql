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

-- Mail statistics (reporting, migration 015) key a mail by campaign and step; a mailing's mail has neither,
-- and its template ("mailing:<id>") names it instead, so its sends, bounces, opens and clicks count too.
create or replace function report_mail_add(acc uuid, mk text, camp uuid, node text, tmpl text, sub uuid, hr timestamptz,
  d_sent int default 0, d_hard int default 0, d_soft int default 0, d_opens int default 0, d_unique_opens int default 0,
  d_machine_opens int default 0, d_clicks int default 0, d_unique_clicks int default 0, d_machine_clicks int default 0,
  d_unsubscribes int default 0, d_complaints int default 0, d_conversions int default 0) returns void language sql as $$
  insert into mail_stats_hourly as s (account_id, mail_key, campaign_id, node_id, template, subsidiary_id, hour, sent, hard_bounces, soft_bounces, opens, unique_opens, machine_opens, clicks, unique_clicks, machine_clicks, unsubscribes, complaints, conversions)
  values (acc, coalesce(mk, tmpl), camp, node, tmpl, sub, date_trunc('hour', hr), d_sent, d_hard, d_soft, d_opens, d_unique_opens, d_machine_opens, d_clicks, d_unique_clicks,
    d_machine_clicks, d_unsubscribes, d_complaints, d_conversions)
  on conflict (mail_key, template, subsidiary_id, hour) do update set sent = s.sent + excluded.sent, hard_bounces = s.hard_bounces + excluded.hard_bounces, soft_bounces = s.soft_bounces + excluded.soft_bounces, opens = s.opens + excluded.opens, unique_opens = s.unique_opens + excluded.unique_opens, machine_opens = s.machine_opens + excluded.machine_opens, clicks = s.clicks + excluded.clicks, unique_clicks = s.unique_clicks + excluded.unique_clicks, machine_clicks = s.machine_clicks + excluded.machine_clicks, unsubscribes = s.unsubscribes + excluded.unsubscribes, complaints = s.complaints + excluded.complaints, conversions = s.conversions + excluded.conversions;
  insert into mail_stats_daily as s (account_id, mail_key, campaign_id, node_id, template, subsidiary_id, day, sent, hard_bounces, soft_bounces, opens, unique_opens, machine_opens, clicks, unique_clicks, machine_clicks, unsubscribes, complaints, conversions)
  values (acc, coalesce(mk, tmpl), camp, node, tmpl, sub, (hr at time zone 'UTC')::date, d_sent, d_hard, d_soft, d_opens, d_unique_opens, d_machine_opens, d_clicks, d_unique_clicks,
    d_machine_clicks, d_unsubscribes, d_complaints, d_conversions)
  on conflict (mail_key, template, subsidiary_id, day) do update set sent = s.sent + excluded.sent, hard_bounces = s.hard_bounces + excluded.hard_bounces, soft_bounces = s.soft_bounces + excluded.soft_bounces, opens = s.opens + excluded.opens, unique_opens = s.unique_opens + excluded.unique_opens, machine_opens = s.machine_opens + excluded.machine_opens, clicks = s.clicks + excluded.clicks, unique_clicks = s.unique_clicks + excluded.unique_clicks, machine_clicks = s.machine_clicks + excluded.machine_clicks, unsubscribes = s.unsubscribes + excluded.unsubscribes, complaints = s.complaints + excluded.complaints, conversions = s.conversions + excluded.conversions
$$;

-- An open, click, unsubscribe, bounce or complaint of a sent mail, into its mail statistics. sign -1 with a
-- machine flag found later moves a human open or click over to the machine figures.
