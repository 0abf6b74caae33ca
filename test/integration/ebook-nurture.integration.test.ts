import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NURTURE_CAMPAIGN } from '../../engine/examples'
import type { ReceivedMail } from '../../server/smtp-sink'
import { EBOOK_FORM_KEY, EBOOK_URL } from '../../tracking/seed-forms'
import { startTestSystem, type TestSystem } from '../helpers/system'

// The demo's front door: a French visitor downloads the e-book through the FR subsidiary's form, confirms
// the opt-in mail, and only then does the seeded nurture campaign start, in French.
let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem({ seedExamples: true })
})
afterAll(() => system?.stop())

const to = (address: string) => (mail: ReceivedMail) => mail.to.includes(address)
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36'

describe(`${NURTURE_CAMPAIGN}, from the web form`, () => {
  it('starts with the e-book mail in French once the FR form’s double opt-in is confirmed, not before', async () => {
    const email = 'camille.leroy@leroy-hydraulique.example'
    const response = await fetch(`${system.baseUrl}/f/${EBOOK_FORM_KEY}-fr`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': BROWSER },
      body: JSON.stringify({ email, first_name: 'Camille', last_name: 'Leroy', company: 'Leroy Hydraulique', consent: 'on', consent_version: 1 }),
    })
    expect(response.status).toBe(201)
    expect(await response.json()).toMatchObject({ doubleOptIn: 'confirmation_sent', downloadUrl: EBOOK_URL })

    const [confirmation] = await system.sink!.waitFor(to(email), 1, 30_000)
    const link = /(http:\/\/\S+\/f\/confirm\/[A-Za-z0-9_.-]+)/.exec(confirmation!.text)?.[1]
    expect(link, confirmation!.text).toBeDefined()
    // Submitted but not confirmed: the form's events are stored and dispatched, and nobody is enrolled.
    await expect
      .poll(async () => (await system.sql`select count(*)::int as n from events e join contacts c on c.id = e.contact_id where c.email = ${email} and e.dispatched_at is null`)[0]!.n, { timeout: 20_000 })
      .toBe(0)
    expect(await system.sql`select 1 from enrolments e join contacts c on c.id = e.contact_id where c.email = ${email}`).toHaveLength(0)

    expect((await fetch(link!, { headers: { 'user-agent': BROWSER } })).status).toBe(200)
    const [, ebook] = await system.sink!.waitFor(to(email), 2, 30_000)
    expect(ebook!.subject).toMatch(/^Votre e-book «\s?Fini le manque d.entrain\s?» est prêt$/) // French typography: no-break spaces
    expect(ebook!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click')
    const [enrolment] = await system.sql<{ name: string; status: string }[]>`
      select c.name, e.status from enrolments e join campaigns c on c.id = e.campaign_id join contacts k on k.id = e.contact_id where k.email = ${email}`
    expect(enrolment).toEqual({ name: NURTURE_CAMPAIGN, status: 'active' })
  })
})
