import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReceivedMail } from '../../server/smtp-sink'
import { enrolmentWorkflowId } from '../../engine/client'
import { EBOOK_FORM_KEY, EBOOK_URL, MARKETING_CONSENT_V1 } from '../../tracking/seed-forms'
import { startTestSystem, type TestSystem } from '../helpers/system'

// The e-book form on the real system: the public form endpoint, the confirmation mail through Temporal
// and SMTP into the sink, the signed confirmation link, the proof of consent, and the consent rule of
// the campaign send path (the demo's onboarding campaign, started by a purchase event).
let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem()
})
afterAll(() => system?.stop())

const to = (address: string) => (mail: ReceivedMail) => mail.to.includes(address)
const confirmLink = (mail: ReceivedMail) => /(http:\/\/\S+\/f\/confirm\/[A-Za-z0-9_.-]+)/.exec(mail.text)?.[1]
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36'

async function submit(form: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(`${system.baseUrl}/f/${form}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': BROWSER, 'x-forwarded-for': '203.0.113.7', ...headers },
    body: JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as any, cookies: response.headers.getSetCookie() }
}

async function contact(email: string) {
  const [row] = await system.sql<{ id: string; consent_status: string }[]>`select id, consent_status from contacts where email = ${email}`
  return row!
}

async function purchase(email: string) {
  const response = await system.api('/api/events', { body: { type: 'purchase', contact: { email }, properties: { product: 'HydroStat 2000' } } })
  expect(response.status).toBe(202)
}

describe('e-book form with double opt-in', () => {
  it('mails a confirmation link; confirming records the proof and only then lets marketing mail through', async () => {
    const email = 'petra.neumann@neumann-antriebe.example'
    const submitted = await submit(EBOOK_FORM_KEY, { email, first_name: 'Petra', last_name: 'Neumann', company: 'Neumann Antriebe', consent: 'on', consent_version: 1, request_id: 'req-petra-1' })
    expect(submitted.status).toBe(201)
    expect(submitted.body).toMatchObject({ doubleOptIn: 'confirmation_sent', downloadUrl: EBOOK_URL })
    expect(submitted.cookies.some((cookie) => cookie.startsWith('mt_c='))).toBe(true)
    expect((await contact(email)).consent_status).toBe('pending')

    const [mail] = await system.sink!.waitFor(to(email), 1, 30_000)
    expect(mail!.subject).toBe('Bitte bestätigen Sie Ihre Anmeldung')
    expect(mail!.text).toContain('Guten Tag Petra Neumann')
    expect(mail!.html).not.toContain('/t/o/') // transactional: no open pixel

    // Not confirmed yet: a purchase enrols her in onboarding, but its mail is suppressed, not sent.
    const { id: contactId } = await contact(email)
    await purchase(email)
    await expect
      .poll(async () => (await system.sql`select status, reason from messages where contact_id = ${contactId}`)[0], { timeout: 30_000 })
      .toMatchObject({ status: 'suppressed', reason: expect.stringContaining('no_consent') })
    expect(system.sink!.mails().filter(to(email))).toHaveLength(1)
    await expect.poll(async () => (await system.sql`select status from enrolments where contact_id = ${contactId}`)[0]?.status, { timeout: 15_000 }).not.toBe('active')

    const link = confirmLink(mail!)!
    const confirmed = await fetch(link, { headers: { 'user-agent': BROWSER, 'x-forwarded-for': '198.51.100.23' } })
    expect(confirmed.status).toBe(200)
    expect(await confirmed.text()).toContain('Ihre Anmeldung ist bestätigt')
    expect((await contact(email)).consent_status).toBe('granted')

    const proof = await system.api(`/api/contacts/${contactId}/consent`)
    expect(proof.status).toBe(200)
    expect(proof.body.status).toBe('granted')
    expect(proof.body.proofs).toHaveLength(1)
    expect(proof.body.proofs[0]).toMatchObject({
      purpose: 'marketing',
      status: 'granted',
      source: `form:${EBOOK_FORM_KEY}`,
      consentText: { version: 1, locale: 'de', text: MARKETING_CONSENT_V1.de },
      requested: { ip: '203.0.113.7', userAgent: BROWSER },
      confirmed: { ip: '198.51.100.23', userAgent: BROWSER },
    })
    expect(new Date(proof.body.proofs[0].confirmed.at).getTime()).toBeGreaterThan(Date.now() - 60_000)
    const [event] = await system.sql`select properties from events where contact_id = ${contactId} and type = 'double_opt_in_confirmed'`
    expect(event!.properties).toMatchObject({ formKey: EBOOK_FORM_KEY, consentTextVersion: 1 })

    // Confirming again changes nothing; a second purchase now gets its onboarding mail.
    expect((await fetch(link, { headers: { 'user-agent': BROWSER } })).status).toBe(200)
    expect((await system.sql`select count(*)::int as n from consent_records where contact_id = ${contactId}`)[0]!.n).toBe(1)
    await purchase(email)
    const mails = await system.sink!.waitFor(to(email), 2, 30_000)
    expect(mails[1]!.messageId).toContain('.welcome.')
  })

  it('sends one confirmation mail per request id, in the language of the contact’s subsidiary', async () => {
    const email = 'sophie.laurent@laurent-hydraulique.example'
    const body = { email, firstName: 'Sophie', consent: true, requestId: 'req-sophie' }
    const first = await submit(`${EBOOK_FORM_KEY}-fr`, body)
    const again = await submit(`${EBOOK_FORM_KEY}-fr`, body)
    expect(first.status).toBe(201)
    expect(again.status).toBe(200)
    expect(again.body.submissionId).toBe(first.body.submissionId)
    const [mail] = await system.sink!.waitFor(to(email), 1, 30_000)
    expect(mail!.subject).toBe('Veuillez confirmer votre inscription')
    expect(mail!.text).toContain('Bonjour Sophie')
    await expect.poll(async () => (await system.sql`select confirmation_status from form_submissions where id = ${first.body.submissionId}`)[0]!.confirmation_status).toBe('sent')
    expect(system.sink!.mails().filter(to(email))).toHaveLength(1)
  })

  it('delivers the e-book without consent, records form and download, and sends no confirmation', async () => {
    const email = 'kai.brandt@brandt-foerdertechnik.example'
    const response = await fetch(`${system.baseUrl}/f/${EBOOK_FORM_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ email, first_name: 'Kai', interest: 'Hydraulikaggregate' }).toString(),
    })
    expect(response.status).toBe(201)
    const page = await response.text()
    expect(page).toContain(EBOOK_URL)
    expect(page).toContain('Ihre Anfrage ist eingegangen')
    const { id, consent_status } = await contact(email)
    expect(consent_status).toBe('none')
    const events = await system.sql<{ type: string; properties: any }[]>`select type, properties from events where contact_id = ${id} order by type`
    expect(events.map((e) => e.type)).toEqual(['download', 'form'])
    expect(events[0]!.properties).toMatchObject({ asset: 'schluss-mit-antriebslosigkeit.pdf' })
    const [submission] = await system.sql`select fields, confirmation_status from form_submissions where contact_id = ${id}`
    expect(submission).toMatchObject({ confirmation_status: 'not_needed', fields: { interest: 'Hydraulikaggregate' } })
  })

  it('names the field of bad form input and refuses forged and expired confirmation links', async () => {
    const bad = await submit(EBOOK_FORM_KEY, { email: 'not-an-address', consent: true })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatchObject({ field: 'email' })
    const unknownVersion = await submit(EBOOK_FORM_KEY, { email: 'x@y.example', consent: true, consent_version: 9 })
    expect(unknownVersion.status).toBe(400)
    expect(unknownVersion.body.error).toMatchObject({ field: 'consent_version' })
    expect((await submit('no-such-form', { email: 'x@y.example' })).status).toBe(404)

    const [submission] = await system.sql<{ id: string; contact_id: string }[]>`select id, contact_id from form_submissions where confirmed_at is null and consent_text_id is not null limit 1`
    const forgedBody = Buffer.from(JSON.stringify({ s: submission!.id, x: 4_000_000_000 })).toString('base64url')
    const forged = await fetch(`${system.baseUrl}/f/confirm/${forgedBody}.c2lnbmF0dXJl`)
    expect(forged.status).toBe(400)
    expect(await forged.text()).toContain('ungültig')
    const expired = await fetch(`${system.baseUrl}/f/confirm/${system.tokens.sign('confirm', { s: submission!.id, x: Math.floor(Date.now() / 1000) - 60 })}`)
    expect(expired.status).toBe(410)
    // A scanner following the link gets a button, not a consent.
    const scanner = await fetch(`${system.baseUrl}/f/confirm/${system.tokens.sign('confirm', { s: submission!.id, x: 4_000_000_000 })}`, { headers: { 'user-agent': 'Mimecast URL scanner' } })
    expect(scanner.status).toBe(200)
    expect(await scanner.text()).toContain('<form method="post">')
    expect((await system.sql`select consent_status from contacts where id = ${submission!.contact_id}`)[0]!.consent_status).toBe('pending')
  })

  it('exports everything about a contact and erases it, keeping an audit row', async () => {
    const email = 'tom.richter@richter-pressen.example'
    await submit(EBOOK_FORM_KEY, { email, first_name: 'Tom', consent: true })
    const { id } = await contact(email)
    const exported = await system.api(`/api/contacts/${id}/export`)
    expect(exported.status).toBe(200)
    expect(exported.body.contact.email).toBe(email)
    expect(exported.body.events.map((e: { type: string }) => e.type)).toContain('form')
    expect(exported.body.formSubmissions[0].fields.firstName).toBe('Tom')

    expect((await system.api(`/api/contacts/${id}/erase`, { method: 'POST', token: system.token({ role: 'sales' }) })).status).toBe(403)
    const erased = await system.api(`/api/contacts/${id}/erase`, { method: 'POST' })
    expect(erased.status).toBe(200)
    const [row] = await system.sql`select email, first_name, consent_status from contacts where id = ${id}`
    expect(row).toMatchObject({ email: `erased-${id}@erased.invalid`, first_name: null, consent_status: 'revoked' })
    expect((await system.sql`select count(*)::int as n from events where contact_id = ${id}`)[0]!.n).toBe(0)
    const audit = await system.sql`select action from privacy_audit where contact_id = ${id} order by at`
    expect(audit.map((a) => a.action)).toEqual(['export', 'erase'])
  })

  it('stops the running enrolments of an erased contact and says how many in the audit', async () => {
    const email = 'miriam.hoffmann@hoffmann-werkzeug.example'
    await purchase(email)
    // Onboarding mails her (consent granted) and then waits days for a click: running until told otherwise.
    await system.sink!.waitFor(to(email), 1, 30_000)
    const { id } = await contact(email)
    const [enrolment] = await system.sql<{ campaign_id: string; status: string }[]>`select campaign_id, status from enrolments where contact_id = ${id}`
    expect(enrolment!.status).toBe('active')
    const handle = system.client.workflow.getHandle(enrolmentWorkflowId(enrolment!.campaign_id, id))
    expect((await handle.describe()).status.name).toBe('RUNNING')

    const erased = await system.api(`/api/contacts/${id}/erase`, { method: 'POST' })
    expect(erased.body).toMatchObject({ erased: true, enrolmentsStopped: 1 })
    // The workflow ends now, not when its click wait runs out in days.
    expect(await handle.result()).toMatchObject({ status: 'exited' })
    expect((await system.sql`select status, exit_reason from enrolments where contact_id = ${id}`)[0]).toMatchObject({ status: 'exited', exit_reason: 'erased' })
    const [audit] = await system.sql`select details from privacy_audit where contact_id = ${id} and action = 'erase'`
    expect(audit!.details).toMatchObject({ enrolmentsStopped: 1 })
  }, 60_000)
})
