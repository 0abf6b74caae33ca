-- Closed-loop reporting (issue 11): what a campaign costs, the touch log everything is credited from, and
-- the aggregates the dashboards read. Owning modules: db/costs.ts (costs, budgets), db/touches.ts (touches),
-- db/report-aggregates.ts (the *_stats tables, funnel entries), db/attribution.ts (credits, settings, jobs).

-- What a campaign cost, item by item. Central costs carry the HQ subsidiary; a subsidiary sees its own.
create table campaign_costs (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  campaign_id uuid not null references campaigns(id),
  subsidiary_id uuid not null references subsidiaries(id),
  category text not null check (category in ('concept', 'content', 'agency', 'software_licence', 'ad_placement', 'mailing_lists', 'fair', 'discounts')),
  amount numeric(14, 2) not null check (amount >= 0),
  incurred_on date not null,
  note text,
  source text not null default 'api' check (source in ('api', 'csv', 'seed')),
  created_by text not null,
  created_at timestamptz not null default now()
);
create index campaign_costs_period on campaign_costs (account_id, incurred_on);

-- The planned budget of a campaign, beside its actual costs.
create table campaign_budgets (
  campaign_id uuid primary key references campaigns(id),
  account_id uuid not null references accounts(id),
  amount numeric(14, 2) not null check (amount >= 0),
  updated_by text not null,
  updated_at timestamptz not null default now()
);

-- The touch log: everything that can be credited to a campaign, append-only. Rows are written by triggers
-- on the tables where the facts are first recorded (events, messages, enrolments, handovers; see 015_b),
-- so a touch commits with its fact or not at all (never lost), and (source_id, kind) is unique (never
-- doubled: a re-dispatched event or a retried send writes nothing twice). The only change a touch ever
-- sees is machine false → true, when a burst of clicks later shows a link scanner was at work.
create table touches (
  id bigint generated always as identity primary key,
  account_id uuid not null,
  contact_id uuid not null,
  subsidiary_id uuid not null,
  campaign_id uuid not null,
  -- The step (campaign node) and the mail (messages.message_id) the touch came from, when it did.
  node_id text,
  message_id text,
  kind text not null check (kind in ('enrolment', 'delivered', 'open', 'click', 'form', 'download', 'visit', 'fair_scan', 'handover')),
  -- Opens by privacy proxies and clicks by link scanners: kept for the record, never credited.
  machine boolean not null default false,
  -- The row the touch was recorded from (an event, message, enrolment or handover id).
  source_id uuid not null,
  occurred_at timestamptz not null,
  recorded_at timestamptz not null default now(),
  unique (source_id, kind)
);
create index touches_contact on touches (contact_id, occurred_at);

-- Per campaign, subsidiary and day: touches by kind (human and machine apart) and leads (contacts the
-- campaign reached for the first time). Maintained by the touches trigger.
create table campaign_day_stats (
  account_id uuid not null,
  campaign_id uuid not null,
  subsidiary_id uuid not null,
  day date not null,
  leads int not null default 0,
  enrolments int not null default 0,
  delivered int not null default 0,
  opens int not null default 0,
  clicks int not null default 0,
  machine_opens int not null default 0,
  machine_clicks int not null default 0,
  forms int not null default 0,
  downloads int not null default 0,
  visits int not null default 0,
  fair_scans int not null default 0,
  handovers int not null default 0,
  primary key (campaign_id, subsidiary_id, day)
);
create index campaign_day_stats_period on campaign_day_stats (account_id, day);

-- The first touch of each contact by each campaign: makes "leads" count a contact once per campaign.
create table campaign_contacts (
  campaign_id uuid not null,
  contact_id uuid not null,
  first_touch_at timestamptz not null,
  primary key (campaign_id, contact_id)
);

-- The funnel, once per contact and qualification (handovers.qualification; 0 before any handover). The
-- campaign credited is the handover's, else the campaign of the contact's last human touch before it.
-- Each stage keeps the time it was first reached in this qualification.
create table funnel_entries (
  contact_id uuid not null,
  qualification int not null,
  account_id uuid not null,
  subsidiary_id uuid not null,
  campaign_id uuid,
  first_touch_at timestamptz,
  mql_at timestamptz,
  sal_at timestamptz,
  rejected_at timestamptz,
  sql_at timestamptz,
  opportunity_at timestamptz,
  won_at timestamptz,
  lost_at timestamptz,
  primary key (contact_id, qualification)
);
create index funnel_entries_won on funnel_entries (account_id, won_at) where won_at is not null;
create index funnel_entries_campaign on funnel_entries (campaign_id, mql_at);

