-- Why triggers: touches and the dashboards' aggregates must move with the facts they come from, in the same
-- transaction, or a crash between the two would lose a touch or count one twice. The facts are written in
-- many places owned by other modules (the events API, tracking, forms, the send activity, enrolment, the
-- handover, sales decisions); a trigger on each table sees every writer, present and future, without
-- editing them. Every trigger here is idempotent by key (touches (source_id, kind), campaign_contacts,
-- funnel stage times set once), so a replayed write changes nothing.

create function report_nil() returns uuid language sql immutable as $$ select '00000000-0000-0000-0000-000000000000'::uuid $$;

create function report_cents(amount numeric) returns bigint language sql immutable as $$ select round(coalesce(amount, 0) * 100)::bigint $$;

-- Production cost of an opportunity: its own figure, else its products' cost ratios (averaged) × the net amount.
create function report_production_cost(acc uuid, amount numeric, production numeric, products jsonb) returns numeric language sql stable as $$
  select coalesce(production, (
    select avg(pc.cost_ratio) * amount from product_costs pc
    where pc.account_id = acc and pc.product in (select jsonb_array_elements_text(coalesce(products, '[]'::jsonb)))))
$$;

-- The campaign an event is credited to: the campaign its mail named (opens, clicks, downloads), else the UTM
-- campaign of its URL or properties (matched to a campaign's id, name or slugged name), else for a visit,
-- form or download half an hour after a human click in a campaign's mail, that campaign (tracked-link origin).
create function report_campaign_of_event(acc uuid, con uuid, kind text, p jsonb, at timestamptz) returns uuid language plpgsql stable as $$
declare
  c uuid;
  v text;
begin
  v := p->>'campaignId';
  if v ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    select id into c from campaigns where id = v::uuid and account_id = acc;
    if c is not null then return c; end if;
  end if;
  v := coalesce(p->>'utm_campaign', p->>'utmCampaign', substring(p->>'url' from '[?&]utm_campaign=([^&#]+)'));
  if v is not null then
    v := lower(replace(replace(v, '+', ' '), '%20', ' '));
    select id into c from campaigns
    where account_id = acc and (id::text = v or lower(name) = v or trim(both '-' from regexp_replace(lower(name), '[^a-z0-9]+', '-', 'g')) = v)
    order by created_at limit 1;
    if c is not null then return c; end if;
  end if;
  if kind in ('visit', 'form', 'download') then
    select t.campaign_id into c from touches t
    where t.contact_id = con and t.kind = 'click' and not t.machine and t.occurred_at between at - interval '30 minutes' and at
    order by t.occurred_at desc limit 1;
  end if;
  return c;
end $$;

create function report_record_touch(acc uuid, con uuid, camp uuid, node text, msg text, k text, machine boolean, src uuid, at timestamptz) returns void language plpgsql as $$
declare
  sub uuid;
begin
  if camp is null then return; end if;
  select subsidiary_id into sub from contacts where id = con;
  insert into touches (account_id, contact_id, subsidiary_id, campaign_id, node_id, message_id, kind, machine, source_id, occurred_at)
  values (acc, con, sub, camp, node, msg, k, machine, src, at)
  on conflict (source_id, kind) do nothing;
end $$;

-- One upsert for every mail statistic; callers name the figures they change.
create function report_mail_add(acc uuid, mk text, camp uuid, node text, tmpl text, sub uuid, hr timestamptz,
  d_sent int default 0, d_hard int default 0, d_soft int default 0, d_opens int default 0, d_unique_opens int default 0,
  d_machine_opens int default 0, d_clicks int default 0, d_unique_clicks int default 0, d_machine_clicks int default 0,
  d_unsubscribes int default 0, d_complaints int default 0, d_conversions int default 0) returns void language sql as $$
  insert into mail_stats_hourly as s (account_id, mail_key, campaign_id, node_id, template, subsidiary_id, hour, sent, hard_bounces, soft_bounces, opens, unique_opens, machine_opens, clicks, unique_clicks, machine_clicks, unsubscribes, complaints, conversions)
  values (acc, mk, camp, node, tmpl, sub, date_trunc('hour', hr), d_sent, d_hard, d_soft, d_opens, d_unique_opens, d_machine_opens, d_clicks, d_unique_clicks,
    d_machine_clicks, d_unsubscribes, d_complaints, d_conversions)
  on conflict (mail_key, template, subsidiary_id, hour) do update set sent = s.sent + excluded.sent, hard_bounces = s.hard_bounces + excluded.hard_bounces, soft_bounces = s.soft_bounces + excluded.soft_bounces, opens = s.opens + excluded.opens, unique_opens = s.unique_opens + excluded.unique_opens, machine_opens = s.machine_opens + excluded.machine_opens, clicks = s.clicks + excluded.clicks, unique_clicks = s.unique_clicks + excluded.unique_clicks, machine_clicks = s.machine_clicks + excluded.machine_clicks, unsubscribes = s.unsubscribes + excluded.unsubscribes, complaints = s.complaints + excluded.complaints, conversions = s.conversions + excluded.conversions;
  insert into mail_stats_daily as s (account_id, mail_key, campaign_id, node_id, template, subsidiary_id, day, sent, hard_bounces, soft_bounces, opens, unique_opens, machine_opens, clicks, unique_clicks, machine_clicks, unsubscribes, complaints, conversions)
  values (acc, mk, camp, node, tmpl, sub, (hr at time zone 'UTC')::date, d_sent, d_hard, d_soft, d_opens, d_unique_opens, d_machine_opens, d_clicks, d_unique_clicks,
    d_machine_clicks, d_unsubscribes, d_complaints, d_conversions)
  on conflict (mail_key, template, subsidiary_id, day) do update set sent = s.sent + excluded.sent, hard_bounces = s.hard_bounces + excluded.hard_bounces, soft_bounces = s.soft_bounces + excluded.soft_bounces, opens = s.opens + excluded.opens, unique_opens = s.unique_opens + excluded.unique_opens, machine_opens = s.machine_opens + excluded.machine_opens, clicks = s.clicks + excluded.clicks, unique_clicks = s.unique_clicks + excluded.unique_clicks, machine_clicks = s.machine_clicks + excluded.machine_clicks, unsubscribes = s.unsubscribes + excluded.unsubscribes, complaints = s.complaints + excluded.complaints, conversions = s.conversions + excluded.conversions
$$;

-- An open, click, unsubscribe, bounce or complaint of a sent mail, into its mail statistics. sign -1 with a
-- machine flag found later moves a human open or click over to the machine figures.
create function report_mail_event(typ text, p jsonb, machine boolean, at timestamptz, flagged_later boolean) returns void language plpgsql as $$
declare
  m record;
  mk text;
  n int;
  ln int;
  link_url text := coalesce(p->>'url', '');
  mid text := p->>'messageId';
begin
  select ms.account_id, ms.campaign_id, ms.node_id, ms.template, c.subsidiary_id into m from messages ms join contacts c on c.id = ms.contact_id where ms.message_id = mid;
  if m is null then return; end if;
  mk := m.campaign_id::text || ':' || m.node_id;
  if typ = 'open' then
    if flagged_later then
      update mail_message_marks set human_opens = human_opens - 1 where message_id = mid returning human_opens into n;
      perform report_mail_add(m.account_id, mk, m.campaign_id, m.node_id, m.template, m.subsidiary_id, at, d_opens => -1, d_unique_opens => -coalesce((n = 0)::int, 0), d_machine_opens => 1);
    elsif machine then
      perform report_mail_add(m.account_id, mk, m.campaign_id, m.node_id, m.template, m.subsidiary_id, at, d_machine_opens => 1);
    else
      insert into mail_message_marks as k (message_id, human_opens) values (mid, 1)
      on conflict (message_id) do update set human_opens = k.human_opens + 1 returning human_opens into n;
      perform report_mail_add(m.account_id, mk, m.campaign_id, m.node_id, m.template, m.subsidiary_id, at, d_opens => 1, d_unique_opens => (n = 1)::int);
    end if;
  elsif typ = 'click' then
    if flagged_later then
      update mail_message_marks set human_clicks = human_clicks - 1 where message_id = mid returning human_clicks into n;
      update mail_link_marks set human_clicks = human_clicks - 1 where message_id = mid and mail_link_marks.url = link_url returning human_clicks into ln;
      perform report_mail_add(m.account_id, mk, m.campaign_id, m.node_id, m.template, m.subsidiary_id, at, d_clicks => -1, d_unique_clicks => -coalesce((n = 0)::int, 0), d_machine_clicks => 1);
      update mail_link_clicks set clicks = clicks - 1, unique_clicks = unique_clicks - coalesce((ln = 0)::int, 0), machine_clicks = machine_clicks + 1
      where mail_key = mk and template = m.template and mail_link_clicks.url = link_url;
    elsif machine then
      perform report_mail_add(m.account_id, mk, m.campaign_id, m.node_id, m.template, m.subsidiary_id, at, d_machine_clicks => 1);
      insert into mail_link_clicks as l (account_id, mail_key, template, url, machine_clicks) values (m.account_id, mk, m.template, link_url, 1)
      on conflict (mail_key, template, url) do update set machine_clicks = l.machine_clicks + 1;
    else
      insert into mail_message_marks as k (message_id, human_clicks) values (mid, 1)
      on conflict (message_id) do update set human_clicks = k.human_clicks + 1 returning human_clicks into n;
      insert into mail_link_marks as k (message_id, url, human_clicks) values (mid, link_url, 1)
      on conflict (message_id, url) do update set human_clicks = k.human_clicks + 1 returning human_clicks into ln;
      perform report_mail_add(m.account_id, mk, m.campaign_id, m.node_id, m.template, m.subsidiary_id, at, d_clicks => 1, d_unique_clicks => (n = 1)::int);
      insert into mail_link_clicks as l (account_id, mail_key, template, url, clicks, unique_clicks) values (m.account_id, mk, m.template, link_url, 1, (ln = 1)::int)
      on conflict (mail_key, template, url) do update set clicks = l.clicks + 1, unique_clicks = l.unique_clicks + excluded.unique_clicks;
    end if;
  elsif typ = 'unsubscribe' then
    perform report_mail_add(m.account_id, mk, m.campaign_id, m.node_id, m.template, m.subsidiary_id, at, d_unsubscribes => 1);
  elsif typ = 'bounce' then
    if coalesce(p->>'bounceType', p->>'bounce', 'hard') = 'soft' then
      perform report_mail_add(m.account_id, mk, m.campaign_id, m.node_id, m.template, m.subsidiary_id, at, d_soft => 1);
    else
      perform report_mail_add(m.account_id, mk, m.campaign_id, m.node_id, m.template, m.subsidiary_id, at, d_hard => 1);
    end if;
  elsif typ = 'complaint' then
    perform report_mail_add(m.account_id, mk, m.campaign_id, m.node_id, m.template, m.subsidiary_id, at, d_complaints => 1);
  end if;
end $$;

create function report_on_event() returns trigger language plpgsql as $$
declare
  k text;
begin
  k := case new.type when 'open' then 'open' when 'click' then 'click' when 'form' then 'form' when 'download' then 'download'
    when 'visit' then 'visit' when 'fair_scan' then 'fair_scan' end;
  if k is not null then
    perform report_record_touch(new.account_id, new.contact_id, report_campaign_of_event(new.account_id, new.contact_id, k, new.properties, new.occurred_at),
      new.properties->>'nodeId', new.properties->>'messageId', k, new.suspected_machine, new.id, new.occurred_at);
  end if;
  if new.type in ('open', 'click', 'unsubscribe', 'bounce', 'complaint') and new.properties ? 'messageId' then
    perform report_mail_event(new.type, new.properties, new.suspected_machine, new.occurred_at, false);
  end if;
  return null;
end $$;
create trigger report_on_event after insert on events for each row execute function report_on_event();

-- A click burst found later: the earlier clicks were a scanner's. Their touches stop being credited.
create function report_on_event_flagged() returns trigger language plpgsql as $$
begin
  update touches set machine = true where source_id = new.id and not machine;
  if new.type in ('open', 'click') and new.properties ? 'messageId' then
    perform report_mail_event(new.type, new.properties, true, new.occurred_at, true);
  end if;
  return null;
end $$;
create trigger report_on_event_flagged after update of suspected_machine on events
  for each row when (new.suspected_machine and not old.suspected_machine) execute function report_on_event_flagged();

create function report_on_message() returns trigger language plpgsql as $$
begin
  if new.status = 'sent' and (tg_op = 'INSERT' or old.status is distinct from 'sent') then
    perform report_record_touch(new.account_id, new.contact_id, new.campaign_id, new.node_id, new.message_id, 'delivered', false, new.id, coalesce(new.sent_at, now()));
    perform report_mail_add(new.account_id, new.campaign_id::text || ':' || new.node_id, new.campaign_id, new.node_id, new.template,
      (select subsidiary_id from contacts where id = new.contact_id), coalesce(new.sent_at, now()), d_sent => 1);
  end if;
  return null;
end $$;
create trigger report_on_message after insert or update of status on messages for each row execute function report_on_message();

create function report_on_enrolment() returns trigger language plpgsql as $$
begin
  perform report_record_touch(new.account_id, new.contact_id, new.campaign_id, null, null, 'enrolment', false, new.id, new.started_at);
  return null;
end $$;
create trigger report_on_enrolment after insert on enrolments for each row execute function report_on_enrolment();

create function report_on_handover() returns trigger language plpgsql as $$
declare
  camp uuid := new.campaign_id;
begin
  if camp is null and new.event_id is not null then
    select campaign_id into camp from touches where source_id = new.event_id limit 1;
  end if;
  perform report_record_touch(new.account_id, new.contact_id, camp, null, null, 'handover', false, new.id, new.created_at);
  return null;
end $$;
create trigger report_on_handover after insert on handovers for each row execute function report_on_handover();

-- A goal reached: a conversion of the last mail the enrolment was sent before it.
create function report_on_conversion() returns trigger language plpgsql as $$
declare
  m record;
begin
  select ms.account_id, ms.campaign_id, ms.node_id, ms.template, c.subsidiary_id into m from messages ms join contacts c on c.id = ms.contact_id
  where ms.enrolment_id = new.enrolment_id and ms.status = 'sent' and coalesce(ms.sent_at, ms.created_at) <= new.converted_at
  order by coalesce(ms.sent_at, ms.created_at) desc limit 1;
  if m is not null then
    perform report_mail_add(m.account_id, m.campaign_id::text || ':' || m.node_id, m.campaign_id, m.node_id, m.template, m.subsidiary_id, new.converted_at, d_conversions => 1);
  end if;
  return null;
end $$;
create trigger report_on_conversion after insert on conversions for each row execute function report_on_conversion();

-- Touches into the per-campaign day figures and leads; a touch before a won deal's close re-queues its attribution.
create function report_on_touch() returns trigger language plpgsql as $$
declare
  h int := (not new.machine)::int;
  mc int := new.machine::int;
  lead int := 0;
  sign int := 1;
begin
  if tg_op = 'UPDATE' then
    -- machine false → true: a human open or click becomes a machine one.
    h := -1;
    mc := 1;
  elsif not new.machine then
    insert into campaign_contacts (campaign_id, contact_id, first_touch_at) values (new.campaign_id, new.contact_id, new.occurred_at) on conflict do nothing;
    get diagnostics lead = row_count;
  end if;
  insert into campaign_day_stats as s (account_id, campaign_id, subsidiary_id, day, leads, enrolments, delivered, opens, clicks, machine_opens, machine_clicks,
    forms, downloads, visits, fair_scans, handovers)
  values (new.account_id, new.campaign_id, new.subsidiary_id, (new.occurred_at at time zone 'UTC')::date, lead,
    case when new.kind = 'enrolment' then h else 0 end, case when new.kind = 'delivered' then h else 0 end,
    case when new.kind = 'open' then h else 0 end, case when new.kind = 'click' then h else 0 end,
    case when new.kind = 'open' then mc else 0 end, case when new.kind = 'click' then mc else 0 end,
    case when new.kind = 'form' then h else 0 end, case when new.kind = 'download' then h else 0 end,
    case when new.kind = 'visit' then h else 0 end, case when new.kind = 'fair_scan' then h else 0 end,
    case when new.kind = 'handover' then h else 0 end)
  on conflict (campaign_id, subsidiary_id, day) do update set
    leads = s.leads + excluded.leads, enrolments = s.enrolments + excluded.enrolments, delivered = s.delivered + excluded.delivered,
    opens = s.opens + excluded.opens, clicks = s.clicks + excluded.clicks, machine_opens = s.machine_opens + excluded.machine_opens,
    machine_clicks = s.machine_clicks + excluded.machine_clicks, forms = s.forms + excluded.forms, downloads = s.downloads + excluded.downloads,
    visits = s.visits + excluded.visits, fair_scans = s.fair_scans + excluded.fair_scans, handovers = s.handovers + excluded.handovers;
  insert into attribution_pending (opportunity_id)
    select o.id from opportunities o where o.contact_id = new.contact_id and o.stage = 'won' and o.closed_on >= new.occurred_at
  on conflict do nothing;
  return null;
end $$;
create trigger report_on_touch after insert on touches for each row execute function report_on_touch();
create trigger report_on_touch_flagged after update of machine on touches
  for each row when (new.machine and not old.machine) execute function report_on_touch();

-- The log stays append-only: nothing but the machine flag may change, and nothing is deleted.
create function report_touch_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then raise exception 'touches are append-only'; end if;
  if (to_jsonb(new) - 'machine') <> (to_jsonb(old) - 'machine') or (old.machine and not new.machine) then
    raise exception 'touches are append-only; only a human touch may be found to be a machine''s';
  end if;
  return new;
end $$;
create trigger touches_append_only before update or delete on touches for each row execute function report_touch_append_only();

-- Lifecycle changes into the funnel: once per contact, qualification and stage.
create function report_on_lifecycle() returns trigger language plpgsql as $$
declare
  st text := new.stage;
  h record;
  q int := 0;
  camp uuid;
  f record;
  sub uuid;
  already timestamptz;
begin
  select qualification, campaign_id, event_id, status into h from handovers where contact_id = new.contact_id order by qualification desc limit 1;
  if st = 'nurture' then
    if h is null or h.status <> 'rejected' then return null; end if;
    st := 'rejected';
  end if;
  if st not in ('mql', 'sal', 'rejected', 'sql', 'opportunity', 'won', 'lost') then return null; end if;
  if h is not null then q := h.qualification; camp := h.campaign_id; end if;
  select * into f from funnel_entries where contact_id = new.contact_id and qualification = q for update;
  if f is null then
    if camp is null and h is not null and h.event_id is not null then
      select campaign_id into camp from touches where source_id = h.event_id limit 1;
    end if;
    if camp is null then
      select campaign_id into camp from touches where contact_id = new.contact_id and not machine and occurred_at <= new.changed_at order by occurred_at desc limit 1;
    end if;
    select subsidiary_id into sub from contacts where id = new.contact_id;
    insert into funnel_entries (contact_id, qualification, account_id, subsidiary_id, campaign_id) values (new.contact_id, q, new.account_id, sub, camp)
    returning * into f;
  end if;
  already := case st when 'mql' then f.mql_at when 'sal' then f.sal_at when 'rejected' then f.rejected_at when 'sql' then f.sql_at
    when 'opportunity' then f.opportunity_at when 'won' then f.won_at when 'lost' then f.lost_at end;
  if already is not null then return null; end if;
  update funnel_entries set
    mql_at = case when st = 'mql' then new.changed_at else mql_at end,
    sal_at = case when st = 'sal' then new.changed_at else sal_at end,
    rejected_at = case when st = 'rejected' then new.changed_at else rejected_at end,
    sql_at = case when st = 'sql' then new.changed_at else sql_at end,
    opportunity_at = case when st = 'opportunity' then new.changed_at else opportunity_at end,
    won_at = case when st = 'won' then new.changed_at else won_at end,
    lost_at = case when st = 'lost' then new.changed_at else lost_at end,
    first_touch_at = case when st = 'won' then (select min(occurred_at) from touches where contact_id = new.contact_id and not machine) else first_touch_at end
  where contact_id = new.contact_id and qualification = q;
  insert into funnel_day_stats as s (account_id, campaign_id, subsidiary_id, day, stage, contacts)
  values (new.account_id, coalesce(f.campaign_id, report_nil()), f.subsidiary_id, (new.changed_at at time zone 'UTC')::date, st, 1)
  on conflict (campaign_id, subsidiary_id, day, stage) do update set contacts = s.contacts + 1;
  return null;
end $$;
create trigger report_on_lifecycle after insert on lifecycle_changes for each row execute function report_on_lifecycle();

-- Won revenue per subsidiary and day, and the deal's attribution queued whenever it may have changed.
create function report_revenue_add(o opportunities, sign int) returns void language plpgsql as $$
declare
  production numeric := report_production_cost(o.account_id, o.amount_net, o.production_cost, o.products);
begin
  insert into revenue_day_stats as s (account_id, subsidiary_id, day, won, revenue_cents, production_cents, production_unknown)
  values (o.account_id, o.subsidiary_id, (o.closed_on at time zone 'UTC')::date, sign, sign * report_cents(o.amount_net), sign * report_cents(production),
    sign * (production is null)::int)
  on conflict (subsidiary_id, day) do update set won = s.won + excluded.won, revenue_cents = s.revenue_cents + excluded.revenue_cents,
    production_cents = s.production_cents + excluded.production_cents, production_unknown = s.production_unknown + excluded.production_unknown;
end $$;

create function report_on_opportunity() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') and old.stage = 'won' then perform report_revenue_add(old, -1); end if;
  if tg_op in ('INSERT', 'UPDATE') and new.stage = 'won' then perform report_revenue_add(new, 1); end if;
  if tg_op = 'DELETE' then
    update attribution_day_stats d set revenue_cents = d.revenue_cents - c.revenue_cents, production_cents = d.production_cents - c.production_cents, won = d.won - c.share
    from attribution_credits c
    where c.opportunity_id = old.id and d.model = c.model and d.campaign_id = c.campaign_id and d.subsidiary_id = c.subsidiary_id and d.day = c.day;
    return old;
  end if;
  if new.stage = 'won' or (tg_op = 'UPDATE' and old.stage = 'won') then
    insert into attribution_pending (opportunity_id) values (new.id) on conflict do nothing;
  end if;
  return null;
end $$;
create trigger report_on_opportunity after insert or update on opportunities for each row execute function report_on_opportunity();
create trigger report_on_opportunity_deleted before delete on opportunities for each row execute function report_on_opportunity();
