import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCompany, setContactCompany } from '../../db/companies'
import { withContactScope } from '../../db/workspaces'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Companies (CRM accounts, migration 022) behind the database's own wall, like contacts (migration 026): a
// query in a subsidiary's or workspace's scope that forgets its filter sees only the companies its pool
// works for or its subsidiary owns, cannot change the others, and another account sees none.
let system: TestSystem
let accountId: string
const CLAIRE = 'claire.dupont@dupont-industrie.example' // FR subsidiary
const LUC = 'luc.lambert@lambert-hydro.example' // DE subsidiary, Belgian and French-speaking: in the FR workspace's alias

beforeAll(async () => {
  system = await startTestSystem({ runWorker: false })
  accountId = system.demoAccountId!
  const posted = await system.api('/api/events', { body: { type: 'visit', contact: { email: LUC, subsidiary: 'DE', attributes: { country: 'BE', language: 'fr' } } } })
  expect(posted.status).toBe(202)
  // A French company with Claire, a German one with Luc, a German one nobody works for, a French one likewise.
  const company = (name: string, country: string) => createCompany(system.sql, accountId, { name, country, website: null, industry: null, phone: null, city: null, postalCode: null })
  const contact = async (email: string) => (await system.sql<{ id: string }[]>`select id from contacts where email = ${email}`)[0]!.id
  const dupont = await company('Dupont Industrie', 'FR')
  const lambert = await company('Lambert Hydro', 'DE')
  await company('Becker Maschinenbau', 'DE')
  await company('Martin Mécanique', 'FR')
  await setContactCompany(system.sql, await contact(CLAIRE), dupont.id)
  await setContactCompany(system.sql, await contact(LUC), lambert.id)
}, 120_000)
afterAll(() => system?.stop())

const names = (rows: { name: string }[]) => rows.map((r) => r.name).sort()

describe('row-level security on companies', () => {
  it('a subsidiary scope (FR) sees its own companies and those its contacts work for, nothing else', async () => {
    expect(names(await system.sql<{ name: string }[]>`select name from companies`)).toEqual(['Becker Maschinenbau', 'Dupont Industrie', 'Lambert Hydro', 'Martin Mécanique'])
    const fr = await withContactScope(system.sql, { accountId, workspace: null, subsidiaries: ['FR'] }, async (sql) => ({
      all: names(await sql<{ name: string }[]>`select name from companies`),
      count: (await sql<{ n: number }[]>`select count(*)::int as n from companies`)[0]!.n,
      joined: (await sql<{ email: string; name: string }[]>`select c.email, co.name from contacts c join companies co on co.id = c.company_id`).map((r) => `${r.email} @ ${r.name}`),
      byName: await sql`select id from companies where name = 'Becker Maschinenbau'`,
    }))
    expect(fr).toEqual({ all: ['Dupont Industrie', 'Martin Mécanique'], count: 2, joined: [`${CLAIRE} @ Dupont Industrie`], byName: [] })
  })

  it('the FR workspace also sees the German company its Walloon contact works for', async () => {
    const workspace = await withContactScope(system.sql, { accountId, workspace: 'FR', subsidiaries: ['FR'] }, (sql) => sql<{ name: string }[]>`select name from companies`)
    expect(names(workspace)).toEqual(['Dupont Industrie', 'Lambert Hydro', 'Martin Mécanique'])
  })

  it('an unfiltered update touches only visible companies; a company outside cannot be written into the scope', async () => {
    const done = await withContactScope(system.sql, { accountId, workspace: null, subsidiaries: ['FR'] }, async (sql) => ({
      probed: (await sql`update companies set industry = 'probe'`).count,
      moved: (await sql`update companies set name = 'Hacked' where name = 'Becker Maschinenbau'`).count,
    }))
    expect(done).toEqual({ probed: 2, moved: 0 })
    expect(names(await system.sql<{ name: string }[]>`select name from companies where industry = 'probe'`)).toEqual(['Dupont Industrie', 'Martin Mécanique'])
    await system.sql`update companies set industry = null`
    // A new company in a subsidiary the scope does not work for is refused by the policy's check.
    const [de] = await system.sql<{ id: string }[]>`select id from subsidiaries where account_id = ${accountId} and code = 'DE'`
    await expect(withContactScope(system.sql, { accountId, workspace: null, subsidiaries: ['FR'] }, (sql) => sql`insert into companies (account_id, subsidiary_id, name) values (${accountId}, ${de!.id}, 'Smuggled GmbH')`)).rejects.toThrow(/row-level security/)
    expect(await system.sql`select 1 from companies where name = 'Smuggled GmbH'`).toEqual([])
  })

  it('another account sees none, cleared settings see none, HQ sees all', async () => {
    const [other] = await system.sql<{ id: string }[]>`insert into accounts (slug, name) values ('other-companies', 'Other GmbH') returning id`
    expect(await withContactScope(system.sql, { accountId: other!.id, workspace: null, subsidiaries: '*' }, (sql) => sql`select name from companies`)).toEqual([])
    const cleared = await withContactScope(system.sql, { accountId, workspace: null, subsidiaries: ['FR'] }, async (sql) => {
      await sql`select set_config('kessler.account', '', true)`
      return sql`select name from companies`
    })
    expect(cleared).toEqual([])
    const hq = await withContactScope(system.sql, { accountId, workspace: null, subsidiaries: '*' }, (sql) => sql<{ n: number }[]>`select count(*)::int as n from companies`)
    expect(hq[0]!.n).toBe(4)
  })
})
