import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onboardingGraph } from '../../engine/examples/onboarding'
import type { ReceivedMail } from '../../server/smtp-sink'
import { linearCampaign } from '../helpers/graphs'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Campaign lifecycle through the API, on the real product: Postgres, Temporal, SMTP.
let system: TestSystem
let campaignId: string
beforeAll(async () => {
  const graph = onboardingGraph({ clickTimeout: '1m' })
  graph.nodes.push({ id: 'bought-3000', type: 'goal', position: { x: 700, y: 0 }, config: { eventType: 'purchase', filter: { product: 'HydroStat 3000' } } })
  system = await startTestSystem({ onboarding: graph })
  campaignId = (await system.sql<{ id: string }[]>`select id from campaigns where name = 'Onboarding after purchase'`)[0]!.id
})
afterAll(() => system?.stop())

const to = (address: string) => (mail: ReceivedMail) => mail.to.includes(address)
const purchase = async (email: string, product = 'HydroStat 2000') => {
  const response = await system.api('/api/events', { body: { type: 'purchase', contact: { email }, properties: { product } } })
  expect(response.status).toBe(202)
  return response.body.contactId as string
}
const enrolmentOf = async (contactId: string) =>
  (await system.sql`select id, status, exit_reason, current_node_id, version_id from enrolments where contact_id = ${contactId} and campaign_id = ${campaignId} order by started_at desc limit 1`)[0]

