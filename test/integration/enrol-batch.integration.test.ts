import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { enrolContact, loadEnteringCampaign, type EnrolDeps } from '../../engine/enrol'
import { enrolContacts } from '../../engine/enrol-batch'
import { enrolmentWorkflowId } from '../../engine/client'
import { linearCampaign } from '../helpers/graphs'
import { startTestSystem, type TestSystem } from '../helpers/system'

// The bulk jobs' entry (engine/enrol-batch.ts) decides a whole batch in one transaction; it must come to
// what enrolContact decides row by row, on the real product (Postgres, Temporal workflows).
let system: TestSystem
let deps: EnrolDeps
beforeAll(async () => {
  system = await startTestSystem()
  deps = { sql: system.sql, client: system.client, taskQueue: system.config.temporal.taskQueue }
})
afterAll(() => system?.stop())

async function liveCampaign(trigger: Record<string, unknown>) {
  const created = await system.api('/api/campaigns', { body: { name: `Batch ${randomUUID().slice(0, 8)}`, graph: linearCampaign(trigger, []) } })
  expect((await system.api(`/api/campaigns/${created.body.id}/publish`, { body: {} })).status).toBe(201)
  return (await loadEnteringCampaign(system.sql, system.demoAccountId!, created.body.id))!
}

it('enrols a batch as enrolContact would: entry rules, one enrolment per occasion, repeats find theirs', async () => {
  const campaign = await liveCampaign({ eventType: 'manual', reEntry: 'never' })
  const [anna, bernd, carla] = (await system.sql<{ id: string }[]>`select id from contacts where account_id = ${system.demoAccountId!} order by email limit 3`).map((row) => row.id)
  // Bernd was in this campaign before (the flow has no step, so his enrolment finishes at once).
  expect(await enrolContact(deps, campaign, { contactId: bernd!, occasion: 'manual:earlier' })).toMatchObject({ outcome: 'enrolled' })
  await expect.poll(async () => (await system.sql`select status from enrolments where contact_id = ${bernd!} and campaign_id = ${campaign.campaignId}`)[0]?.status, { timeout: 15_000 }).not.toBe('active')

  const entries = [anna!, anna!, bernd!, randomUUID(), carla!].map((contactId) => ({ contactId, occasion: 'manual:batch' }))
  const first = await enrolContacts(deps, campaign, entries, 4)
  expect(first).toEqual([
    { outcome: 'enrolled', enrolmentId: expect.any(String), repeated: false },
    { outcome: 'enrolled', enrolmentId: (first[0] as { enrolmentId: string }).enrolmentId, repeated: true },
    { outcome: 'skipped', reason: 're_entry_never' },
    { outcome: 'skipped', reason: 'unknown_contact' },
    { outcome: 'enrolled', enrolmentId: expect.any(String), repeated: false },
  ])
  // A retried batch (activity retry, resumed job) enrols nobody twice and finds the same enrolments.
  const again = await enrolContacts(deps, campaign, entries, 4)
  expect(again.map((outcome) => ('enrolmentId' in outcome ? [outcome.enrolmentId, outcome.repeated] : outcome.reason))).toEqual([
    [(first[0] as { enrolmentId: string }).enrolmentId, true],
    [(first[0] as { enrolmentId: string }).enrolmentId, true],
    're_entry_never',
    'unknown_contact',
    [(first[4] as { enrolmentId: string }).enrolmentId, true],
  ])
  const rows = await system.sql<{ contact_id: string; n: number }[]>`
    select contact_id, count(*)::int as n from enrolments where campaign_id = ${campaign.campaignId} group by contact_id order by contact_id`
  expect(rows).toEqual([anna, bernd, carla].map((contactId) => ({ contact_id: contactId, n: 1 })).sort((a, b) => a.contact_id!.localeCompare(b.contact_id!)))
  // Each new enrolment's workflow ran, under the enrolment's deterministic id.
  for (const [contactId, outcome] of [[anna!, first[0]], [carla!, first[4]]] as const) {
    const run = await system.client.workflow.getHandle(enrolmentWorkflowId(campaign.campaignId, contactId)).describe()
    expect((run.memo as { enrolmentId?: string }).enrolmentId).toBe((outcome as { enrolmentId: string }).enrolmentId)
  }
  // The entry wrote each new enrolment's trigger step (the batch's insert, and enrol_entry for Bernd's
  // earlier one), once, and the workflow's next step marked the output it took.
  const steps = async () =>
    system.sql<{ contact_id: string; node_id: string; visit: number; output: string | null }[]>`
      select e.contact_id, s.node_id, s.visit, s.output from enrolment_steps s join enrolments e on e.id = s.enrolment_id
      where e.campaign_id = ${campaign.campaignId} order by e.contact_id, s.entered_at, s.node_id`
  const expected = [anna!, bernd!, carla!].sort().flatMap((contactId) => [
    { contact_id: contactId, node_id: 'trigger', visit: 1, output: 'next' },
    { contact_id: contactId, node_id: 'end', visit: 1, output: null },
  ])
  await expect.poll(steps, { timeout: 15_000 }).toEqual(expected)
})

it('refuses a contact who is in the campaign right now, and one cooling down', async () => {
  const campaign = await liveCampaign({ eventType: 'manual', reEntry: 'after', coolDown: '30d' })
  const [anna, bernd] = (await system.sql<{ id: string }[]>`select id from contacts where account_id = ${system.demoAccountId!} order by email limit 2`).map((row) => row.id)
  expect(await enrolContact(deps, campaign, { contactId: anna!, occasion: 'manual:earlier' })).toMatchObject({ outcome: 'enrolled' })
  const outcomes = await enrolContacts(deps, campaign, [{ contactId: anna!, occasion: 'manual:batch' }, { contactId: bernd!, occasion: 'manual:batch' }, { contactId: bernd!, occasion: 'manual:other' }], 2)
  // Anna's first enrolment is active or, once its empty flow finished, cooling down; Bernd's second occasion finds him in.
  expect(['already_in_campaign', 'cooling_down']).toContain((outcomes[0] as { reason: string }).reason)
  expect(outcomes.slice(1)).toEqual([
    { outcome: 'enrolled', enrolmentId: expect.any(String), repeated: false },
    { outcome: 'skipped', reason: 'already_in_campaign' },
  ])
})
