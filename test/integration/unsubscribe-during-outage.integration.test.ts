import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { UnsubscribePayload } from '../../activities/send-campaign-email'
import { startSmtpSink, type SmtpSink } from '../../server/smtp-sink'
import { freePort } from '../helpers/ports'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Issue 10.1 on the real components: the mail relay refuses connections while the onboarding campaign
// sends its welcome mail; one contact unsubscribes by the one-click POST during the outage. When the
// relay is back, Temporal's retries deliver everyone else's mail exactly once and nothing reaches the
// contact who left. The relay is a port nobody listens on, then an SMTP server on that same port.
// (Branch `topology`, issue 18, builds its fault tests on this one.)
const STAYING = ['jonas.becker@becker-maschinenbau.example', 'claire.dupont@dupont-industrie.example', 'marco.rossi@rossi-macchine.example']
const LEAVING = 'lucia.fernandez@fernandez-metal.example'

let system: TestSystem
let relay: SmtpSink | null = null
let relayPort: number
beforeAll(async () => {
  relayPort = await freePort()
  system = await startTestSystem({ env: { SMTP_URL: `smtp://127.0.0.1:${relayPort}` } })
})
afterAll(async () => {
  await system?.stop()
  await relay?.stop()
})

const welcomeRows = () =>
  system.sql<{ recipient: string; status: string; attempts: number; reason: string | null; message_id: string; contact_id: string }[]>`
    select recipient, status, attempts, reason, message_id, contact_id from messages where node_id = 'welcome' order by recipient`

describe('an unsubscribe while the mail relay is down', () => {
  it('is honoured by the retry: the others get the mail exactly once, the contact who left gets nothing', async () => {
    for (const email of [...STAYING, LEAVING]) {
      const response = await system.api('/api/events', { body: { type: 'purchase', contact: { email }, properties: { product: 'HydroStat 2000' } } })
      expect(response.status).toBe(202)
    }
    // Every first attempt has met the refusing relay; nothing was delivered, Temporal will retry.
    await expect.poll(async () => (await welcomeRows()).filter((row) => row.status === 'failed').length, { timeout: 30_000 }).toBe(4)

    const leaving = (await welcomeRows()).find((row) => row.recipient === LEAVING)!
    const token = system.tokens.sign('unsubscribe', { a: system.demoAccountId!, c: leaving.contact_id, m: leaving.message_id } satisfies UnsubscribePayload)
    const unsubscribe = await fetch(`${system.baseUrl}/u/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })
    expect(unsubscribe.status).toBe(200)

    relay = await startSmtpSink({ port: relayPort })
    const delivered = await relay.waitFor((mail) => STAYING.some((email) => mail.to.includes(email)), STAYING.length, 60_000)
    expect(delivered.map((mail) => mail.to[0]).sort()).toEqual([...STAYING].sort())
    // The leaving contact's retry came after the relay was back, and was stopped before SMTP.
    await expect.poll(async () => (await welcomeRows()).find((row) => row.recipient === LEAVING)?.status, { timeout: 60_000 }).toBe('suppressed')
    await expect.poll(async () => (await welcomeRows()).filter((row) => row.status === 'sent').length, { timeout: 10_000 }).toBe(STAYING.length)

    const rows = await welcomeRows()
    expect(rows.find((row) => row.recipient === LEAVING)).toMatchObject({ status: 'suppressed', reason: 'no_consent: consent is revoked' })
    for (const email of STAYING) expect(rows.find((row) => row.recipient === email)).toMatchObject({ status: 'sent' })
    expect(relay.mails().filter((mail) => mail.to.includes(LEAVING))).toEqual([])
    for (const email of STAYING) expect(relay.mails().filter((mail) => mail.to.includes(email))).toHaveLength(1)
    // The enrolment ends on the suppressed path instead of waiting for a click on a mail that never left.
    await expect.poll(async () => (await system.sql`select status from enrolments where contact_id = ${leaving.contact_id}`)[0]?.status, { timeout: 15_000 }).not.toBe('active')
  })
})