describe('campaign lifecycle', () => {
  it('lists enrolments by step and shows one enrolment’s path, within the caller’s subsidiaries', async () => {
    const contactId = await purchase('lukas.weber@weber-kunststoff.example')
    await system.sink!.waitFor(to('lukas.weber@weber-kunststoff.example'))
    await expect.poll(async () => (await enrolmentOf(contactId))?.current_node_id, { timeout: 15_000 }).toBe('guide-clicked')
    const list = await system.api(`/api/campaigns/${campaignId}/enrolments?step=guide-clicked`)
    expect(list.status).toBe(200)
    const mine = list.body.enrolments.find((e: { contact: { id: string } }) => e.contact.id === contactId)
    expect(mine).toMatchObject({ status: 'active', currentNodeId: 'guide-clicked', version: 1, contact: { subsidiary: 'DE' } })
    const detail = await system.api(`/api/enrolments/${mine.id}`)
    expect(detail.body.history.map((step: { nodeId: string; output: string | null }) => [step.nodeId, step.output])).toEqual([
      ['purchase', 'next'],
      ['welcome', 'next'],
      ['guide-clicked', null], // still waiting: no output yet
    ])
    expect(detail.body.messages).toEqual([expect.objectContaining({ nodeId: 'welcome', status: 'sent' })])
    // A French marketer sees neither the German contact's enrolment nor its details.
    const fr = system.token({ subs: ['FR'] })
    expect((await system.api(`/api/campaigns/${campaignId}/enrolments`, { token: fr })).body.enrolments.some((e: { id: string }) => e.id === mine.id)).toBe(false)
    expect((await system.api(`/api/enrolments/${mine.id}`, { token: fr })).status).toBe(404)
    // Temporal finds it by campaign and step too (search attributes, as in the Web UI).
    const found: string[] = []
    for await (const workflow of system.client.workflow.list({ query: `CampaignId = '${campaignId}' AND EnrolmentStep = 'guide-clicked'` })) found.push(workflow.workflowId)
    expect(found).toContain(`enrolment-${campaignId}-${contactId}`)
  })

  it('converts an enrolment when its goal event arrives, and records the conversion', async () => {
    const contactId = await purchase('miriam.hoffmann@hoffmann-werkzeug.example')
    await expect.poll(async () => (await enrolmentOf(contactId))?.current_node_id, { timeout: 15_000 }).toBe('guide-clicked')
    await purchase('miriam.hoffmann@hoffmann-werkzeug.example', 'HydroStat 3000')
    await expect.poll(async () => (await enrolmentOf(contactId))?.status, { timeout: 15_000 }).toBe('converted')
    const [conversion] = await system.sql`select goal_node_id from conversions where contact_id = ${contactId}`
    expect(conversion!.goal_node_id).toBe('bought-3000')
  })

  it('holds mail while paused, counts who is affected, and sends it after resume', async () => {
    const pause = await system.api(`/api/campaigns/${campaignId}/pause`, { method: 'POST' })
    expect(pause.status).toBe(200)
    expect(pause.body.status).toBe('paused')
    expect(pause.body.affected).toBeGreaterThanOrEqual(1)
    expect((await system.api(`/api/campaigns/${campaignId}/pause`, { method: 'POST' })).status).toBe(409)

    const giulia = 'giulia.bianchi@bianchi-stampi.example'
    const contactId = await purchase(giulia)
    await expect.poll(async () => (await enrolmentOf(contactId))?.current_node_id, { timeout: 15_000 }).toBe('welcome')
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    expect(system.sink!.mails().filter(to(giulia))).toEqual([])

    const resume = await system.api(`/api/campaigns/${campaignId}/resume`, { method: 'POST' })
    expect(resume.body).toMatchObject({ status: 'live' })
    const [mail] = await system.sink!.waitFor(to(giulia), 1, 20_000)
    expect(mail!.html).toContain('Gentile Signora Bianchi')
  })

  it('defers mail beyond the weekly frequency cap instead of sending it', async () => {
    await system.sql`update accounts set frequency_cap_per_week = 1`
    try {
      const julien = 'julien.martin@martin-mecanique.example'
      const contactId = await purchase(julien)
      await system.sink!.waitFor(to(julien))
      // A second campaign wants to mail Julien the same week: its mail waits for next week's slot.
      const created = await system.api('/api/campaigns', {
        body: { name: 'Spare parts offer', kind: 'cross_sell', graph: { ...onboardingGraph(), nodes: onboardingGraph().nodes.map((n) => (n.type === 'trigger' ? { ...n, config: { eventType: 'spare_parts_interest', filter: {} } } : n)) } },
      })
      expect((await system.api(`/api/campaigns/${created.body.id}/publish`, { method: 'POST' })).status).toBe(201)
      expect((await system.api('/api/events', { body: { type: 'spare_parts_interest', contact: { email: julien } } })).status).toBe(202)
      await expect
        .poll(async () => (await system.sql`select current_node_id from enrolments where contact_id = ${contactId} and campaign_id = ${created.body.id}`)[0]?.current_node_id, { timeout: 15_000 })
        .toBe('welcome')
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      expect(system.sink!.mails().filter(to(julien))).toHaveLength(1)
      expect(await system.sql`select 1 from messages where contact_id = ${contactId} and campaign_id = ${created.body.id}`).toHaveLength(0)
    } finally {
      await system.sql`update accounts set frequency_cap_per_week = 5`
    }
  })

  it('holds mail during quiet hours on the contact’s clock', async () => {
    // A send window open only the day after tomorrow (Madrid time, Javier's subsidiary): closed now.
    const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']
    const madridToday = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Madrid', weekday: 'short' }).format(new Date()).toLowerCase()
    const openDay = weekdays[(weekdays.indexOf(madridToday) + 2) % 7]!
    await system.sql`update accounts set send_window = ${system.sql.json({ days: [openDay], from: '09:00', until: '17:00' })}`
    try {
      const javier = 'javier.garcia@garcia-prensas.example'
      const contactId = await purchase(javier)
      await expect.poll(async () => (await enrolmentOf(contactId))?.current_node_id, { timeout: 15_000 }).toBe('welcome')
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      expect(system.sink!.mails().filter(to(javier))).toEqual([])
      expect(await system.sql`select 1 from messages where contact_id = ${contactId}`).toHaveLength(0)
    } finally {
      await system.sql`update accounts set send_window = null`
    }
  })

  it('keeps running enrolments on their version while a new version takes new entries', async () => {
    const elodie = await purchase('elodie.bernard@bernard-plasturgie.example')
    await expect.poll(async () => (await enrolmentOf(elodie))?.current_node_id, { timeout: 15_000 }).toBe('guide-clicked')
    const v1 = (await enrolmentOf(elodie))!.version_id
    // Version 2 waits only 1 s for the click.
    expect((await system.api(`/api/campaigns/${campaignId}/draft`, { method: 'PUT', body: { graph: onboardingGraph({ clickTimeout: '1s' }) } })).status).toBe(200)
    expect((await system.api(`/api/campaigns/${campaignId}/publish`, { method: 'POST' })).status).toBe(201)
    const anna = await purchase('anna.schmidt@schmidt-pressen.example')
    await system.sink!.waitFor(to('anna.schmidt@schmidt-pressen.example'), 2, 20_000) // welcome + reminder after 1 s
    expect((await enrolmentOf(anna))!.version_id).not.toBe(v1)
    // Élodie, on version 1, is still waiting for her click (1 minute).
    expect(await enrolmentOf(elodie)).toMatchObject({ status: 'active', current_node_id: 'guide-clicked', version_id: v1 })
  })

  it('reports per step how many entered, wait there and took each output, e.g. the arms of an A/B split', async () => {
    const graph = linearCampaign({ eventType: 'price_list_requested' }, [])
    graph.nodes = graph.nodes.filter((node) => node.id !== 'end')
    graph.edges = []
    graph.nodes.push(
      { id: 'subject-test', type: 'ab_split', position: { x: 0, y: 120 }, config: { arms: [{ name: 'A', weight: 50 }, { name: 'B', weight: 50 }] } },
      { id: 'mail-a', type: 'send_email', position: { x: -150, y: 240 }, config: { template: 'onboarding-welcome' } },
      { id: 'mail-b', type: 'send_email', position: { x: 150, y: 240 }, config: { template: 'onboarding-check-in' } },
      { id: 'hold', type: 'wait', position: { x: 0, y: 360 }, config: { duration: '1d' } },
      { id: 'done', type: 'end', position: { x: 0, y: 480 }, config: {} },
    )
    graph.edges.push(
      { id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'subject-test' },
      { id: 'e2', source: 'subject-test', sourceHandle: 'A', target: 'mail-a' },
      { id: 'e3', source: 'subject-test', sourceHandle: 'B', target: 'mail-b' },
      { id: 'e4', source: 'mail-a', sourceHandle: 'next', target: 'hold' },
      { id: 'e5', source: 'mail-b', sourceHandle: 'next', target: 'hold' },
      { id: 'e6', source: 'hold', sourceHandle: 'next', target: 'done' },
    )
    const created = await system.api('/api/campaigns', { body: { name: 'Price list A/B', graph } })
    expect(created.status).toBe(201)
    const published = await system.api(`/api/campaigns/${created.body.id}/publish`, { method: 'POST' })
    expect(published.status, JSON.stringify(published.body)).toBe(201)
    const contacts = await system.sql<{ email: string }[]>`select email from contacts where consent_status = 'granted' order by email`
    for (const { email } of contacts) expect((await system.api('/api/events', { body: { type: 'price_list_requested', contact: { email } } })).status).toBe(202)
    const report = async () => (await system.api(`/api/campaigns/${created.body.id}/steps`)).body
    await expect.poll(async () => (await report()).steps.hold?.waiting, { timeout: 30_000 }).toBe(contacts.length)
    const { steps, enrolments } = await report()
    expect(steps['subject-test'].entered).toBe(contacts.length)
    expect(steps['subject-test'].outputs.A + steps['subject-test'].outputs.B).toBe(contacts.length)
    expect(steps['mail-a'].entered).toBe(steps['subject-test'].outputs.A)
    expect(enrolments).toEqual({ active: contacts.length })
  })

  it('stops: every running enrolment leaves at once and the campaign takes no new entries', async () => {
    const stop = await system.api(`/api/campaigns/${campaignId}/stop`, { method: 'POST' })
    expect(stop.status).toBe(200)
    expect(stop.body.affected).toBeGreaterThanOrEqual(1)
    await expect.poll(async () => (await system.sql`select count(*)::int as n from enrolments where campaign_id = ${campaignId} and status = 'active'`)[0]!.n, { timeout: 20_000 }).toBe(0)
    // Élodie was still waiting a minute for her click: she leaves now, not when her timer ends.
    const elodie = (await system.sql`select id from contacts where email = 'elodie.bernard@bernard-plasturgie.example'`)[0]!.id
    expect(await enrolmentOf(elodie)).toMatchObject({ status: 'exited', exit_reason: 'campaign_stopped' })
    const lucia = await purchase('lucia.fernandez@fernandez-metal.example')
    await expect.poll(async () => (await system.sql`select count(*)::int as n from events where dispatched_at is null`)[0]!.n, { timeout: 10_000 }).toBe(0)
    expect(await enrolmentOf(lucia)).toBeUndefined()
  })
})
