import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contactPushWorkflowId, startContactPush } from '../../engine/crm-client'
import { DEMO_FAIR_REPS } from '../../server/seed-fair'
import { startBottleCrm, type BottleCrm } from '../helpers/bottlecrm'
import { startTestSystem, type TestSystem } from '../helpers/system'
import { connectCrm } from '../helpers/crm-sync'

// A visitor captured at the fair's stand reaches a connected CRM (a real BottleCRM, tools/bottlecrm) as
// soon as the capture syncs: no scheduled sync runs here (syncEvery "off"), and syncing the capture again,
// or a second capture of the same e-mail, leaves one CRM record.
let system: TestSystem
let crm: BottleCrm
let rep: { cookie: string; csrf: string }
let fairId: string
let adminToken: string

beforeAll(async () => {
  ;[crm, system] = await Promise.all([startBottleCrm(), startTestSystem({ seedFair: true })])
  adminToken = await system.token({ sub: 'hq-admin', role: 'admin', subs: '*' })
  await connectCrm(system, adminToken, crm)
  rep = await system.signIn(DEMO_FAIR_REPS[0]!.email)
  fairId = (await repApi('/api/fairs')).body.fairs[0].id
}, 600_000)
afterAll(async () => {
  await system?.stop()
  await crm?.stop()
})

const repApi = (path: string, body?: unknown) => system.api(path, { session: rep, body })

/** BottleCRM's contacts with this e-mail, read through its REST API as a CRM user would. */
async function crmContacts(email: string): Promise<any[]> {
  const json = await crm.api('GET', `contacts/?limit=50&email=${encodeURIComponent(email)}`)
  return (json.results ?? json.contact_obj_list ?? []).filter((c: any) => String(c.email).toLowerCase() === email.toLowerCase())
}

const now = () => new Date().toISOString()

describe('a new visitor captured at the stand', () => {
  const email = 'marta.ruiz@ruiz-hidraulica.example'

  it('is in BottleCRM as soon as the capture syncs, without a scheduled sync; syncing it again leaves one record', async () => {
    expect(await crmContacts(email)).toEqual([])
    const capture = {
      id: randomUUID(), source: 'form', email, device: 'test phone', capturedAt: now(),
      fields: { firstName: { value: 'Marta', at: now() }, lastName: { value: 'Ruiz', at: now() }, company: { value: 'Ruiz Hidráulica S.L.', at: now() } },
    }
    const synced = await repApi(`/api/fairs/${fairId}/captures`, { captures: [capture] })
    expect(synced.body.results[0]).toMatchObject({ outcome: 'stored' })
    const contactId = synced.body.results[0].contactId

    await expect.poll(() => crmContacts(email), { timeout: 30_000, interval: 250 }).toHaveLength(1)
    expect(await system.client.workflow.getHandle(contactPushWorkflowId(contactId)).result()).toEqual({ created: 1, updated: 0, unchanged: 0 })
    const [record] = await crmContacts(email)
    expect(record).toMatchObject({ first_name: 'Marta', last_name: 'Ruiz', organization: 'Ruiz Hidráulica S.L.' })
    const links = await system.sql<{ crm_id: string }[]>`select crm_id from crm_links where contact_id = ${contactId} and object_type = 'contact'`
    expect(links.map((l) => l.crm_id)).toEqual([String(record.id)])
    // Nothing walked the CRM: the push alone brought the visitor there.
    expect(await system.sql`select id from crm_sync_runs`).toEqual([])

    // The same capture again (a phone that lost the answer) is replayed and pushes nothing new.
    const again = await repApi(`/api/fairs/${fairId}/captures`, { captures: [capture] })
    expect(again.body.results[0]).toMatchObject({ outcome: 'replayed', contactId })
    // A second rep's capture of the same e-mail merges, and updates the same CRM record.
    const second = { id: randomUUID(), source: 'form', email: email.toUpperCase(), device: 'phone B', capturedAt: now(), fields: { lastName: { value: 'Ruiz García', at: now() } } }
    expect((await repApi(`/api/fairs/${fairId}/captures`, { captures: [second] })).body.results[0]).toMatchObject({ outcome: 'merged', contactId })
    expect(await system.client.workflow.getHandle(contactPushWorkflowId(contactId)).result()).toEqual({ created: 0, updated: 1, unchanged: 0 })
    const after = await crmContacts(email)
    expect(after).toHaveLength(1)
    expect(after[0]).toMatchObject({ id: record.id, last_name: 'Ruiz García' })

    // The CRM made the record but our link was lost (a crash between its answer and our commit): a push
    // again finds the record by e-mail and links it, and BottleCRM still holds one.
    await system.sql`delete from crm_links where contact_id = ${contactId}`
    await startContactPush(system.client, system.config.temporal.taskQueue, { accountId: system.demoAccountId!, contactId })
    expect(await system.client.workflow.getHandle(contactPushWorkflowId(contactId)).result()).toEqual({ created: 0, updated: 1, unchanged: 0 })
    expect(await crmContacts(email)).toHaveLength(1)
    expect((await system.sql<{ crm_id: string }[]>`select crm_id from crm_links where contact_id = ${contactId}`).map((l) => l.crm_id)).toEqual([String(record.id)])

    // The next full sync sees our own write coming back: one contact in the pool, one record in the CRM.
    const started = await system.api('/api/crm/sync', { method: 'POST', token: adminToken })
    expect(started.status, JSON.stringify(started.body)).toBe(202)
    await system.client.workflow.getHandle(started.body.workflowId).result()
    expect(await crmContacts(email)).toHaveLength(1)
    expect((await system.sql<{ n: number }[]>`select count(*)::int as n from contacts where lower(email) = ${email}`)[0]!.n).toBe(1)
    expect((await system.sql<{ last_name: string }[]>`select last_name from contacts where id = ${contactId}`)[0]!.last_name).toBe('Ruiz García')
  })
})
