import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReceivedMail } from '../../server/smtp-sink'
import { doubleOptInWorkflowId } from '../../engine/workflows/double-opt-in'
import { startBottleCrm, type BottleCrm } from '../helpers/bottlecrm'
import { artifact, launchChromium } from '../helpers/browser'
import { startTestSystem, type TestSystem } from '../helpers/system'
import { connectCrm, syncNow as syncCrmNow } from '../helpers/crm-sync'

// Against a real BottleCRM (tools/bottlecrm), the parts of the CRM sync a person meets around consent and
// identity: a lead made in the CRM arrives in the pool with its subsidiary and the CRM's consent (or none,
// and then no marketing mail); a contact without consent is asked for it with the real double opt-in mail
// (API, and the button on its profile in Chromium; needs `npm run build:designer`); an e-mail change made
// in the product updates the same CRM record; campaign memberships arrive in the CRM as tags.
let system: TestSystem
let crm: BottleCrm
let browser: Browser
let adminToken: string
const CAMPAIGN = 'Welcome for new CRM leads (test)'

beforeAll(async () => {
  ;[crm, system, browser] = await Promise.all([startBottleCrm(), startTestSystem({ env: { CRM_PAGE_SIZE: '50' } }), launchChromium()])
  adminToken = await system.token({ sub: 'hq-admin', role: 'admin', subs: '*' })
  await connectCrm(system, adminToken, crm)
}, 600_000)
afterAll(async () => {
  await browser?.close()
  await system?.stop()
  await crm?.stop()
})

const to = (address: string) => (mail: ReceivedMail) => mail.to.includes(address)
const confirmLink = (mail: ReceivedMail) => /(http:\/\/\S+\/f\/confirm\/[A-Za-z0-9_.-]+)/.exec(mail.text)?.[1]

const syncNow = () => syncCrmNow(system, adminToken)

/** The pool's contact behind a CRM record, with what a person would check. */
async function linked(crmId: string) {
  const [row] = await system.sql<{ id: string; email: string; consent_status: string; consent_source: string | null; subsidiary: string; company: string | null; object_type: string }[]>`
    select c.id, c.email, c.consent_status, c.consent_source, s.code as subsidiary, c.company, l.object_type
    from crm_links l join contacts c on c.id = l.contact_id join subsidiaries s on s.id = c.subsidiary_id where l.crm_id = ${crmId}`
  return row
}

let campaignId: string
let leoId: string

