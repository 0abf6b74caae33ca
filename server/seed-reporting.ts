import type { Sql } from 'postgres'

// Six months of history for the Reports view, so it tells a story on the first start: three lead campaigns
// (a trade fair, a webinar series, LinkedIn ads) with their costs and budgets, 480 leads touched by them,
// handovers and the sales stages after them, won and lost deals, and the onboarding mail's opens and
// clicks. Everything is written in bulk as the product's writers store it (events already dispatched,
// handovers already started, lifecycle changes, deals), so the touch log and the aggregates come from
// migration 015's triggers exactly as they do live. A few statements; npm start stays fast.

const LEAD_CAMPAIGNS = [
  { name: 'Hannover Messe 2026', kind: 'fair_scan', budget: 48_000, costs: [['concept', 4500, 170], ['fair', 18000, 150], ['content', 6250, 120], ['agency', 7800, 95], ['software_licence', 1800, 60]] },
  { name: 'Webinar series: efficient hydraulics', kind: 'form', budget: 15_000, costs: [['concept', 2500, 160], ['content', 5200, 140], ['software_licence', 900, 110], ['ad_placement', 3100, 80], ['mailing_lists', 1400, 40]] },
  { name: 'LinkedIn ads Q3', kind: 'visit', budget: 20_000, costs: [['agency', 3500, 130], ['ad_placement', 6400, 100], ['ad_placement', 5900, 70], ['ad_placement', 4800, 35], ['discounts', 1500, 15]] },
] as const

const FIRST = ['Lena', 'Tobias', 'Sophie', 'Max', 'Hannah', 'Felix', 'Clara', 'Paul', 'Émile', 'Chiara', 'Diego', 'Inès']
const LAST = ['Müller', 'Schneider', 'Fischer', 'Wagner', 'Lefèvre', 'Moreau', 'Ricci', 'Greco', 'Sánchez', 'Romero', 'Keller', 'Braun']

