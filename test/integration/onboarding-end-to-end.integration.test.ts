import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onboardingGraph } from '../../engine/examples/onboarding'
import type { ReceivedMail } from '../../server/smtp-sink'
import { startTestSystem, type TestSystem } from '../helpers/system'

// The walking skeleton end to end, on the real components: a purchase posted to the API is stored in
// Postgres, dispatched to Temporal, mailed over SMTP to the sink; clicking the tracked link in that mail
// moves the enrolment onto its "clicked" branch. The click timeout is seconds so the other branch can be
// watched too (the dev server has no time skipping).
let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem({ onboarding: onboardingGraph({ clickTimeout: '6s' }) })
})
afterAll(() => system?.stop())

const to = (address: string) => (mail: ReceivedMail) => mail.to.includes(address)
const trackedLinks = (mail: ReceivedMail) => [...mail.html.matchAll(/href="([^"]*\/t\/c\/[^"]+)"/g)].map((match) => match[1]!.replace(/&amp;/g, '&'))

async function purchase(email: string, product: string) {
  const response = await system.api('/api/events', { body: { type: 'purchase', contact: { email }, properties: { product } } })
  expect(response.status).toBe(202)
  return response.body as { eventId: string; contactId: string }
}

describe('a purchase starts the onboarding campaign', () => {
  it('mails a French contact in French, and a click on the tracked link leads to the "clicked" follow-up', async () => {
    const claire = 'claire.dupont@dupont-industrie.example'
    const { contactId } = await purchase(claire, 'HydroStat 2000')

    const [welcome] = await system.sink!.waitFor(to(claire), 1, 30_000)
    expect(welcome!.subject).toContain('HydroStat 2000')
    expect(welcome!.html).toContain('Bonjour Madame Dupont')
    expect(welcome!.html).toContain('HydroStat 2000')
    expect(welcome!.html).toMatch(/Kessler Hydraulique France SAS/)
    expect(welcome!.html).not.toMatch(/Sehr geehrte|Amtsgericht/)
    expect(welcome!.text).toContain('Bonjour Madame Dupont')
    expect(welcome!.messageId).toMatch(/^<[0-9a-f-]{36}\.welcome\.1@kessler-hydraulik\.example>$/)
    expect(welcome!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click')

    // The enrolment is visible in Temporal, running, under its deterministic id.
    const [campaign] = await system.sql<{ id: string }[]>`select id from campaigns where name = 'Onboarding after purchase'`
    const description = await system.client.workflow.getHandle(`enrolment-${campaign!.id}-${contactId}`).describe()
    expect(description.status.name).toBe('RUNNING')

    const links = trackedLinks(welcome!)
    expect(links.length).toBeGreaterThan(0)
    const click = await fetch(links[0]!, { redirect: 'manual' })
    expect(click.status).toBe(302)
    expect(click.headers.get('location')).toMatch(/^https:\/\/www\.kessler-hydraulik\.example\//)

    const mails = await system.sink!.waitFor(to(claire), 2, 30_000)
    const followUp = mails[1]!
    // The clicked branch's mail (care tips), not the reminder; still French and personal.
    expect(followUp.messageId).toContain('.care-tips.1@')
    expect(followUp.html).toContain('Bonjour Madame Dupont')

    const [clickEvent] = await system.sql`select properties from events where contact_id = ${contactId} and type = 'click'`
    expect(clickEvent!.properties).toMatchObject({ campaignId: campaign!.id, nodeId: 'welcome' })
    await expect.poll(async () => (await system.sql`select status from enrolments where contact_id = ${contactId}`)[0]!.status, { timeout: 15_000 }).toBe('completed')
  })

  it('sends a German contact who does not click the reminder once the wait times out', async () => {
    const jonas = 'jonas.becker@becker-maschinenbau.example'
    await purchase(jonas, 'HydroStat 3000')
    const [welcome] = await system.sink!.waitFor(to(jonas), 1, 30_000)
    expect(welcome!.html).toContain('Sehr geehrter Herr Becker')
    expect(welcome!.html).toContain('HydroStat 3000')
    const mails = await system.sink!.waitFor(to(jonas), 2, 30_000)
    expect(mails[1]!.messageId).toContain('.reminder.1@')
    expect(mails.some((mail) => mail.messageId.includes('.care-tips.'))).toBe(false)
  })

  it('never mails a contact without consent, and records why', async () => {
    const pablo = 'pablo.ruiz@ruiz-hidraulica.example'
    const { contactId } = await purchase(pablo, 'HydroStat 2000')
    await expect
      .poll(async () => (await system.sql`select status, reason from messages where contact_id = ${contactId}`)[0], { timeout: 30_000 })
      .toMatchObject({ status: 'suppressed', reason: expect.stringContaining('no_consent') })
    await expect.poll(async () => (await system.sql`select exit_reason from enrolments where contact_id = ${contactId}`)[0]?.exit_reason, { timeout: 15_000 }).toBe('no_consent')
    expect(system.sink!.mails().filter(to(pablo))).toEqual([])
  })

  it('answers a tampered tracking link with 400 and records nothing', async () => {
    const [mail] = system.sink!.mails()
    const link = trackedLinks(mail!)[0]!
    const before = (await system.sql`select count(*)::int as n from events where type = 'click'`)[0]!.n
    const token = link.split('/t/c/')[1]!
    const [body, signature] = token.split('.')
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString())
    const forged = `${Buffer.from(JSON.stringify({ ...payload, u: 'https://evil.example/' })).toString('base64url')}.${signature}`
    const response = await fetch(`${system.baseUrl}/t/c/${forged}`, { redirect: 'manual' })
    expect(response.status).toBe(400)
    expect((await system.sql`select count(*)::int as n from events where type = 'click'`)[0]!.n).toBe(before)
  })

  it('keeps a contact in one enrolment per campaign when purchases arrive together', async () => {
    const anna = 'anna.schmidt@schmidt-pressen.example'
    await Promise.all([purchase(anna, 'HydroStat 2000'), purchase(anna, 'HydroStat 2000'), purchase(anna, 'HydroStat 2000')])
    await system.sink!.waitFor(to(anna), 1, 30_000)
    const rows = await system.sql`select e.id from enrolments e join contacts c on c.id = e.contact_id where c.email = ${anna}`
    expect(rows).toHaveLength(1)
    // Give the other two events time to be dispatched, then check there is still one welcome mail.
    await expect.poll(async () => (await system.sql`select count(*)::int as n from events where dispatched_at is null`)[0]!.n, { timeout: 15_000 }).toBe(0)
    expect(system.sink!.mails().filter(to(anna)).filter((mail) => mail.messageId.includes('.welcome.'))).toHaveLength(1)
  })
})
