-- Touch ingestion at the speed of a bare insert (issue 11): the writers' triggers no longer maintain the
-- touch log and the aggregates themselves. Each writes one row into report_deltas, in the writer's own
-- transaction (so a fact and its delta commit together: never lost), and the folder
-- (reporting/report-folder.ts, every second) folds the deltas into touches and the aggregates in id order,
-- deleting each delta in the same transaction that folds it (never doubled). The work the triggers of
-- 015_b did is unchanged; it moved into the report_fold_* functions below, which read the fact as it was
-- written (its row, or a snapshot taken by the trigger) instead of NEW. Owning module: db/report-deltas.ts.

create table report_deltas (
  id bigint generated always as identity primary key,
  fact text not null check (fact in ('event', 'event_flagged', 'message_sent', 'enrolment', 'handover', 'lifecycle', 'conversion')),
  -- The event (events are read back at fold time: they never change but for the machine flag, kept here).
  source_id uuid,
  machine boolean,
  -- Every other fact: its row as written (and for a lifecycle change, the contact's latest handover then).
  snapshot jsonb
);

-- A delta the fold could not apply (a broken invariant, e.g. a contact deleted before its fact was folded):
-- kept with the error instead of blocking the deltas behind it. Nothing here is expected; the folder logs it.
create table report_fold_failures (
  delta_id bigint primary key,
  fact text not null,
  source_id uuid,
  machine boolean,
  snapshot jsonb,
  error text not null,
  failed_at timestamptz not null default now()
);

-- Within a fold, many deltas change the same few rows (a mail's hour, a campaign's day). Their changes are
-- gathered in transaction-local batch tables and added once per row when the fold ends
-- (report_fold_flush), instead of one upsert per delta: the fold keeps up with ingestion.
create function report_fold_batches() returns void language plpgsql as $$
begin
  if to_regclass('pg_temp.report_mail_batch') is null then
    create temp table report_mail_batch (like mail_stats_hourly) on commit delete rows;
    create temp table report_campaign_batch (like campaign_day_stats) on commit delete rows;
  end if;
end $$;

create or replace function report_mail_add(acc uuid, mk text, camp uuid, node text, tmpl text, sub uuid, hr timestamptz,
  d_sent int default 0, d_hard int default 0, d_soft int default 0, d_opens int default 0, d_unique_opens int default 0,
  d_machine_opens int default 0, d_clicks int default 0, d_unique_clicks int default 0, d_machine_clicks int default 0,
  d_unsubscribes int default 0, d_complaints int default 0, d_conversions int default 0) returns void language plpgsql as $$
begin
  insert into report_mail_batch (account_id, mail_key, campaign_id, node_id, template, subsidiary_id, hour, sent, hard_bounces, soft_bounces, opens, unique_opens, machine_opens, clicks, unique_clicks, machine_clicks, unsubscribes, complaints, conversions)
  values (acc, mk, camp, node, tmpl, sub, date_trunc('hour', hr), d_sent, d_hard, d_soft, d_opens, d_unique_opens, d_machine_opens, d_clicks, d_unique_clicks,
    d_machine_clicks, d_unsubscribes, d_complaints, d_conversions);
end $$;

create function report_fold_flush() returns void language plpgsql as $$
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
  delete from report_mail_batch;
  delete from report_campaign_batch;
end $$;

-- Touches into the per-campaign day figures (through the fold's batch) and leads; a touch before a won
-- deal's close re-queues its attribution. Touches are written only by the fold.
create or replace function report_on_touch() returns trigger language plpgsql as $$
declare
  h int := (not new.machine)::int;
  mc int := new.machine::int;
  lead int := 0;
begin
  if tg_op = 'UPDATE' then
    -- machine false → true: a human open or click becomes a machine one.
    h := -1;
    mc := 1;
  elsif not new.machine then
    insert into campaign_contacts (campaign_id, contact_id, first_touch_at) values (new.campaign_id, new.contact_id, new.occurred_at) on conflict do nothing;
    get diagnostics lead = row_count;
  end if;
  insert into report_campaign_batch (account_id, campaign_id, subsidiary_id, day, leads, enrolments, delivered, opens, clicks, machine_opens, machine_clicks,
    forms, downloads, visits, fair_scans, handovers)
  values (new.account_id, new.campaign_id, new.subsidiary_id, (new.occurred_at at time zone 'UTC')::date, lead,
    case when new.kind = 'enrolment' then h else 0 end, case when new.kind = 'delivered' then h else 0 end,
    case when new.kind = 'open' then h else 0 end, case when new.kind = 'click' then h else 0 end,
    case when new.kind = 'open' then mc else 0 end, case when new.kind = 'click' then mc else 0 end,
    case when new.kind = 'form' then h else 0 end, case when new.kind = 'download' then h else 0 end,
    case when new.kind = 'visit' then h else 0 end, case when new.kind = 'fair_scan' then h else 0 end,
    case when new.kind = 'handover' then h else 0 end);
  insert into attribution_pending (opportunity_id)
    select o.id from opportunities o where o.contact_id = new.contact_id and o.stage = 'won' and o.closed_on >= new.occurred_at
  on conflict do nothing;
  return null;
end $$;

create function report_fold_event(d report_deltas) returns void language plpgsql as $$
declare
  e events;
  k text;
begin
  select * into e from events where id = d.source_id;
  if e.id is null then return; end if;
  k := case e.type when 'open' then 'open' when 'click' then 'click' when 'form' then 'form' when 'download' then 'download'
    when 'visit' then 'visit' when 'fair_scan' then 'fair_scan' end;
  if k is not null then
    perform report_record_touch(e.account_id, e.contact_id, report_campaign_of_event(e.account_id, e.contact_id, k, e.properties, e.occurred_at),
      e.properties->>'nodeId', e.properties->>'messageId', k, d.machine, e.id, e.occurred_at);
  end if;
  if e.type in ('open', 'click', 'unsubscribe', 'bounce', 'complaint') and e.properties ? 'messageId' then
    perform report_mail_event(e.type, e.properties, d.machine, e.occurred_at, false);
  end if;
end $$;

-- A click burst found later: the earlier clicks were a scanner's. Their touches stop being credited.
create function report_fold_event_flagged(d report_deltas) returns void language plpgsql as $$
declare
  e events;
begin
  select * into e from events where id = d.source_id;
  if e.id is null then return; end if;
  update touches set machine = true where source_id = e.id and not machine;
  if e.type in ('open', 'click') and e.properties ? 'messageId' then
    perform report_mail_event(e.type, e.properties, true, e.occurred_at, true);
  end if;
end $$;

create function report_fold_message(d report_deltas) returns void language plpgsql as $$
declare
  m messages := jsonb_populate_record(null::messages, d.snapshot);
begin
  perform report_record_touch(m.account_id, m.contact_id, m.campaign_id, m.node_id, m.message_id, 'delivered', false, m.id, coalesce(m.sent_at, (d.snapshot->>'written_at')::timestamptz));
  perform report_mail_add(m.account_id, m.campaign_id::text || ':' || m.node_id, m.campaign_id, m.node_id, m.template,
    (select subsidiary_id from contacts where id = m.contact_id), coalesce(m.sent_at, (d.snapshot->>'written_at')::timestamptz), d_sent => 1);
end $$;

create function report_fold_enrolment(d report_deltas) returns void language plpgsql as $$
declare
  n enrolments := jsonb_populate_record(null::enrolments, d.snapshot);
begin
  perform report_record_touch(n.account_id, n.contact_id, n.campaign_id, null, null, 'enrolment', false, n.id, n.started_at);
end $$;

create function report_fold_handover(d report_deltas) returns void language plpgsql as $$
declare
  h handovers := jsonb_populate_record(null::handovers, d.snapshot);
  camp uuid := h.campaign_id;
begin
  if camp is null and h.event_id is not null then
    select campaign_id into camp from touches where source_id = h.event_id limit 1;
  end if;
  perform report_record_touch(h.account_id, h.contact_id, camp, null, null, 'handover', false, h.id, h.created_at);
end $$;

-- A goal reached: a conversion of the last mail the enrolment was sent before it.
create function report_fold_conversion(d report_deltas) returns void language plpgsql as $$
declare
  c conversions := jsonb_populate_record(null::conversions, d.snapshot);
  m record;
begin
  select ms.account_id, ms.campaign_id, ms.node_id, ms.template, k.subsidiary_id into m from messages ms join contacts k on k.id = ms.contact_id
  where ms.enrolment_id = c.enrolment_id and ms.status = 'sent' and coalesce(ms.sent_at, ms.created_at) <= c.converted_at
  order by coalesce(ms.sent_at, ms.created_at) desc limit 1;
  if m is not null then
    perform report_mail_add(m.account_id, m.campaign_id::text || ':' || m.node_id, m.campaign_id, m.node_id, m.template, m.subsidiary_id, c.converted_at, d_conversions => 1);
  end if;
end $$;

-- Lifecycle changes into the funnel: once per contact, qualification and stage. The contact's latest
-- handover is the one the trigger saw when the change was written (d.snapshot->'handover').
create function report_fold_lifecycle(d report_deltas) returns void language plpgsql as $$
declare
  lc lifecycle_changes := jsonb_populate_record(null::lifecycle_changes, d.snapshot);
  h handovers := jsonb_populate_record(null::handovers, d.snapshot->'handover');
  st text := lc.stage;
  q int := 0;
  camp uuid;
  f record;
  sub uuid;
  already timestamptz;
begin
  if st = 'nurture' then
    if h.id is null or h.status <> 'rejected' then return; end if;
    st := 'rejected';
  end if;
  if st not in ('mql', 'sal', 'rejected', 'sql', 'opportunity', 'won', 'lost') then return; end if;
  if h.id is not null then q := h.qualification; camp := h.campaign_id; end if;
  select * into f from funnel_entries where contact_id = lc.contact_id and qualification = q for update;
  if f is null then
    if camp is null and h.id is not null and h.event_id is not null then
      select campaign_id into camp from touches where source_id = h.event_id limit 1;
    end if;
    if camp is null then
      select campaign_id into camp from touches where contact_id = lc.contact_id and not machine and occurred_at <= lc.changed_at order by occurred_at desc limit 1;
    end if;
    select subsidiary_id into sub from contacts where id = lc.contact_id;
    insert into funnel_entries (contact_id, qualification, account_id, subsidiary_id, campaign_id) values (lc.contact_id, q, lc.account_id, sub, camp)
    returning * into f;
  end if;
  already := case st when 'mql' then f.mql_at when 'sal' then f.sal_at when 'rejected' then f.rejected_at when 'sql' then f.sql_at
    when 'opportunity' then f.opportunity_at when 'won' then f.won_at when 'lost' then f.lost_at end;
  if already is not null then return; end if;
  update funnel_entries set
    mql_at = case when st = 'mql' then lc.changed_at else mql_at end,
    sal_at = case when st = 'sal' then lc.changed_at else sal_at end,
    rejected_at = case when st = 'rejected' then lc.changed_at else rejected_at end,
    sql_at = case when st = 'sql' then lc.changed_at else sql_at end,
    opportunity_at = case when st = 'opportunity' then lc.changed_at else opportunity_at end,
    won_at = case when st = 'won' then lc.changed_at else won_at end,
    lost_at = case when st = 'lost' then lc.changed_at else lost_at end,
    first_touch_at = case when st = 'won' then (select min(occurred_at) from touches where contact_id = lc.contact_id and not machine) else first_touch_at end
  where contact_id = lc.contact_id and qualification = q;
  insert into funnel_day_stats as s (account_id, campaign_id, subsidiary_id, day, stage, contacts)
  values (lc.account_id, coalesce(f.campaign_id, report_nil()), f.subsidiary_id, (lc.changed_at at time zone 'UTC')::date, st, 1)
  on conflict (campaign_id, subsidiary_id, day, stage) do update set contacts = s.contacts + 1;
end $$;

create function report_fold_delta(d report_deltas) returns void language plpgsql as $$
begin
  case d.fact
    when 'event' then perform report_fold_event(d);
    when 'event_flagged' then perform report_fold_event_flagged(d);
    when 'message_sent' then perform report_fold_message(d);
    when 'enrolment' then perform report_fold_enrolment(d);
    when 'handover' then perform report_fold_handover(d);
    when 'lifecycle' then perform report_fold_lifecycle(d);
    when 'conversion' then perform report_fold_conversion(d);
  end case;
end $$;

-- Folds up to max_rows deltas in id order and deletes exactly those (a delta committed meanwhile with a
-- lower id waits for the next fold). One folder at a time (advisory lock): facts that depend on earlier
-- ones (a handover on its event's touch, a visit on the click before it) must be folded in order.
-- Answers how many were folded, or -1 when another folder holds the lock.
create function report_fold(max_rows int) returns int language plpgsql as $$
declare
  d report_deltas;
  done bigint[] := '{}';
begin
  if not pg_try_advisory_xact_lock(727311) then return -1; end if;
  perform report_fold_batches();
  for d in select * from report_deltas order by id limit max_rows loop
    perform report_fold_delta(d);
    done := done || d.id;
  end loop;
  perform report_fold_flush();
  delete from report_deltas where id = any(done);
  return coalesce(array_length(done, 1), 0);
end $$;

-- One delta alone (after a batch failed): folded, flushed and deleted, or an error for the caller to record.
create function report_fold_one(delta_id bigint) returns void language plpgsql as $$
declare
  d report_deltas;
begin
  select * into d from report_deltas where id = delta_id;
  if d.id is null then return; end if;
  perform report_fold_batches();
  perform report_fold_delta(d);
  perform report_fold_flush();
  delete from report_deltas where id = delta_id;
end $$;

-- The writers' triggers: one insert each. (The functions keep 015_b's names, so every trigger on the
-- facts' tables now writes a delta.)
create or replace function report_on_event() returns trigger language plpgsql as $$
begin
  insert into report_deltas (fact, source_id, machine) values ('event', new.id, new.suspected_machine);
  return null;
end $$;
drop trigger report_on_event on events;
create trigger report_on_event after insert on events for each row
  when (new.type in ('open', 'click', 'form', 'download', 'visit', 'fair_scan', 'unsubscribe', 'bounce', 'complaint'))
  execute function report_on_event();

create or replace function report_on_event_flagged() returns trigger language plpgsql as $$
begin
  insert into report_deltas (fact, source_id, machine) values ('event_flagged', new.id, true);
  return null;
end $$;

-- A message whose status becomes "sent" (its sent_at or, missing it, the time it was written).
create or replace function report_on_message() returns trigger language plpgsql as $$
begin
  if new.status = 'sent' and (tg_op = 'INSERT' or old.status is distinct from 'sent') then
    insert into report_deltas (fact, snapshot) values ('message_sent', to_jsonb(new) || jsonb_build_object('written_at', now()));
  end if;
  return null;
end $$;

create or replace function report_on_enrolment() returns trigger language plpgsql as $$
begin
  insert into report_deltas (fact, snapshot) values ('enrolment', to_jsonb(new));
  return null;
end $$;

create or replace function report_on_handover() returns trigger language plpgsql as $$
begin
  insert into report_deltas (fact, snapshot) values ('handover', to_jsonb(new));
  return null;
end $$;

create or replace function report_on_conversion() returns trigger language plpgsql as $$
begin
  insert into report_deltas (fact, snapshot) values ('conversion', to_jsonb(new));
  return null;
end $$;

create or replace function report_on_lifecycle() returns trigger language plpgsql as $$
begin
  if new.stage not in ('mql', 'sal', 'nurture', 'sql', 'opportunity', 'won', 'lost') then return null; end if;
  insert into report_deltas (fact, snapshot) values ('lifecycle', to_jsonb(new) || jsonb_build_object('handover',
    (select to_jsonb(h) from handovers h where h.contact_id = new.contact_id order by h.qualification desc limit 1)));
  return null;
end $$;
