import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestSystem, type TestSystem } from '../helpers/system'

// The contacts lookup pickers use (the designer's simulation panel): search by e-mail, name or company,
// scoped to the caller's subsidiaries, bad parameters refused with the field named.
let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem()
})
afterAll(() => system?.stop())

const emails = (body: { contacts: { email: string }[] }) => body.contacts.map((contact) => contact.email)

describe('GET /api/contacts', () => {
  it('finds contacts by e-mail, name or company, case-insensitively, sorted by e-mail', async () => {
    const byCompany = await system.api('/api/contacts?search=DUPONT')
    expect(byCompany.status).toBe(200)
    expect(byCompany.body.contacts).toEqual([
      { id: expect.any(String), email: 'claire.dupont@dupont-industrie.example', name: 'Claire Dupont', company: 'Dupont Industrie SA', subsidiary: 'FR', tags: [], consent: expect.stringMatching(/^(none|pending|granted|revoked)$/), lifecycleStage: 'lead' },
    ])
    expect(emails((await system.api('/api/contacts?search=' + encodeURIComponent('Jonas Becker'))).body)).toEqual(['jonas.becker@becker-maschinenbau.example'])
    expect(emails((await system.api('/api/contacts?search=Mécanique')).body)).toEqual(['julien.martin@martin-mecanique.example'])
    // "_" is a LIKE wildcard: typed by a user it matches only itself.
    expect(emails((await system.api('/api/contacts?search=_')).body)).toEqual([])
    const all = emails((await system.api('/api/contacts?limit=100')).body)
    expect(all.length).toBeGreaterThanOrEqual(12)
    expect(all).toEqual([...all].sort())
    expect(emails((await system.api('/api/contacts?limit=3')).body)).toHaveLength(3)
  })

  it('shows a subsidiary marketer only their own contacts', async () => {
    const french = await system.api('/api/contacts?limit=100', { token: system.token({ subs: ['FR'] }) })
    expect(french.status).toBe(200)
    expect(french.body.contacts.map((contact: { subsidiary: string }) => contact.subsidiary)).toEqual(['FR', 'FR', 'FR'])
    expect(emails((await system.api('/api/contacts?search=becker', { token: system.token({ subs: ['FR'] }) })).body)).toEqual([])
  })

  it('filters by subsidiary, consent, lifecycle stage, tag and a saved segment, within the caller\'s pool', async () => {
    await system.sql`update contacts set tags = '{hannover-2026}', lifecycle_stage = 'mql' where email in ('claire.dupont@dupont-industrie.example', 'jonas.becker@becker-maschinenbau.example')`
    await system.sql`update contacts set consent_status = 'granted' where email = 'claire.dupont@dupont-industrie.example'`
    await system.sql`update contacts set consent_status = 'revoked' where email = 'jonas.becker@becker-maschinenbau.example'`
    const list = async (query: string, token?: Promise<string>) => emails((await system.api(`/api/contacts?limit=100&${query}`, token ? { token } : {})).body)
    expect(await list('tag=hannover-2026')).toEqual(['claire.dupont@dupont-industrie.example', 'jonas.becker@becker-maschinenbau.example'])
    expect(await list('tag=hannover-2026&subsidiary=DE')).toEqual(['jonas.becker@becker-maschinenbau.example'])
    expect(await list('lifecycle=mql&consent=granted')).toEqual(['claire.dupont@dupont-industrie.example'])
    const fr = await list('subsidiary=FR')
    expect(fr).toHaveLength(3)
    expect(fr).toContain('claire.dupont@dupont-industrie.example')

    const segment = await system.api('/api/segments', { body: { name: 'Hannover 2026, may be mailed', filter: { match: 'all', rules: [{ kind: 'tag', tag: 'hannover-2026' }, { kind: 'consent', status: 'revoked', operator: 'is_not' }] } } })
    expect(segment.status, JSON.stringify(segment.body)).toBe(201)
    expect(await list(`segment=${segment.body.id}`)).toEqual(['claire.dupont@dupont-industrie.example'])
    // The segment's filter is evaluated now, among the caller's contacts only.
    await system.sql`update contacts set consent_status = 'granted' where email = 'jonas.becker@becker-maschinenbau.example'`
    expect(await list(`segment=${segment.body.id}`)).toEqual(['claire.dupont@dupont-industrie.example', 'jonas.becker@becker-maschinenbau.example'])
    expect(await list(`segment=${segment.body.id}`, system.token({ subs: ['FR'] }))).toEqual(['claire.dupont@dupont-industrie.example'])

    expect(await system.api('/api/contacts?segment=00000000-0000-4000-8000-000000000000')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } })
    expect(await system.api('/api/contacts?consent=maybe')).toMatchObject({ status: 400, body: { error: { field: 'consent' } } })
    expect(await system.api('/api/contacts?lifecycle=customer')).toMatchObject({ status: 400, body: { error: { field: 'lifecycle' } } })
    expect(await system.api('/api/contacts?subsidiary=france')).toMatchObject({ status: 400, body: { error: { field: 'subsidiary' } } })
  })

  it('refuses bad parameters naming the field, and callers without a token', async () => {
    expect(await system.api('/api/contacts?limit=0')).toMatchObject({ status: 400, body: { error: { field: 'limit' } } })
    expect(await system.api('/api/contacts?limit=lots')).toMatchObject({ status: 400, body: { error: { field: 'limit' } } })
    expect(await system.api('/api/contacts?limit=500')).toMatchObject({ status: 400, body: { error: { field: 'limit' } } })
    expect(await system.api('/api/contacts?search=a&search=b')).toMatchObject({ status: 400, body: { error: { field: 'search' } } })
    expect(await system.api('/api/contacts?colour=red')).toMatchObject({ status: 400, body: { error: { field: 'colour' } } })
    expect((await system.api('/api/contacts', { token: null })).status).toBe(401)
  })
})