-- Stage counts per campaign (nil uuid: no campaign credited), subsidiary and day.
create table funnel_day_stats (
  account_id uuid not null,
  campaign_id uuid not null,
  subsidiary_id uuid not null,
  day date not null,
  stage text not null check (stage in ('mql', 'sal', 'rejected', 'sql', 'opportunity', 'won', 'lost')),
  contacts int not null default 0,
  primary key (campaign_id, subsidiary_id, day, stage)
);
create index funnel_day_stats_period on funnel_day_stats (account_id, day);

-- Won revenue per subsidiary and day (all won opportunities, touched or not: the base of "unattributed").
create table revenue_day_stats (
  account_id uuid not null,
  subsidiary_id uuid not null,
  day date not null,
  won int not null default 0,
  revenue_cents bigint not null default 0,
  production_cents bigint not null default 0,
  -- Won opportunities whose production cost is unknown (no own figure, no product ratio).
  production_unknown int not null default 0,
  primary key (subsidiary_id, day)
);
create index revenue_day_stats_period on revenue_day_stats (account_id, day);

-- Mail statistics per mail (campaign step "<campaign>:<node>", or a mailing "mailing:<id>"), template and hour.
create table mail_stats_hourly (
  account_id uuid not null,
  mail_key text not null,
  campaign_id uuid,
  node_id text,
  template text not null,
  -- The recipient's subsidiary: a subsidiary sees the figures of its own contacts.
  subsidiary_id uuid not null,
  hour timestamptz not null,
  sent int not null default 0,
  hard_bounces int not null default 0,
  soft_bounces int not null default 0,
  opens int not null default 0,
  unique_opens int not null default 0,
  machine_opens int not null default 0,
  clicks int not null default 0,
  unique_clicks int not null default 0,
  machine_clicks int not null default 0,
  unsubscribes int not null default 0,
  complaints int not null default 0,
  conversions int not null default 0,
  primary key (mail_key, template, subsidiary_id, hour)
);
create index mail_stats_hourly_period on mail_stats_hourly (account_id, hour);
-- The same per day: what lists of mails over months read (hourly rows are for a mail's first days).
create table mail_stats_daily (like mail_stats_hourly including defaults);
alter table mail_stats_daily rename column hour to day;
alter table mail_stats_daily alter column day type date;
alter table mail_stats_daily add primary key (mail_key, template, subsidiary_id, day);
create index mail_stats_daily_period on mail_stats_daily (account_id, day);

-- Human opens and clicks per sent mail, and per mail and link: what makes "unique" counts exact even when
-- an open is later found to be a machine's.
create table mail_message_marks (
  message_id text primary key,
  human_opens int not null default 0,
  human_clicks int not null default 0
);
create table mail_link_clicks (
  account_id uuid not null,
  mail_key text not null,
  template text not null,
  url text not null,
  clicks int not null default 0,
  unique_clicks int not null default 0,
  machine_clicks int not null default 0,
  primary key (mail_key, template, url)
);
create table mail_link_marks (
  message_id text not null,
  url text not null,
  human_clicks int not null default 0,
  primary key (message_id, url)
);

-- Attribution: the settings every model runs with, the credits per opportunity, model and campaign
-- (written by reporting/attribution-refresher.ts from the pure models in reporting/attribution.ts), their
-- daily sums, the opportunities waiting for a (re)computation and the recompute jobs with progress.
create table attribution_settings (
  account_id uuid primary key references accounts(id),
  lookback_days int not null default 365 check (lookback_days between 1 and 3650),
  half_life_days numeric(6, 2) not null default 7 check (half_life_days > 0),
  updated_by text not null default 'system',
  updated_at timestamptz not null default now()
);
create table attribution_credits (
  opportunity_id uuid not null references opportunities(id) on delete cascade,
  model text not null,
  campaign_id uuid not null,
  account_id uuid not null,
  subsidiary_id uuid not null,
  day date not null,
  revenue_cents bigint not null,
  production_cents bigint not null,
  -- The opportunity's share this campaign got (sums to 1 over an opportunity's campaigns per model).
  share numeric(12, 10) not null,
  primary key (opportunity_id, model, campaign_id)
);
create table attribution_day_stats (
  account_id uuid not null,
  model text not null,
  campaign_id uuid not null,
  subsidiary_id uuid not null,
  day date not null,
  revenue_cents bigint not null default 0,
  production_cents bigint not null default 0,
  won numeric(14, 6) not null default 0,
  primary key (model, campaign_id, subsidiary_id, day)
);
create index attribution_day_stats_period on attribution_day_stats (account_id, model, day);
create table attribution_pending (
  opportunity_id uuid primary key,
  -- The recompute job that queued it (its progress counts it), or null for a live change.
  job_id uuid,
  queued_at timestamptz not null default now()
);
create table attribution_jobs (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  reason text not null,
  total int not null default 0,
  done int not null default 0,
  status text not null default 'running' check (status in ('running', 'done')),
  created_by text not null,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
