import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Simulation runs the production workflow on Temporal's time-skipping test server: the demo's
// onboarding campaign waits three real days for a click, which takes seconds here. Nothing is sent or stored.
let system: TestSystem
let campaignId: string
beforeAll(async () => {
  system = await startTestSystem({ runWorker: false })
  campaignId = (await system.sql<{ id: string }[]>`select id from campaigns where name = 'Onboarding after purchase'`)[0]!.id
})
afterAll(() => system?.stop())

const simulate = (body: unknown) => system.api(`/api/campaigns/${campaignId}/simulate`, { body })
const counts = async () => (await system.sql`select (select count(*)::int from messages) as messages, (select count(*)::int from enrolments) as enrolments, (select count(*)::int from events) as events`)[0]

describe('campaign simulation', () => {
  it('shows the "not clicked" path with the reminder three days later when the contact never clicks', async () => {
    const before = await counts()
    const response = await simulate({ source: 'live', contact: { email: 'claire.dupont@dupont-industrie.example' }, trigger: { product: 'HydroStat 2000' }, horizon: '30d' })
    expect(response.status).toBe(200)
    const { timeline, mails, outcome } = response.body
    expect(outcome).toEqual({ status: 'completed' })
    expect(mails.map((mail: { nodeId: string }) => mail.nodeId)).toEqual(['welcome', 'reminder'])
    expect(mails[0].subject).toContain('HydroStat 2000') // rendered in French for Claire, not sent
    const gap = Date.parse(mails[1].at) - Date.parse(mails[0].at)
    expect(gap).toBeGreaterThanOrEqual(3 * 86_400_000)
    expect(gap).toBeLessThan(3 * 86_400_000 + 60_000)
    expect(timeline.find((entry: { nodeId?: string; kind: string }) => entry.nodeId === 'guide-clicked' && entry.kind === 'step').label).toContain('not clicked within 3 days')
    expect(response.body.tookMs).toBeLessThan(60_000) // three days in well under a minute of wall time
    // Sends nothing, stores nothing.
    expect(await counts()).toEqual(before)
    expect(system.sink!.mails()).toEqual([])
  })

  it('follows scripted behaviour: a click on day 2 leads to the care tips mail on day 2', async () => {
    const response = await simulate({
      contact: { email: 'jonas.becker@becker-maschinenbau.example' },
      script: [
        { at: '1d', type: 'open', mail: 'welcome' },
        { at: '2d', type: 'click', mail: 'welcome' },
      ],
    })
    expect(response.status).toBe(200)
    const { mails, timeline } = response.body
    expect(mails.map((mail: { nodeId: string }) => mail.nodeId)).toEqual(['welcome', 'care-tips'])
    expect(mails[1].subject).toMatch(/^Profi-Tipps: So reinigen/) // German for Jonas
    const careTips = timeline.find((entry: { nodeId?: string; kind: string }) => entry.nodeId === 'care-tips' && entry.kind === 'step')
    expect(careTips.offset).toBe('2 days')
    expect(timeline.filter((entry: { kind: string }) => entry.kind === 'event').map((entry: { label: string }) => entry.label)).toEqual(['open (mail of step welcome)', 'click (mail of step welcome)'])
  })

  it('refuses a script naming a mail step that does not exist, and an unknown contact', async () => {
    const badMail = await simulate({ contact: { email: 'jonas.becker@becker-maschinenbau.example' }, script: [{ at: '1d', type: 'click', mail: 'wellcome' }] })
    expect(badMail.status).toBe(400)
    expect(badMail.body.error.field).toBe('script.0.mail')
    const nobody = await simulate({ contact: { email: 'nobody@example.com' } })
    expect(nobody.status).toBe(404)
    const fr = await system.api(`/api/campaigns/${campaignId}/simulate`, { token: system.token({ subs: ['FR'] }), body: { contact: { email: 'jonas.becker@becker-maschinenbau.example' } } })
    expect(fr.status).toBe(404)
  })
})