describe('a lead created in BottleCRM', () => {
  it('is in the pool after the next sync with its subsidiary and consent as the CRM records it; no marketing mail without consent', async () => {
    const graph = {
      nodes: [
        { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, config: { kind: 'event', eventType: 'crm.lead_created', filter: {}, reEntry: 'never' } },
        { id: 'welcome', type: 'send_email', position: { x: 0, y: 120 }, config: { template: 'crosssell-overview' } },
        { id: 'end', type: 'end', position: { x: 0, y: 240 }, config: {} },
      ],
      edges: [
        { id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'welcome' },
        { id: 'e2', source: 'welcome', sourceHandle: 'next', target: 'end' },
      ],
    }
    const created = await system.api('/api/campaigns', { body: { name: CAMPAIGN, kind: 'cross_sell', graph } })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    campaignId = created.body.id
    expect((await system.api(`/api/campaigns/${campaignId}/publish`, { body: {} })).status).toBe(201)

    // A sales rep enters two leads in the CRM: one who agreed on the phone (the CRM's opt-in fields), one without.
    const lea = await crm.api('POST', 'leads/', { first_name: 'Léa', last_name: 'Moreau', email: 'lea.moreau@moreau-hydraulique.example', company_name: 'Moreau Hydraulique SARL', country: 'FR', custom_fields: { email_opt_in: true, email_opt_in_source: 'phone call 2026-11-30' } })
    const leo = await crm.api('POST', 'leads/', { first_name: 'Leonardo', last_name: 'Bianchi', email: 'leonardo.bianchi@bianchi-presse.example', company_name: 'Bianchi Presse S.p.A.', country: 'IT' })
    const run = await syncNow()
    expect(run).toMatchObject({ status: 'done', errors: 0 })
    expect(run.recordsIn).toBeGreaterThanOrEqual(2)

    const withConsent = await linked(lea.id)
    expect(withConsent).toMatchObject({ object_type: 'lead', email: 'lea.moreau@moreau-hydraulique.example', subsidiary: 'FR', company: 'Moreau Hydraulique SARL', consent_status: 'granted', consent_source: 'crm (obtained outside: phone call 2026-11-30)' })
    const without = await linked(leo.id)
    expect(without).toMatchObject({ object_type: 'lead', subsidiary: 'IT', company: 'Bianchi Presse S.p.A.', consent_status: 'none' })
    leoId = without!.id
    // One "new lead in the CRM" event each: what the campaign started on.
    const events = await system.sql<{ email: string }[]>`select c.email from events e join contacts c on c.id = e.contact_id where e.type = 'crm.lead_created' order by c.email`
    expect(events.map((e) => e.email)).toEqual(['lea.moreau@moreau-hydraulique.example', 'leonardo.bianchi@bianchi-presse.example'])

    // Both are in the campaign; Léa's mail goes out, Leonardo's is suppressed for want of consent.
    await system.sink!.waitFor(to('lea.moreau@moreau-hydraulique.example'), 1, 30_000)
    await expect.poll(async () => (await system.sql<{ status: string; reason: string | null }[]>`select status, reason from messages where contact_id = ${leoId}`)[0], { timeout: 30_000 }).toMatchObject({ status: 'suppressed', reason: expect.stringContaining('no_consent') })
    expect(system.sink!.mails().filter(to('leonardo.bianchi@bianchi-presse.example'))).toEqual([])

    expect((await system.api(`/api/contacts/${withConsent!.id}/profile`)).body.offerDoubleOptIn).toBe(false)
    const profile = await system.api(`/api/contacts/${leoId}/profile`)
    expect(profile.body.offerDoubleOptIn).toBe(true)
    expect(profile.body.crm).toEqual([expect.objectContaining({ type: 'lead', crmId: leo.id })])
  })

  it('is asked for consent with the real double opt-in mail (once, however often asked); its link grants consent with our own proof', async () => {
    const asked = await system.api(`/api/contacts/${leoId}/double-opt-in`, { body: {} })
    expect(asked.status, JSON.stringify(asked.body)).toBe(202)
    // Leonardo is in the Italian pool: the Italian subsidiary's form, its consent text, the Italian mail.
    expect(asked.body).toMatchObject({ doubleOptIn: 'confirmation_sent', form: 'ebook-antriebslosigkeit-it' })
    const again = await system.api(`/api/contacts/${leoId}/double-opt-in`, { body: {} })
    expect(again.body.submissionId).toBe(asked.body.submissionId)
    const noForm = await system.api(`/api/contacts/${leoId}/double-opt-in`, { body: { formKey: 'no-such-form' } })
    expect(noForm.status).toBe(409)
    expect(noForm.body.error).toMatchObject({ code: 'no_consent_form', field: 'formKey' })
    expect(await system.client.workflow.getHandle(doubleOptInWorkflowId(asked.body.submissionId)).result()).toBe('sent')
    const mails = system.sink!.mails().filter(to('leonardo.bianchi@bianchi-presse.example'))
    expect(mails).toHaveLength(1)
    expect(mails[0]!.subject).toBe('Conferma la tua iscrizione')
    expect(mails[0]!.text).toContain('Buongiorno Leonardo Bianchi')
    expect((await system.sql`select consent_status from contacts where id = ${leoId}`)[0]!.consent_status).toBe('pending')
    // Asking is not a form the person filled in: no form or download event, so no e-book campaign starts.
    expect(await system.sql`select type from events where contact_id = ${leoId} and type in ('form', 'download')`).toEqual([])

    const confirmed = await fetch(confirmLink(mails[0]!)!, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0' } })
    expect(confirmed.status).toBe(200)
    const [after] = await system.sql<{ consent_status: string; consent_source: string }[]>`select consent_status, consent_source from contacts where id = ${leoId}`
    expect(after!.consent_status).toBe('granted')
    expect(after!.consent_source).toMatch(/^double opt-in/)
    const profile = await system.api(`/api/contacts/${leoId}/profile`)
    expect(profile.body.offerDoubleOptIn).toBe(false)
    expect(profile.body.consent).toEqual([expect.objectContaining({ status: 'granted', doubleOptIn: true })])
    expect(profile.body.consentRequest).toMatchObject({ status: 'sent' })

    // Granted already: nothing to ask, no mail. Unsubscribed: not asked. Unknown contact: 404.
    expect((await system.api(`/api/contacts/${leoId}/double-opt-in`, { body: {} })).body).toMatchObject({ doubleOptIn: 'already_granted' })
    const [revoked] = await system.sql<{ id: string }[]>`update contacts set consent_status = 'revoked' where email = 'lea.moreau@moreau-hydraulique.example' returning id`
    const refused = await system.api(`/api/contacts/${revoked!.id}/double-opt-in`, { body: {} })
    expect(refused.status).toBe(409)
    expect(refused.body.error).toMatchObject({ code: 'consent_revoked', field: 'id' })
    expect((await system.api('/api/contacts/00000000-0000-4000-8000-000000000000/double-opt-in', { body: {} })).status).toBe(404)
    expect(system.sink!.mails().filter(to('leonardo.bianchi@bianchi-presse.example'))).toHaveLength(1)
    expect(system.sink!.mails().filter(to('lea.moreau@moreau-hydraulique.example'))).toHaveLength(1)
  })
})

describe('a CRM contact without consent, on its profile in the browser', () => {
  it('"Send double opt-in mail" sends the real mail and the profile shows it', async () => {
    const dora = await crm.api('POST', 'contacts/', { first_name: 'Dora', last_name: 'Schulte', email: 'dora.schulte@schulte-antriebe.example', organization: 'Schulte Antriebe GmbH', country: 'DE' })
    await syncNow()
    const contact = await linked(dora.id)
    expect(contact).toMatchObject({ subsidiary: 'DE', consent_status: 'none' })

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${system.baseUrl}/?view=contacts&contact=${contact!.id}&lang=de#token=${await system.token()}`)
    const profile = page.getByTestId('contact-profile')
    await expect.poll(() => profile.innerText(), { timeout: 15_000 }).toContain('Noch keine Einwilligung für Marketing-E-Mails')
    await profile.getByRole('button', { name: 'Double-Opt-in-Mail senden' }).click()
    await expect.poll(() => profile.getByRole('status').innerText(), { timeout: 15_000 }).toContain('Double-Opt-in-Mail an dora.schulte@schulte-antriebe.example gesendet')
    const [mail] = await system.sink!.waitFor(to('dora.schulte@schulte-antriebe.example'), 1, 30_000)
    expect(mail!.subject).toBe('Bitte bestätigen Sie Ihre Anmeldung')
    await expect.poll(() => profile.getByTestId('consent-request').innerText(), { timeout: 15_000 }).toContain('Double-Opt-in')
    await page.screenshot({ path: artifact('crm-contact-double-opt-in.png'), fullPage: true })
    expect((await system.sql`select consent_status from contacts where id = ${contact!.id}`)[0]!.consent_status).toBe('pending')
    expect(errors).toEqual([])
    await page.close()
  })
})

describe('an e-mail change made in the product', () => {
  it('updates the same BottleCRM record: one identity, no second CRM contact', async () => {
    const emil = await crm.api('POST', 'contacts/', { first_name: 'Emil', last_name: 'Wechsler', email: 'emil.wechsler@alt-wechsler.example', organization: 'Wechsler Pumpen KG', country: 'DE' })
    await syncNow()
    const contact = await linked(emil.id)
    const changed = await system.api(`/api/contacts/${contact!.id}`, { method: 'PATCH', body: { email: 'emil.wechsler@neu-wechsler.example' } })
    expect(changed.status, JSON.stringify(changed.body)).toBe(200)
    expect(changed.body.changes.email).toEqual({ from: 'emil.wechsler@alt-wechsler.example', to: 'emil.wechsler@neu-wechsler.example' })
    // An address another contact has is refused, naming the field, and nothing changes.
    const taken = await system.api(`/api/contacts/${contact!.id}`, { method: 'PATCH', body: { email: 'dora.schulte@schulte-antriebe.example' } })
    expect(taken.status).toBe(409)
    expect(taken.body.error).toMatchObject({ code: 'email_taken', field: 'email' })

    const run = await syncNow()
    expect(run).toMatchObject({ status: 'done', errors: 0 })
    expect(run.recordsOut).toBeGreaterThanOrEqual(1)
    expect((await crm.api('GET', `contacts/${emil.id}/`)).contact_obj.email).toBe('emil.wechsler@neu-wechsler.example')
    // BottleCRM holds one Emil: neither address names a second contact.
    const inCrm = (await crm.api('GET', 'contacts/?limit=50&email=wechsler')).results
    expect(inCrm.map((c: { id: string; email: string }) => [c.id, c.email])).toEqual([[emil.id, 'emil.wechsler@neu-wechsler.example']])
    // The product too: one contact, one link, the new address (the next sync does not bring the old one back).
    await syncNow()
    expect(await system.sql`select c.id, c.email from contacts c where c.email ilike '%wechsler%'`).toEqual([{ id: contact!.id, email: 'emil.wechsler@neu-wechsler.example' }])
    expect(await system.sql`select crm_id from crm_links where contact_id = ${contact!.id}`).toEqual([{ crm_id: emil.id }])
  })
})

describe('campaign memberships', () => {
  it('arrive in BottleCRM as a tag per campaign; the tags CRM users set stay', async () => {
    const vip = (await crm.api('POST', 'tags/', { name: 'VIP', color: 'red' })).tag
    const tina = await crm.api('POST', 'contacts/', { first_name: 'Tina', last_name: 'Tag', email: 'tina.tag@tag-hydraulik.example', organization: 'Tag Hydraulik GmbH', country: 'DE', tags: [vip.id], custom_fields: { email_opt_in: true, email_opt_in_source: 'signed order form' } })
    await syncNow()
    const contact = await linked(tina.id)
    const enrolled = await system.api(`/api/campaigns/${campaignId}/enrolments`, { body: { email: 'tina.tag@tag-hydraulik.example' } })
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBeLessThan(300)
    await expect.poll(async () => (await system.sql`select 1 from enrolments where contact_id = ${contact!.id} and campaign_id = ${campaignId}`).length, { timeout: 30_000 }).toBe(1)

    await syncNow()
    const tagNames = new Map(((await crm.api('GET', 'tags/')).tags as { id: string; name: string }[]).map((t) => [t.id, t.name]))
    const record = (await crm.api('GET', `contacts/${tina.id}/`)).contact_obj
    expect(record.tags.map((id: string) => tagNames.get(id)).sort()).toEqual([`Campaign: ${CAMPAIGN}`, 'VIP'])
    // In the CRM's own contact list, the campaign's tag finds its members.
    const campaignTag = [...tagNames].find(([, name]) => name === `Campaign: ${CAMPAIGN}`)![0]
    const members = (await crm.api('GET', `contacts/?limit=50&tags=${campaignTag}`)).results.map((c: { email: string }) => c.email)
    expect(members).toEqual(['tina.tag@tag-hydraulik.example'])
    // The membership's status stays in the custom field, which a tag cannot carry.
    expect(record.custom_fields.kessler_campaigns).toContain(CAMPAIGN)
  })
})

describe('syncing on a schedule', () => {
  it('an admin sets "every 30m": a Temporal schedule runs the sync (never two at once); "off" removes it', async () => {
    await connectCrm(system, adminToken, crm, { syncEvery: '30m' })
    const schedule = system.client.schedule.getHandle(`crm-sync-${system.config.temporal.taskQueue}-${system.demoAccountId}`)
    const described = await schedule.describe()
    expect(described.spec.intervals?.[0]?.every).toBe(30 * 60_000)
    expect(described.policies.overlap).toBe('SKIP')
    // Its next firing, now: a run started by the schedule ends done, and shows so.
    const before = (await system.api('/api/crm/runs')).body.runs.length
    await schedule.trigger()
    await expect.poll(async () => (await system.api('/api/crm/runs')).body.runs.filter((r: { trigger: string; status: string }) => r.trigger === 'schedule' && r.status === 'done').length, { timeout: 60_000 }).toBe(1)
    expect((await system.api('/api/crm/runs')).body.runs.length).toBe(before + 1)
    await connectCrm(system, adminToken, crm)
    await expect(schedule.describe()).rejects.toThrow(/not found/i)
  })
})
