import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withContactScope } from '../../db/workspaces'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Subsidiary workspaces over the one global pool: the French workspace's pool alias (subsidiary FR, or
// French-speaking Belgium and Switzerland), edits from it changing the global record with attribution,
// HQ switching in, and the database's own wall (row-level security) against queries that forget their filter.

let system: TestSystem
let accountId: string
const SOPHIE = 'sophie.marchand@fr.kessler-hydraulik.example'
const KATRIN = 'katrin.weiss@kessler-hydraulik.example'
const FRENCH_SUBSIDIARY = ['claire.dupont@dupont-industrie.example', 'elodie.bernard@bernard-plasturgie.example', 'julien.martin@martin-mecanique.example']
const WALLONIA = 'luc.lambert@lambert-hydro.example' // DE subsidiary's contact, Belgian, French-speaking: in the FR alias
const FLANDERS = 'pieter.peeters@peeters-techniek.example' // Belgian, Dutch-speaking: not

beforeAll(async () => {
  system = await startTestSystem({ runWorker: false })
  accountId = system.demoAccountId!
  for (const [email, language] of [[WALLONIA, 'fr'], [FLANDERS, 'nl']] as const) {
    const posted = await system.api('/api/events', { body: { type: 'visit', contact: { email, subsidiary: 'DE', attributes: { country: 'BE', language } } } })
    expect(posted.status).toBe(202)
  }
}, 120_000)
afterAll(() => system?.stop())

