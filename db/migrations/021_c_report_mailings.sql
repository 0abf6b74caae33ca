-- Mailings (issue 15) in the reports: a mailing is credited beside the campaigns. Its touches (delivered,
-- human open, human click) carry the mailing's id where a campaign's carry the campaign's, so the touch log,
-- leads, the funnel's last-touch credit and every attribution model treat it as one more credit target; the
-- Reports view names it from the mailings table (api/reports.ts). Its mail statistics are keyed by its
-- template "mailing:<id>" (019 did that for report_mail_add; here the click map and the fold's batch too).

create or replace function report_campaign_of_event(acc uuid, con uuid, kind text, p jsonb, at timestamptz) returns uuid language plpgsql stable as $$
declare
  c uuid;
  v text;
begin
  v := p->>'campaignId';
  if v ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    select id into c from campaigns where id = v::uuid and account_id = acc;
    if c is not null then return c; end if;
  end if;
  -- A mailing's open or click (issue 15) is credited to the mailing, beside the campaigns.
  v := p->>'mailingId';
  if v ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    select id into c from mailings where id = v::uuid and account_id = acc;
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

-- An open, click, unsubscribe, bounce or complaint of a sent mail, into its mail statistics. sign -1 with a
-- machine flag found later moves a human open or click over to the machine figures.
create or replace function report_mail_event(typ text, p jsonb, machine boolean, at timestamptz, flagged_later boolean) returns void language plpgsql as $$
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
  -- A mailing's mail (issue 15) has no campaign step: its template ("mailing:<id>") names it.
  mk := coalesce(m.campaign_id::text || ':' || m.node_id, m.template);
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

-- Into the fold's batch (021_a), keyed as 019 keys a mailing's mail: by its template when it has no step.
create or replace function report_mail_add(acc uuid, mk text, camp uuid, node text, tmpl text, sub uuid, hr timestamptz,
  d_sent int default 0, d_hard int default 0, d_soft int default 0, d_opens int default 0, d_unique_opens int default 0,
  d_machine_opens int default 0, d_clicks int default 0, d_unique_clicks int default 0, d_machine_clicks int default 0,
  d_unsubscribes int default 0, d_complaints int default 0, d_conversions int default 0) returns void language plpgsql as $$
begin
  insert into report_mail_batch (account_id, mail_key, campaign_id, node_id, template, subsidiary_id, hour, sent, hard_bounces, soft_bounces, opens, unique_opens, machine_opens, clicks, unique_clicks, machine_clicks, unsubscribes, complaints, conversions)
  values (acc, coalesce(mk, tmpl), camp, node, tmpl, sub, date_trunc('hour', hr), d_sent, d_hard, d_soft, d_opens, d_unique_opens, d_machine_opens, d_clicks, d_unique_clicks,
    d_machine_clicks, d_unsubscribes, d_complaints, d_conversions);
end $$;

-- A sent mail: a campaign step's, or a mailing's (credited to the mailing).
create or replace function report_fold_message(d report_deltas) returns void language plpgsql as $$
declare
  m messages := jsonb_populate_record(null::messages, d.snapshot);
begin
  perform report_record_touch(m.account_id, m.contact_id, coalesce(m.campaign_id, m.mailing_id), m.node_id, m.message_id, 'delivered', false, m.id,
    coalesce(m.sent_at, (d.snapshot->>'written_at')::timestamptz));
  perform report_mail_add(m.account_id, m.campaign_id::text || ':' || m.node_id, m.campaign_id, m.node_id, m.template,
    (select subsidiary_id from contacts where id = m.contact_id), coalesce(m.sent_at, (d.snapshot->>'written_at')::timestamptz), d_sent => 1);
end $$;
