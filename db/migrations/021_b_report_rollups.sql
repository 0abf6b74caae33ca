-- Rollups the dashboards read instead of long runs of day rows (issue 11: p95 < 300 ms at 1M contacts and
-- 10M touches). Kept by the report fold in the same transaction as the day figures (report_fold_flush adds a
-- batch's changes to both), so they are never out of step. A period of whole months reads the monthly rows and
-- only its ragged edges from the daily ones (db/report-aggregates.ts). Owning module: db/report-aggregates.ts.

-- Per campaign, subsidiary and month: campaign_day_stats summed (overview: leads per campaign).
create table campaign_month_stats (like campaign_day_stats including defaults);
alter table campaign_month_stats rename column day to month;
alter table campaign_month_stats add primary key (campaign_id, subsidiary_id, month);
create index campaign_month_stats_period on campaign_month_stats (account_id, month);

-- Per subsidiary and day, all campaigns together: the trends of the whole account at any granularity read
-- 365 rows per subsidiary instead of one per campaign and day.
create table account_day_stats (like campaign_day_stats including defaults);
alter table account_day_stats drop column campaign_id;
alter table account_day_stats add primary key (account_id, subsidiary_id, day);

-- Per mail, template, subsidiary and month: the all-mails list (keyset pages in mail order) and the canvas's step rates.
create table mail_stats_monthly (like mail_stats_daily including defaults);
alter table mail_stats_monthly rename column day to month;
alter table mail_stats_monthly add primary key (mail_key, template, subsidiary_id, month);
create index mail_stats_monthly_mails on mail_stats_monthly (account_id, mail_key, template, month);
create index mail_stats_monthly_campaign on mail_stats_monthly (campaign_id);
-- The edges of a mail's period are read per mail from the daily rows.
create index mail_stats_daily_mail on mail_stats_daily (account_id, mail_key, template, day);

-- Sales cycles read won funnel entries without visiting the table (index-only), and a campaign's drill-down
-- of won contacts starts at that campaign's.
create index funnel_entries_won_cycle on funnel_entries (account_id, won_at) include (campaign_id, subsidiary_id, mql_at, first_touch_at) where won_at is not null;
create index funnel_entries_campaign_won on funnel_entries (campaign_id, won_at) where won_at is not null;

-- The rollups rebuilt from the day figures of an account (after a bulk load, e.g. the benchmark's data; and
-- here, once, for the figures already stored).
create function report_rebuild_rollups(acc uuid) returns void language plpgsql as $$
begin
  delete from campaign_month_stats where account_id = acc;
  delete from account_day_stats where account_id = acc;
  delete from mail_stats_monthly where account_id = acc;
  insert into campaign_month_stats as s (account_id, campaign_id, subsidiary_id, month, leads, enrolments, delivered, opens, clicks, machine_opens, machine_clicks, forms, downloads, visits, fair_scans, handovers)
  select account_id, campaign_id, subsidiary_id, date_trunc('month', day)::date, sum(leads), sum(enrolments), sum(delivered), sum(opens), sum(clicks), sum(machine_opens), sum(machine_clicks), sum(forms), sum(downloads), sum(visits), sum(fair_scans), sum(handovers)
  from campaign_day_stats where account_id = acc group by account_id, campaign_id, subsidiary_id, date_trunc('month', day)::date
  on conflict (campaign_id, subsidiary_id, month) do update set leads = s.leads + excluded.leads, enrolments = s.enrolments + excluded.enrolments, delivered = s.delivered + excluded.delivered, opens = s.opens + excluded.opens, clicks = s.clicks + excluded.clicks, machine_opens = s.machine_opens + excluded.machine_opens, machine_clicks = s.machine_clicks + excluded.machine_clicks, forms = s.forms + excluded.forms, downloads = s.downloads + excluded.downloads, visits = s.visits + excluded.visits, fair_scans = s.fair_scans + excluded.fair_scans, handovers = s.handovers + excluded.handovers;
  insert into account_day_stats as s (account_id, subsidiary_id, day, leads, enrolments, delivered, opens, clicks, machine_opens, machine_clicks, forms, downloads, visits, fair_scans, handovers)
  select account_id, subsidiary_id, day, sum(leads), sum(enrolments), sum(delivered), sum(opens), sum(clicks), sum(machine_opens), sum(machine_clicks), sum(forms), sum(downloads), sum(visits), sum(fair_scans), sum(handovers)
  from campaign_day_stats where account_id = acc group by account_id, subsidiary_id, day
  on conflict (account_id, subsidiary_id, day) do update set leads = s.leads + excluded.leads, enrolments = s.enrolments + excluded.enrolments, delivered = s.delivered + excluded.delivered, opens = s.opens + excluded.opens, clicks = s.clicks + excluded.clicks, machine_opens = s.machine_opens + excluded.machine_opens, machine_clicks = s.machine_clicks + excluded.machine_clicks, forms = s.forms + excluded.forms, downloads = s.downloads + excluded.downloads, visits = s.visits + excluded.visits, fair_scans = s.fair_scans + excluded.fair_scans, handovers = s.handovers + excluded.handovers;
  insert into mail_stats_monthly as s (account_id, mail_key, campaign_id, node_id, template, subsidiary_id, month, sent, hard_bounces, soft_bounces, opens, unique_opens, machine_opens, clicks, unique_clicks, machine_clicks, unsubscribes, complaints, conversions)
  select account_id, mail_key, campaign_id, node_id, template, subsidiary_id, date_trunc('month', day)::date, sum(sent), sum(hard_bounces), sum(soft_bounces), sum(opens), sum(unique_opens), sum(machine_opens), sum(clicks), sum(unique_clicks), sum(machine_clicks), sum(unsubscribes), sum(complaints), sum(conversions)
  from mail_stats_daily where account_id = acc group by account_id, mail_key, campaign_id, node_id, template, subsidiary_id, date_trunc('month', day)::date
  on conflict (mail_key, template, subsidiary_id, month) do update set sent = s.sent + excluded.sent, hard_bounces = s.hard_bounces + excluded.hard_bounces, soft_bounces = s.soft_bounces + excluded.soft_bounces, opens = s.opens + excluded.opens, unique_opens = s.unique_opens + excluded.unique_opens, machine_opens = s.machine_opens + excluded.machine_opens, clicks = s.clicks + excluded.clicks, unique_clicks = s.unique_clicks + excluded.unique_clicks, machine_clicks = s.machine_clicks + excluded.machine_clicks, unsubscribes = s.unsubscribes + excluded.unsubscribes, complaints = s.complaints + excluded.complaints, conversions = s.conversions + excluded.conversions;
end $$;
select report_rebuild_rollups(id) from accounts;

create or replace function report_fold_flush() returns void language plpgsql as $$
begin
  insert into mail_stats_hourly as s (account_id, mail_key, campaign_id, node_id, template, subsidiary_id, hour, sent, hard_bounces, soft_bounces, opens, unique_opens, machine_opens, clicks, unique_clicks, machine_clicks, unsubscribes, complaints, conversions)
  select account_id, mail_key, campaign_id, node_id, template, subsidiary_id, hour, sum(sent), sum(hard_bounces), sum(soft_bounces), sum(opens), sum(unique_opens), sum(machine_opens), sum(clicks), sum(unique_clicks), sum(machine_clicks), sum(unsubscribes), sum(complaints), sum(conversions)
  from report_mail_batch group by account_id, mail_key, campaign_id, node_id, template, subsidiary_id, hour
  on conflict (mail_key, template, subsidiary_id, hour) do update set sent = s.sent + excluded.sent, hard_bounces = s.hard_bounces + excluded.hard_bounces, soft_bounces = s.soft_bounces + excluded.soft_bounces, opens = s.opens + excluded.opens, unique_opens = s.unique_opens + excluded.unique_opens, machine_opens = s.machine_opens + excluded.machine_opens, clicks = s.clicks + excluded.clicks, unique_clicks = s.unique_clicks + excluded.unique_clicks, machine_clicks = s.machine_clicks + excluded.machine_clicks, unsubscribes = s.unsubscribes + excluded.unsubscribes, complaints = s.complaints + excluded.complaints, conversions = s.conversions + excluded.conversions;
  insert into mail_stats_daily as s (account_id, mail_key, campaign_id, node_id, template, subsidiary_id, day, sent, hard_bounces, soft_bounces, opens, unique_opens, machine_opens, clicks, unique_clicks, machine_clicks, unsubscribes, complaints, conversions)
  select account_id, mail_key, campaign_id, node_id, template, subsidiary_id, (hour at time zone 'UTC')::date, sum(sent), sum(hard_bounces), sum(soft_bounces), sum(opens), sum(unique_opens), sum(machine_opens), sum(clicks), sum(unique_clicks), sum(machine_clicks), sum(unsubscribes), sum(complaints), sum(conversions)
  from report_mail_batch group by account_id, mail_key, campaign_id, node_id, template, subsidiary_id, (hour at time zone 'UTC')::date
  on conflict (mail_key, template, subsidiary_id, day) do update set sent = s.sent + excluded.sent, hard_bounces = s.hard_bounces + excluded.hard_bounces, soft_bounces = s.soft_bounces + excluded.soft_bounces, opens = s.opens + excluded.opens, unique_opens = s.unique_opens + excluded.unique_opens, machine_opens = s.machine_opens + excluded.machine_opens, clicks = s.clicks + excluded.clicks, unique_clicks = s.unique_clicks + excluded.unique_clicks, machine_clicks = s.machine_clicks + excluded.machine_clicks, unsubscribes = s.unsubscribes + excluded.unsubscribes, complaints = s.complaints + excluded.complaints, conversions = s.conversions + excluded.conversions;
  insert into campaign_day_stats as s (account_id, campaign_id, subsidiary_id, day, leads, enrolments, delivered, opens, clicks, machine_opens, machine_clicks,
    forms, downloads, visits, fair_scans, handovers)
  select account_id, campaign_id, subsidiary_id, day, sum(leads), sum(enrolments), sum(delivered), sum(opens), sum(clicks), sum(machine_opens), sum(machine_clicks),
    sum(forms), sum(downloads), sum(visits), sum(fair_scans), sum(handovers)
  from report_campaign_batch group by account_id, campaign_id, subsidiary_id, day
  on conflict (campaign_id, subsidiary_id, day) do update set
    leads = s.leads + excluded.leads, enrolments = s.enrolments + excluded.enrolments, delivered = s.delivered + excluded.delivered,
    opens = s.opens + excluded.opens, clicks = s.clicks + excluded.clicks, machine_opens = s.machine_opens + excluded.machine_opens,
    machine_clicks = s.machine_clicks + excluded.machine_clicks, forms = s.forms + excluded.forms, downloads = s.downloads + excluded.downloads,
    visits = s.visits + excluded.visits, fair_scans = s.fair_scans + excluded.fair_scans, handovers = s.handovers + excluded.handovers;
  -- The rollups, from the same batch (021_b).
  insert into campaign_month_stats as s (account_id, campaign_id, subsidiary_id, month, leads, enrolments, delivered, opens, clicks, machine_opens, machine_clicks, forms, downloads, visits, fair_scans, handovers)
  select account_id, campaign_id, subsidiary_id, date_trunc('month', day)::date, sum(leads), sum(enrolments), sum(delivered), sum(opens), sum(clicks), sum(machine_opens), sum(machine_clicks), sum(forms), sum(downloads), sum(visits), sum(fair_scans), sum(handovers)
  from report_campaign_batch group by account_id, campaign_id, subsidiary_id, date_trunc('month', day)::date
  on conflict (campaign_id, subsidiary_id, month) do update set leads = s.leads + excluded.leads, enrolments = s.enrolments + excluded.enrolments, delivered = s.delivered + excluded.delivered, opens = s.opens + excluded.opens, clicks = s.clicks + excluded.clicks, machine_opens = s.machine_opens + excluded.machine_opens, machine_clicks = s.machine_clicks + excluded.machine_clicks, forms = s.forms + excluded.forms, downloads = s.downloads + excluded.downloads, visits = s.visits + excluded.visits, fair_scans = s.fair_scans + excluded.fair_scans, handovers = s.handovers + excluded.handovers;
  insert into account_day_stats as s (account_id, subsidiary_id, day, leads, enrolments, delivered, opens, clicks, machine_opens, machine_clicks, forms, downloads, visits, fair_scans, handovers)
  select account_id, subsidiary_id, day, sum(leads), sum(enrolments), sum(delivered), sum(opens), sum(clicks), sum(machine_opens), sum(machine_clicks), sum(forms), sum(downloads), sum(visits), sum(fair_scans), sum(handovers)
  from report_campaign_batch group by account_id, subsidiary_id, day
  on conflict (account_id, subsidiary_id, day) do update set leads = s.leads + excluded.leads, enrolments = s.enrolments + excluded.enrolments, delivered = s.delivered + excluded.delivered, opens = s.opens + excluded.opens, clicks = s.clicks + excluded.clicks, machine_opens = s.machine_opens + excluded.machine_opens, machine_clicks = s.machine_clicks + excluded.machine_clicks, forms = s.forms + excluded.forms, downloads = s.downloads + excluded.downloads, visits = s.visits + excluded.visits, fair_scans = s.fair_scans + excluded.fair_scans, handovers = s.handovers + excluded.handovers;
  insert into mail_stats_monthly as s (account_id, mail_key, campaign_id, node_id, template, subsidiary_id, month, sent, hard_bounces, soft_bounces, opens, unique_opens, machine_opens, clicks, unique_clicks, machine_clicks, unsubscribes, complaints, conversions)
  select account_id, mail_key, campaign_id, node_id, template, subsidiary_id, date_trunc('month', (hour at time zone 'UTC'))::date, sum(sent), sum(hard_bounces), sum(soft_bounces), sum(opens), sum(unique_opens), sum(machine_opens), sum(clicks), sum(unique_clicks), sum(machine_clicks), sum(unsubscribes), sum(complaints), sum(conversions)
  from report_mail_batch group by account_id, mail_key, campaign_id, node_id, template, subsidiary_id, date_trunc('month', (hour at time zone 'UTC'))::date
  on conflict (mail_key, template, subsidiary_id, month) do update set sent = s.sent + excluded.sent, hard_bounces = s.hard_bounces + excluded.hard_bounces, soft_bounces = s.soft_bounces + excluded.soft_bounces, opens = s.opens + excluded.opens, unique_opens = s.unique_opens + excluded.unique_opens, machine_opens = s.machine_opens + excluded.machine_opens, clicks = s.clicks + excluded.clicks, unique_clicks = s.unique_clicks + excluded.unique_clicks, machine_clicks = s.machine_clicks + excluded.machine_clicks, unsubscribes = s.unsubscribes + excluded.unsubscribes, complaints = s.complaints + excluded.complaints, conversions = s.conversions + excluded.conversions;
  delete from report_mail_batch;
  delete from report_campaign_batch;
end $$;
