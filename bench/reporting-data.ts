import type { Sql } from 'postgres'

// The reporting benchmark's data, generated inside Postgres (generate_series; nothing crosses the wire):
// contacts, a touch log of `touches` rows, `deals` opportunities, and the aggregates built from them in
// bulk, as the triggers would have built them one row at a time. Ids are md5-derived from the row number,
// so touches and deals can name contacts without a lookup.

export interface ReportingScale {
  contacts: number
  touches: number
  deals: number
  campaigns: number
}

const id = (prefix: string, n: string) => `md5('${prefix}' || ${n})::uuid`

export async function generateReportingData(sql: Sql, scale: ReportingScale, log: (message: string) => void): Promise<{ accountId: string; campaignId: string }> {
  const step = async (label: string, statement: string) => {
    const began = Date.now()
    await sql.unsafe(statement)
    log(`reporting: ${label} (${((Date.now() - began) / 1000).toFixed(1)} s)`)
  }
  const [account] = await sql<{ id: string }[]>`insert into accounts (slug, name) values ('bench-reporting', 'Bench Reporting') returning id`
  const acc = account!.id
  const subs = await sql<{ id: string }[]>`
    insert into subsidiaries (account_id, code, name, locale, is_headquarters, sender_name, sender_email)
    select ${acc}, code, 'Bench ' || code, lower(code), code = 'DE', 'Bench', 'bench@example.com' from unnest(array['DE', 'FR', 'IT', 'ES']) code
    returning id`
  const subArray = `array[${subs.map((s) => `'${s.id}'::uuid`).join(', ')}]`
  const { contacts: N, touches: T, deals: D, campaigns: C } = scale
  // The triggers would do this work row by row; the bulk statements below do it in one pass each.
  await sql.unsafe('alter table touches disable trigger user; alter table opportunities disable trigger user')
  await sql.unsafe(`set maintenance_work_mem = '256MB'; set work_mem = '64MB'; set synchronous_commit = off`)
  await step(`${C} campaigns`, `
    insert into campaigns (id, account_id, name, kind, draft_graph, status, created_at)
    select ${id('camp', 'i')}, '${acc}', 'Campaign ' || lpad(i::text, 3, '0'), 'nurture', '{"nodes":[],"edges":[]}', 'live', now() - interval '400 days'
    from generate_series(0, ${C - 1}) i`)
  await step(`${N} contacts`, `
    insert into contacts (id, account_id, subsidiary_id, email, first_name, last_name, company, created_at)
    select ${id('c', 'i')}, '${acc}', (${subArray})[1 + i % 4], 'c' || i || '@bench.example', 'First' || i, 'Last' || i, 'Company ' || (i % 5000), now() - (i % 400) * interval '1 day'
    from generate_series(0, ${N - 1}) i`)
  // Indexes are built once after the load (faster than row by row); the constraint comes back with them.
  await sql.unsafe('alter table touches drop constraint touches_source_id_kind_key; drop index touches_contact')
  // Each contact is touched in rounds (t / N); each campaign reaches a contact over several rounds.
  await step(`${T} touches`, `
    insert into touches (account_id, contact_id, subsidiary_id, campaign_id, node_id, message_id, kind, machine, source_id, occurred_at)
    select '${acc}', ${id('c', 'c')}, (${subArray})[1 + c % 4], ${id('camp', `((c + (r % 3) * 7) % ${C})`)},
      case when k in (1, 2, 3) then 'mail-' || (r % 4) end, case when k in (1, 2, 3) then 'm' || c || '-' || r end,
      (array['enrolment', 'delivered', 'open', 'click', 'visit', 'form', 'download', 'fair_scan', 'delivered', 'open'])[1 + k],
      k in (2, 3) and t % 7 = 0, ${id('t', 't')}, now() - ((t * 7919) % (365 * 24 * 60)) * interval '1 minute'
    from (select t, t % ${N} as c, t / ${N} as r, (t / ${N} + t % 3) % 10 as k from generate_series(0::bigint, ${T - 1}) t) g`)
  await step('touch indexes', 'alter table touches add constraint touches_source_id_kind_key unique (source_id, kind); create index touches_contact on touches (contact_id, occurred_at)')
  await sql.unsafe('alter table touches enable trigger user')
  await step('campaign day figures', `
    insert into campaign_day_stats (account_id, campaign_id, subsidiary_id, day, enrolments, delivered, opens, clicks, machine_opens, machine_clicks, forms, downloads, visits, fair_scans, handovers)
    select account_id, campaign_id, subsidiary_id, (occurred_at at time zone 'UTC')::date,
      count(*) filter (where kind = 'enrolment'), count(*) filter (where kind = 'delivered'), count(*) filter (where kind = 'open' and not machine),
      count(*) filter (where kind = 'click' and not machine), count(*) filter (where kind = 'open' and machine), count(*) filter (where kind = 'click' and machine),
      count(*) filter (where kind = 'form'), count(*) filter (where kind = 'download'), count(*) filter (where kind = 'visit'), count(*) filter (where kind = 'fair_scan'),
      count(*) filter (where kind = 'handover')
    from touches where account_id = '${acc}' group by 1, 2, 3, 4`)
  await step('leads (first touch per campaign and contact)', `
    with firsts as (
      insert into campaign_contacts (campaign_id, contact_id, first_touch_at)
      select campaign_id, contact_id, min(occurred_at) from touches where account_id = '${acc}' and not machine group by 1, 2
      returning campaign_id, contact_id, first_touch_at)
    update campaign_day_stats s set leads = n.leads
    from (select f.campaign_id, c.subsidiary_id, (f.first_touch_at at time zone 'UTC')::date as day, count(*) as leads
          from firsts f join contacts c on c.id = f.contact_id group by 1, 2, 3) n
    where s.campaign_id = n.campaign_id and s.subsidiary_id = n.subsidiary_id and s.day = n.day`)
  // Every 10th contact became an MQL and got a deal; a third of the deals are won, a third lost.
  await step(`${D} opportunities and their funnel`, `
    insert into opportunities (id, account_id, subsidiary_id, contact_id, name, amount_net, production_cost, stage, created_on, closed_on, source, source_id)
    select ${id('o', 'o')}, '${acc}', (${subArray})[1 + c % 4], ${id('c', 'c')}, 'Deal ' || o, 5000 + (o * 37) % 50000, case when o % 5 = 0 then null else (2000 + (o * 37) % 20000) end,
      s, now() - (o % 300 + 30) * interval '1 day', case when s = 'open' then null else now() - (o % 300) * interval '1 day' end, 'api', 'bench-' || o
    from (select o, (o * 10) % ${N} as c, (array['won', 'lost', 'open'])[1 + o % 3] as s from generate_series(0, ${D - 1}) o) g;
    insert into funnel_entries (contact_id, qualification, account_id, subsidiary_id, campaign_id, first_touch_at, mql_at, sal_at, rejected_at, sql_at, opportunity_at, won_at, lost_at)
    select o.contact_id, 1, o.account_id, o.subsidiary_id, ${id('camp', `(((o.n * 10) % ${N}) % ${C})`)}, o.created_on - interval '60 days', o.created_on - interval '20 days',
      o.created_on - interval '15 days', null, o.created_on - interval '5 days', o.created_on, case when o.stage = 'won' then o.closed_on end, case when o.stage = 'lost' then o.closed_on end
    from (select *, row_number() over () - 1 as n from opportunities where account_id = '${acc}') o
    on conflict do nothing`)
  await sql.unsafe('alter table opportunities enable trigger user')
  await step('funnel day figures', `
    insert into funnel_day_stats (account_id, campaign_id, subsidiary_id, day, stage, contacts)
    select account_id, campaign_id, subsidiary_id, (at at time zone 'UTC')::date, stage, count(*) from (
      select account_id, campaign_id, subsidiary_id, mql_at as at, 'mql' as stage from funnel_entries where account_id = '${acc}'
      union all select account_id, campaign_id, subsidiary_id, sal_at, 'sal' from funnel_entries where account_id = '${acc}'
      union all select account_id, campaign_id, subsidiary_id, sql_at, 'sql' from funnel_entries where account_id = '${acc}'
      union all select account_id, campaign_id, subsidiary_id, opportunity_at, 'opportunity' from funnel_entries where account_id = '${acc}'
      union all select account_id, campaign_id, subsidiary_id, won_at, 'won' from funnel_entries where account_id = '${acc}' and won_at is not null
      union all select account_id, campaign_id, subsidiary_id, lost_at, 'lost' from funnel_entries where account_id = '${acc}' and lost_at is not null) s
    group by 1, 2, 3, 4, 5`)
  await step('mail statistics (daily; hourly for the last three days) and the click map', `
    insert into mail_stats_daily (account_id, mail_key, campaign_id, node_id, template, subsidiary_id, day, sent, opens, unique_opens, machine_opens, clicks, unique_clicks, machine_clicks)
    select account_id, campaign_id || ':' || node_id, campaign_id, node_id, 'bench-' || node_id, subsidiary_id, (occurred_at at time zone 'UTC')::date,
      count(*) filter (where kind = 'delivered'), count(*) filter (where kind = 'open' and not machine), count(*) filter (where kind = 'open' and not machine),
      count(*) filter (where kind = 'open' and machine), count(*) filter (where kind = 'click' and not machine), count(*) filter (where kind = 'click' and not machine),
      count(*) filter (where kind = 'click' and machine)
    from touches where account_id = '${acc}' and node_id is not null group by 1, 2, 3, 4, 5, 6, 7;
    insert into mail_stats_hourly (account_id, mail_key, campaign_id, node_id, template, subsidiary_id, hour, sent, opens, unique_opens, clicks, unique_clicks)
    select account_id, campaign_id || ':' || node_id, campaign_id, node_id, 'bench-' || node_id, subsidiary_id, date_trunc('hour', occurred_at),
      count(*) filter (where kind = 'delivered'), count(*) filter (where kind = 'open' and not machine), count(*) filter (where kind = 'open' and not machine),
      count(*) filter (where kind = 'click' and not machine), count(*) filter (where kind = 'click' and not machine)
    from touches where account_id = '${acc}' and node_id is not null and occurred_at > now() - interval '3 days' group by 1, 2, 3, 4, 5, 6, 7;
    insert into mail_link_clicks (account_id, mail_key, template, url, clicks, unique_clicks, machine_clicks)
    select account_id, campaign_id || ':' || node_id, 'bench-' || node_id, 'https://kessler.example/link-' || (id % 5),
      count(*) filter (where not machine), count(*) filter (where not machine), count(*) filter (where machine)
    from touches where account_id = '${acc}' and kind = 'click' group by 1, 2, 3, 4`)
  await step('rollups (monthly per campaign and mail, daily per subsidiary)', `select report_rebuild_rollups('${acc}')`)
  await step('vacuum analyze', 'vacuum analyze')
  const [campaign] = await sql<{ id: string }[]>`select ${sql.unsafe(id('camp', "'0'"))} as id`
  return { accountId: acc, campaignId: campaign!.id }
}