async function as(session: { cookie: string; csrf: string }, path: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(system.url + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  return { status: response.status, body: (await response.json()) as any }
}

const emails = (body: any) => body.contacts.map((c: { email: string }) => c.email).sort()

describe('a French subsidiary marketer', () => {
  it('works in the FR workspace and sees exactly its pool alias: FR contacts and French-speaking Belgium', async () => {
    const sophie = await system.signIn(SOPHIE)
    expect(sophie.me).toMatchObject({ role: 'subsidiary_marketer', workspace: 'FR', subsidiaries: ['FR'], locale: 'fr' })
    expect(emails((await as(sophie, '/api/contacts?limit=100')).body)).toEqual([...FRENCH_SUBSIDIARY, WALLONIA].sort())
    // May neither leave her workspace nor enter another.
    expect((await as(sophie, '/api/session/workspace', { body: { subsidiary: null } })).status).toBe(403)
    expect((await as(sophie, '/api/session/workspace', { body: { subsidiary: 'IT' } })).status).toBe(403)
    expect((await as(sophie, '/api/workspaces')).body).toMatchObject({ current: 'FR', mayLeave: false, workspaces: [{ subsidiary: 'FR' }] })
  })

  it('edits a contact: the one global record changes, and HQ sees who, from which workspace, when', async () => {
    const sophie = await system.signIn(SOPHIE)
    const [claire] = await system.sql<{ id: string }[]>`select id from contacts where email = 'claire.dupont@dupont-industrie.example'`
    const edited = await as(sophie, `/api/contacts/${claire!.id}`, { method: 'PATCH', body: { company: 'Dupont Industrie Groupe', attributes: { position: 'Directrice technique' } } })
    expect(edited.status).toBe(200)
    expect(edited.body.changes).toEqual({ company: { from: 'Dupont Industrie SA', to: 'Dupont Industrie Groupe' }, 'attributes.position': { from: null, to: 'Directrice technique' } })
    expect(await system.sql`select count(*)::int as n from contacts where email = 'claire.dupont@dupont-industrie.example'`).toEqual([{ n: 1 }])

    const katrin = await system.signIn(KATRIN)
    const seen = await as(katrin, `/api/contacts/${claire!.id}`)
    expect(seen.body.contact).toMatchObject({ company: 'Dupont Industrie Groupe', attributes: { position: 'Directrice technique' } })
    expect(seen.body.history[0]).toMatchObject({ by: SOPHIE, byName: 'Sophie Marchand', workspace: 'FR', changes: { company: { to: 'Dupont Industrie Groupe' } } })
    expect(Date.now() - new Date(seen.body.history[0].at).getTime()).toBeLessThan(60_000)
    const [audit] = await system.sql`select actor, actor_name, workspace, action, target from audit_log where action = 'contact.edited' order by id desc limit 1`
    expect(audit).toEqual({ actor: SOPHIE, actor_name: 'Sophie Marchand', workspace: 'FR', action: 'contact.edited', target: 'claire.dupont@dupont-industrie.example' })
  })

  it('sees a contact the moment it comes into her pool alias, and loses it the moment it leaves', async () => {
    // The members are refreshed incrementally between requests (only contacts changed since the last one);
    // a change right after a request must still show in the next one, in both directions.
    const sophie = await system.signIn(SOPHIE)
    expect(emails((await as(sophie, '/api/contacts?limit=100')).body)).not.toContain(FLANDERS)
    // As if the pool were old: only what the trigger marks from now on counts as changed.
    await system.sql`update contacts set pool_changed_at = now() - interval '1 hour'`
    await system.sql`update contacts set attributes = attributes || '{"language": "fr"}' where email = ${FLANDERS}`
    expect(emails((await as(sophie, '/api/contacts?limit=100')).body)).toContain(FLANDERS)
    await system.sql`update contacts set attributes = attributes || '{"language": "nl"}' where email = ${FLANDERS}`
    expect(emails((await as(sophie, '/api/contacts?limit=100')).body)).not.toContain(FLANDERS)
  })

  it('cannot open or edit a contact outside her pool (404, nothing changed)', async () => {
    const sophie = await system.signIn(SOPHIE)
    const [jonas] = await system.sql<{ id: string; company: string }[]>`select id, company from contacts where email = 'jonas.becker@becker-maschinenbau.example'`
    expect((await as(sophie, `/api/contacts/${jonas!.id}`)).status).toBe(404)
    expect((await as(sophie, `/api/contacts/${jonas!.id}`, { method: 'PATCH', body: { company: 'Hacked' } })).status).toBe(404)
    expect((await system.sql`select company from contacts where id = ${jonas!.id}`)[0]!.company).toBe(jonas!.company)
  })
})

describe('HQ', () => {
  it('sees the whole pool, switches into the FR workspace to see it as FR does, and back', async () => {
    const katrin = await system.signIn(KATRIN)
    const all = emails((await as(katrin, '/api/contacts?limit=100')).body)
    expect(all).toContain('jonas.becker@becker-maschinenbau.example')
    expect(all).toContain(FLANDERS)
    expect((await as(katrin, '/api/session/workspace', { body: { subsidiary: 'FR' } })).body).toEqual({ workspace: 'FR' })
    expect(emails((await as(katrin, '/api/contacts?limit=100')).body)).toEqual([...FRENCH_SUBSIDIARY, WALLONIA].sort())
    expect((await as(katrin, '/api/me')).body).toMatchObject({ workspace: 'FR', subsidiaries: ['FR'] })
    await as(katrin, '/api/session/workspace', { body: { subsidiary: null } })
    expect(emails((await as(katrin, '/api/contacts?limit=100')).body)).toEqual(all)
    const [switched] = await system.sql`select action, target from audit_log where actor = ${KATRIN} and action = 'workspace.switch' order by id`
    expect(switched).toEqual({ action: 'workspace.switch', target: 'FR' })
  })

  it('an admin changes the FR alias (in the rule language) and the workspace follows; a bad rule is refused by field', async () => {
    const admin = await system.signIn('admin@kessler-hydraulik.example')
    const bad = await as(admin, '/api/admin/workspaces/FR', { method: 'PUT', body: { name: 'FR', poolAlias: { anyOf: [{ match: 'all', rules: [{ kind: 'attribute', attribute: 'country', operator: 'equals' }] }] } } })
    expect(bad.body.error.field).toBe('poolAlias.anyOf.0.rules.0.value')
    const onlyBelgium = { anyOf: [{ match: 'all', rules: [{ kind: 'attribute', attribute: 'country', operator: 'equals', value: 'BE' }] }] }
    expect((await as(admin, '/api/admin/workspaces/FR', { method: 'PUT', body: { name: 'Kessler Hydraulique France', poolAlias: onlyBelgium } })).status).toBe(200)
    const sophie = await system.signIn(SOPHIE)
    expect(emails((await as(sophie, '/api/contacts?limit=100')).body)).toEqual([FLANDERS, WALLONIA].sort())
    const restore = { anyOf: [{ match: 'all', rules: [{ kind: 'subsidiary', operator: 'is', codes: ['FR'] }] }, { match: 'all', rules: [{ kind: 'attribute', attribute: 'country', operator: 'equals', value: 'BE' }, { kind: 'attribute', attribute: 'language', operator: 'equals', value: 'fr' }] }] }
    await as(admin, '/api/admin/workspaces/FR', { method: 'PUT', body: { name: 'Kessler Hydraulique France', poolAlias: restore } })
  })
})

describe('sales', () => {
  it('a sales rep sees only the handovers and leads routed to him; the manager sees the subsidiary\'s', async () => {
    const route = async (contact: string, rep: string) => {
      await system.sql`
        insert into handovers (account_id, contact_id, qualification, cell, source, rep_id, routed_by)
        select ${accountId}, c.id, 1, 'A1', 'score', r.id, 'territory' from contacts c, sales_reps r
        where c.email = ${contact} and r.email = ${rep}`
    }
    await route('jonas.becker@becker-maschinenbau.example', 'sabine.vogel@kessler-hydraulik.example')
    await route('anna.schmidt@schmidt-pressen.example', 'stefan.krueger@kessler-hydraulik.example')
    const sabine = await system.signIn('sabine.vogel@kessler-hydraulik.example')
    const own = (await as(sabine, '/api/handovers')).body.handovers.map((h: { email: string }) => h.email)
    expect(own).toEqual(['jonas.becker@becker-maschinenbau.example'])
    const [anna] = await system.sql<{ id: string }[]>`select id from contacts where email = 'anna.schmidt@schmidt-pressen.example'`
    expect((await as(sabine, `/api/leads/${anna!.id}`)).status).toBe(404)
    expect((await as(sabine, '/api/leads/matrix')).body.error.permission).toBe('reports.read')
    const petra = await system.signIn('petra.lang@kessler-hydraulik.example')
    expect((await as(petra, '/api/handovers')).body.handovers.map((h: { email: string }) => h.email).sort()).toEqual(['anna.schmidt@schmidt-pressen.example', 'jonas.becker@becker-maschinenbau.example'])
  })
})

describe('row-level security: queries that forget their filter', () => {
  const frScope = () => ({ accountId, workspace: 'FR', subsidiaries: ['FR'] as string[] })

  it('an unfiltered select, count and join in the FR scope see only the FR pool', async () => {
    const everyone = (await system.sql<{ email: string }[]>`select email from contacts`).map((r) => r.email)
    expect(everyone).toContain('jonas.becker@becker-maschinenbau.example')
    const probes = await withContactScope(system.sql, frScope(), async (sql) => ({
      all: (await sql<{ email: string }[]>`select email from contacts`).map((r) => r.email).sort(),
      count: (await sql<{ n: number }[]>`select count(*)::int as n from contacts`)[0]!.n,
      viaEvents: (await sql<{ email: string }[]>`select distinct c.email from events e join contacts c on c.id = e.contact_id`).map((r) => r.email).sort(),
      events: (await sql<{ n: number }[]>`select count(*)::int as n from events`)[0]!.n,
      byEmail: await sql`select id from contacts where email = 'jonas.becker@becker-maschinenbau.example'`,
    }))
    expect(probes.all).toEqual([...FRENCH_SUBSIDIARY, WALLONIA].sort())
    expect(probes.count).toBe(4)
    expect(probes.viaEvents).toEqual([WALLONIA])
    expect(probes.events).toBe(1)
    expect(probes.byEmail).toEqual([])
  })

  it('an unfiltered update touches only the pool, and a row outside cannot be written into it', async () => {
    const updated = await withContactScope(system.sql, frScope(), async (sql) => {
      const done = await sql`update contacts set attributes = attributes || '{"probe": 1}'`
      // Moving Jonas (DE) is invisible to the update: nothing happens.
      const moved = await sql`update contacts set company = 'Hacked' where email = 'jonas.becker@becker-maschinenbau.example'`
      return { probed: done.count, moved: moved.count }
    })
    expect(updated).toEqual({ probed: 4, moved: 0 })
    expect((await system.sql`select count(*)::int as n from contacts where attributes ? 'probe'`)[0]!.n).toBe(4)
    await system.sql`update contacts set attributes = attributes - 'probe'`
  })

  it('clearing the settings inside a scoped transaction shows nothing, and another account sees nothing', async () => {
    const cleared = await withContactScope(system.sql, frScope(), async (sql) => {
      await sql`select set_config('kessler.account', '', true), set_config('kessler.workspace', '', true)`
      return sql`select email from contacts`
    })
    expect(cleared).toEqual([])
    const [other] = await system.sql<{ id: string }[]>`insert into accounts (slug, name) values ('other', 'Other GmbH') returning id`
    const foreign = await withContactScope(system.sql, { accountId: other!.id, workspace: null, subsidiaries: '*' }, (sql) => sql`select email from contacts`)
    expect(foreign).toEqual([])
    // HQ's scope (all subsidiaries, no workspace) sees the account's whole pool; system code without settings, everything.
    const hq = await withContactScope(system.sql, { accountId, workspace: null, subsidiaries: '*' }, (sql) => sql`select count(*)::int as n from contacts`)
    expect(hq[0]!.n).toBe((await system.sql`select count(*)::int as n from contacts where account_id = ${accountId}`)[0]!.n)
  })

  it('a subsidiary scope without a workspace (DE) is walled by subsidiary', async () => {
    const de = await withContactScope(system.sql, { accountId, workspace: null, subsidiaries: ['DE'] }, (sql) => sql<{ code: string }[]>`select distinct s.code from contacts c join subsidiaries s on s.id = c.subsidiary_id`)
    expect(de.map((r) => r.code)).toEqual(['DE'])
  })
})
