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
      { id: expect.any(String), email: 'claire.dupont@dupont-industrie.example', name: 'Claire Dupont', company: 'Dupont Industrie SA', subsidiary: 'FR', tags: [] },
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

  it('refuses bad parameters naming the field, and callers without a token', async () => {
    expect(await system.api('/api/contacts?limit=0')).toMatchObject({ status: 400, body: { error: { field: 'limit' } } })
    expect(await system.api('/api/contacts?limit=lots')).toMatchObject({ status: 400, body: { error: { field: 'limit' } } })
    expect(await system.api('/api/contacts?limit=500')).toMatchObject({ status: 400, body: { error: { field: 'limit' } } })
    expect(await system.api('/api/contacts?search=a&search=b')).toMatchObject({ status: 400, body: { error: { field: 'search' } } })
    expect(await system.api('/api/contacts?colour=red')).toMatchObject({ status: 400, body: { error: { field: 'colour' } } })
    expect((await system.api('/api/contacts', { token: null })).status).toBe(401)
  })
})