export async function seedReportingHistory(sql: Sql, accountId: string): Promise<void> {
  await sql.begin(async (sql) => {
    const subs = await sql<{ id: string; code: string }[]>`select id, code from subsidiaries where account_id = ${accountId} order by is_headquarters desc, code`
    const subIds = subs.map((s) => s.id)
    const campaignIds: string[] = []
    for (const c of LEAD_CAMPAIGNS) {
      const [row] = await sql<{ id: string }[]>`
        insert into campaigns (account_id, name, kind, draft_graph, status, created_at)
        values (${accountId}, ${c.name}, 'custom', ${sql.json({ nodes: [], edges: [] })}, 'stopped', now() - interval '190 days') returning id`
      campaignIds.push(row!.id)
      await sql`insert into campaign_budgets (campaign_id, account_id, amount, updated_by) values (${row!.id}, ${accountId}, ${c.budget}, 'demo seed')`
      await sql`insert into campaign_costs ${sql(c.costs.map(([category, amount, daysAgo], i) => ({
        account_id: accountId, campaign_id: row!.id, subsidiary_id: subIds[i % 3 === 2 && c.kind === 'visit' ? 1 : 0]!, category, amount,
        incurred_on: new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10), note: null, source: 'seed', created_by: 'demo seed',
      })))}`
    }
    await sql`insert into product_costs (account_id, product, cost_ratio) values (${accountId}, 'HydroStat 2000', 0.45), (${accountId}, 'HydroStat 3000', 0.42) on conflict do nothing`

    // 480 leads: half in DE, the rest across FR, IT and ES; each first touched 20–180 days ago.
    await sql`
      insert into contacts (account_id, subsidiary_id, email, first_name, last_name, company, locale, created_at)
      select ${accountId}, (${subIds}::uuid[])[case when i % 2 = 0 then 1 else 2 + i % 3 end],
             'lead' || i || '@history.kessler-demo.example', (${FIRST}::text[])[1 + i % 12], (${LAST}::text[])[1 + (i * 7) % 12],
             'Industriebetrieb ' || i, 'de', now() - (20 + (i * 37) % 160) * interval '1 day'
      from generate_series(1, 480) i`
    // A fresh fragment per statement (a fragment is a query object, used once).
    const leads = () => sql`(select id, created_at, row_number() over (order by email) as i from contacts where account_id = ${accountId} and email like 'lead%@history.kessler-demo.example') l`
    // First touch by the lead's campaign; every fifth lead also saw another campaign a week later, every other one downloaded.
    await sql`
      insert into events (account_id, contact_id, type, properties, source, occurred_at, received_at, dispatched_at)
      select ${accountId}, l.id, t.type, t.properties, 'seed', t.at, t.at, t.at from ${leads()}
      cross join lateral (values
        ((${['fair_scan', 'form', 'visit']}::text[])[1 + l.i % 3], jsonb_build_object('campaignId', (${campaignIds}::uuid[])[1 + l.i % 3]), l.created_at),
        (case when l.i % 5 = 0 then 'visit' end, jsonb_build_object('url', 'https://www.kessler-hydraulik.example/de/produkte?utm_source=linkedin&utm_campaign=linkedin-ads-q3'), l.created_at + interval '7 days'),
        (case when l.i % 2 = 0 then 'download' end, jsonb_build_object('campaignId', (${campaignIds}::uuid[])[1 + l.i % 3], 'url', 'https://www.kessler-hydraulik.example/ebook.pdf'), l.created_at + interval '3 days')
      ) as t(type, properties, at)
      where t.type is not null and t.at < now()`
    // Half became MQLs (handed over, 10 days after the first touch): 4 in 5 accepted, 1 in 5 rejected.
    await sql`
      insert into handovers (account_id, contact_id, qualification, cell, campaign_id, source, status, decision_reason, decided_by, decided_at, crm_status, workflow_started_at, created_at)
      select ${accountId}, l.id, 1, 'A1', (${campaignIds}::uuid[])[1 + l.i % 3], 'campaign_step', case when l.i % 10 = 8 then 'rejected' else 'accepted' end,
             case when l.i % 10 = 8 then 'no budget before 2027' end, 'demo seed', l.created_at + interval '12 days', 'not_configured',
             l.created_at + interval '10 days', l.created_at + interval '10 days'
      from ${leads()} where l.i % 2 = 0`
    await sql`
      insert into lifecycle_changes (account_id, contact_id, stage, reason, changed_by, changed_at)
      select ${accountId}, l.id, s.stage, 'demo history', 'demo seed', s.at from ${leads()}
      cross join lateral (values
        ('mql', l.created_at + interval '10 days'),
        (case when l.i % 10 = 8 then 'nurture' else 'sal' end, l.created_at + interval '12 days'),
        (case when l.i % 4 = 0 and l.i % 10 <> 8 then 'sql' end, l.created_at + interval '20 days'),
        (case when l.i % 8 = 0 and l.i % 10 <> 8 then 'opportunity' end, l.created_at + interval '30 days'),
        (case when l.i % 8 = 0 and l.i % 10 <> 8 then (case when (l.i / 8) % 5 = 3 then 'lost' else 'won' end) end, l.created_at + (40 + (l.i * 13) % 50) * interval '1 day')
      ) as s(stage, at)
      where l.i % 2 = 0 and s.stage is not null and s.at < now()
      order by l.id, s.at`
    await sql`
      update contacts c set lifecycle_stage = x.stage, lifecycle_stage_at = x.at from (
        select distinct on (contact_id) contact_id, stage, changed_at as at from lifecycle_changes where account_id = ${accountId} order by contact_id, changed_at desc, id desc) x
      where c.id = x.contact_id`
    // A deal per opportunity: won and lost as their stage says, the rest still open.
    await sql`
      insert into opportunities (account_id, subsidiary_id, contact_id, company, name, amount_net, production_cost, products, stage, created_on, closed_on, source, source_id)
      select c.account_id, c.subsidiary_id, c.id, c.company, 'HydroStat order ' || c.company, 8000 + (abs(hashtext(c.email)) % 33) * 1000,
             case when abs(hashtext(c.email)) % 3 = 0 then null else (3500 + (abs(hashtext(c.email)) % 15) * 500) end,
             case when abs(hashtext(c.email)) % 2 = 0 then '["HydroStat 2000"]'::jsonb else '["HydroStat 3000"]'::jsonb end,
             case c.lifecycle_stage when 'won' then 'won' when 'lost' then 'lost' else 'open' end, o.changed_at,
             case when c.lifecycle_stage in ('won', 'lost') then c.lifecycle_stage_at end, 'csv', 'demo-' || c.email
      from contacts c join lifecycle_changes o on o.contact_id = c.id and o.stage = 'opportunity'
      where c.account_id = ${accountId}`
    // Direct sales no campaign touched: what every model leaves unattributed, and the Reports view shows.
    await sql`
      insert into opportunities (account_id, subsidiary_id, company, name, amount_net, production_cost, stage, created_on, closed_on, source, source_id)
      values (${accountId}, ${subIds[0]!}, 'Stadtwerke Ulm', 'Spare parts framework contract', 24000, 9800, 'won', now() - interval '70 days', now() - interval '40 days', 'csv', 'demo-direct-1'),
             (${accountId}, ${subIds[1]!}, 'Usine Lyon Sud', 'HydroStat 2000 replacement', 18500, 8300, 'won', now() - interval '50 days', now() - interval '12 days', 'csv', 'demo-direct-2')`

    // The onboarding mail's history: 240 sent, opened (some by Apple's proxy), clicked (some by a scanner), a few bounces.
    const [onboarding] = await sql<{ id: string; version_id: string }[]>`
      select id, live_version_id as version_id from campaigns where account_id = ${accountId} and kind = 'onboarding' and live_version_id is not null limit 1`
    if (!onboarding) return
    await sql`
      insert into enrolments (account_id, campaign_id, version_id, contact_id, workflow_id, status, started_at, finished_at)
      select ${accountId}, ${onboarding.id}, ${onboarding.version_id}, l.id, 'demo-history-' || l.i, 'completed', l.created_at + interval '45 days', l.created_at + interval '60 days'
      from ${leads()} where l.i <= 240 and l.created_at + interval '45 days' < now()`
    await sql`
      insert into messages (account_id, enrolment_id, contact_id, campaign_id, node_id, visit, message_id, template, recipient, subject, locale, status, attempts, created_at, sent_at)
      select e.account_id, e.id, e.contact_id, e.campaign_id, 'welcome', 1, 'demo-history-' || e.workflow_id || '@kessler-hydraulik.example', 'onboarding-welcome',
             c.email, 'Willkommen bei Kessler Hydraulik', 'de', 'sent', 1, e.started_at, e.started_at + interval '2 minutes'
      from enrolments e join contacts c on c.id = e.contact_id where e.account_id = ${accountId} and e.workflow_id like 'demo-history-%'`
    await sql`
      insert into events (account_id, contact_id, type, properties, source, suspected_machine, occurred_at, received_at, dispatched_at)
      select m.account_id, m.contact_id, t.type,
             jsonb_build_object('campaignId', m.campaign_id, 'nodeId', m.node_id, 'messageId', m.message_id, 'enrolmentId', m.enrolment_id) || t.extra,
             'seed', t.machine, t.at, t.at, t.at
      from (select *, row_number() over (order by message_id) as n from messages where account_id = ${accountId} and message_id like 'demo-history-%') m
      cross join lateral (values
        (case when m.n % 7 = 0 then 'open' end, true, '{"machineReason": "privacy_proxy"}'::jsonb, m.sent_at + interval '1 minute'),
        (case when m.n % 10 < 6 then 'open' end, false, '{}'::jsonb, m.sent_at + (30 + m.n % 50) * interval '1 hour' / 10),
        (case when m.n % 10 < 2 then 'open' end, false, '{}'::jsonb, m.sent_at + interval '2 days'),
        (case when m.n % 4 = 0 then 'click' end, false, '{"url": "https://www.kessler-hydraulik.example/care/hydrostat?lang=de"}'::jsonb, m.sent_at + (40 + m.n % 50) * interval '1 hour' / 10),
        (case when m.n % 11 = 0 then 'click' end, true, '{"url": "https://www.kessler-hydraulik.example/care/hydrostat?lang=de", "machineReason": "clicked_within_seconds_of_delivery"}'::jsonb, m.sent_at + interval '3 seconds'),
        (case when m.n % 40 = 0 then 'bounce' end, false, '{"bounceType": "hard"}'::jsonb, m.sent_at + interval '5 minutes'),
        (case when m.n % 60 = 1 then 'unsubscribe' end, false, '{}'::jsonb, m.sent_at + interval '1 day')
      ) as t(type, machine, extra, at)
      where t.type is not null and t.at < now()`
  })
}
