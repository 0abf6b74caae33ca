import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { textsFor } from '../../templates/confirmation-texts'
import { DEMO_BOOKED_VISITOR, DEMO_FAIR_REPS } from '../../server/seed-fair'
import { addFairSlot, insertFair } from '../../db/fairs'
import { signFairToken } from '../../fairs/tokens'
import { linearCampaign } from '../helpers/graphs'
import { readQr } from '../helpers/qr-video'
import { startTestSystem, type TestSystem } from '../helpers/system'

// The trade fair through its API, on the real system (Postgres, Temporal, SMTP sink): the seeded meeting's
// confirmation mail (QR code and .ics), the booking page behind a signed link, the idempotent sync of
// captures from the stand with its per-field merge, matching against the pool and the hot-lead handover,
// bad input named by field, and the fair's figures.

let system: TestSystem
let rep: { cookie: string; csrf: string }
let fairId: string
const SABINE = DEMO_FAIR_REPS[0]!.email

beforeAll(async () => {
  system = await startTestSystem({ seedFair: true, fairFollowUp: { recapAfter: '1s', consentTimeout: '3s' } })
  rep = await system.signIn(SABINE)
  const fairs = await repApi('/api/fairs')
  fairId = fairs.body.fairs[0].id
}, 120_000)
afterAll(async () => {
  await system?.stop()
})

const repApi = (path: string, body?: unknown) => system.api(path, { session: rep, body })

const now = () => new Date().toISOString()
const count = async (query: Promise<{ n: number }[]>) => (await query)[0]!.n
const confirmation = () => system.sink!.waitFor((m) => m.to.includes(DEMO_BOOKED_VISITOR) && /maintenance Dortmund/.test(m.subject), 1, 15_000)

describe('before the fair', () => {
  it('mails the seeded meeting’s confirmation with the QR code inline and the meeting as .ics', async () => {
    const [mail] = await confirmation()
    // The sink's parser shows the inline image in place (cid: → data:), as a mail client does.
    expect(mail!.html).toMatch(/<img src="data:image\/png;base64,/)
    const qr = mail!.attachments.find((a) => a.cid === 'visitor-qr@kessler')!
    expect(readQr(qr.content)).toMatch(new RegExp(`^${system.url}/fair/#visitor=[\\w-]+\\.[\\w-]+$`))
    const ics = mail!.attachments.find((a) => a.filename === 'meeting.ics')!.content.toString()
    expect(ics).toContain('BEGIN:VEVENT')
    expect(ics).toMatch(/LOCATION:4\.C12\\, Messe Dortmund/)
    expect(ics).toContain('ORGANIZER;CN=Sabine Vogel:mailto:sabine.vogel@kessler-hydraulik.example')
  })

  it('books a slot through the signed link and mails its confirmation once; a forged link is refused', async () => {
    const contact = await system.sql<{ id: string }[]>`select id from contacts where email = 'anna.schmidt@schmidt-pressen.example'`
    const link = await system.api(`/api/fairs/${fairId}/booking-links`, { body: { contactId: contact[0]!.id } })
    expect(link.status).toBe(200)
    const page = await fetch(link.body.url)
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(html).toContain('Gesprächstermin auf der maintenance Dortmund')
    const slot = /name="slot" value="([0-9a-f-]{36})"/.exec(html)![1]!
    const book = () => fetch(link.body.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `slot=${slot}` })
    expect((await book()).status).toBe(200)
    expect((await book()).status).toBe(200)
    await system.sink!.waitFor((m) => m.to.includes('anna.schmidt@schmidt-pressen.example'), 1, 10_000)
    // A changed character inside the signature (the last one may only carry padding bits).
    const at = link.body.url.lastIndexOf('.') + 10
    const forged = await fetch(link.body.url.slice(0, at) + (link.body.url[at] === 'A' ? 'B' : 'A') + link.body.url.slice(at + 1))
    expect(forged.status).toBe(400)
    expect(system.sink!.mails().filter((m) => m.to.includes('anna.schmidt@schmidt-pressen.example'))).toHaveLength(1)
  })
})

describe('the invitation', () => {
  const anna = 'anna.schmidt@schmidt-pressen.example'
  /** A live campaign that mails the fair invitation on an event of its own, linked to the fair it invites to. */
  async function invitationCampaign(name: string, eventType: string, fair: string) {
    const graph = linearCampaign({ eventType }, [{ id: 'invite', type: 'send_email', config: { template: 'loyalty-fair-invitation' } }])
    const created = await system.api('/api/campaigns', { body: { name, graph } })
    expect((await system.api(`/api/fairs/${fair}/campaigns`, { body: { campaignId: created.body.id } })).status).toBe(200)
    expect((await system.api(`/api/campaigns/${created.body.id}/publish`, { method: 'POST' })).status).toBe(201)
    return created.body.id as string
  }
  const bookingHref = (html: string) => /<a [^>]*href="([^"]+)"[^>]*>Gesprächstermin wählen/.exec(html)![1]!.replace(/&amp;/g, '&')

  it('carries the contact’s own signed booking link: following it from the sent mail books that contact', async () => {
    const [contact] = await system.sql<{ id: string }[]>`select id from contacts where email = ${anna}`
    await invitationCampaign('Fair invitation', 'fair_invitation_due', fairId)
    expect((await system.api('/api/events', { body: { type: 'fair_invitation_due', contact: { email: anna } } })).status).toBe(202)
    const [mail] = await system.sink!.waitFor((m) => m.to.includes(anna) && m.html.includes('Gesprächstermin wählen'), 1, 30_000)
    expect(mail!.html).toContain('maintenance Dortmund (Messe Dortmund, Halle 4, Stand 4.C12)')
    // Through the click tracking (if the link is tracked) to the booking page, in Anna's language.
    const page = await fetch(bookingHref(mail!.html))
    expect(page.status).toBe(200)
    expect(page.url).toMatch(new RegExp(`^${system.url}/fair/book/`))
    const html = await page.text()
    expect(html).toContain('Gesprächstermin auf der maintenance Dortmund')
    // The link names Anna: booking through it moves her meeting to the chosen slot.
    const slot = [...html.matchAll(/name="slot" value="([0-9a-f-]{36})"/g)].at(-1)![1]!
    const booked = await fetch(page.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `slot=${slot}` })
    expect(booked.status).toBe(200)
    const meetings = await system.sql<{ slot_id: string }[]>`select slot_id from fair_meetings where contact_id = ${contact!.id}`
    expect(meetings.map((m) => m.slot_id)).toEqual([slot])
  })

  it('links each invitation to the fair its campaign invites to, with two fairs of one subsidiary', async () => {
    // A second, later fair of the same subsidiary (DE): before, every invitation took the subsidiary's next fair (Dortmund).
    const [de] = await system.sql<{ id: string }[]>`select id from subsidiaries where account_id = ${system.demoAccountId} and code = 'DE'`
    const ownCampaign = await system.api('/api/campaigns', { body: { name: 'Hannover Messe: stand', graph: linearCampaign({ eventType: 'hannover_visit' }, []) } })
    const startsOn = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10)
    const endsOn = new Date(Date.now() + 24 * 86_400_000).toISOString().slice(0, 10)
    const hannover = await insertFair(system.sql, { accountId: system.demoAccountId!, subsidiaryId: de!.id, campaignId: ownCampaign.body.id, name: 'Hannover Messe', place: 'Messe Hannover, Halle 23', stand: '23.B40', startsOn, endsOn })
    const [sabine] = await system.sql<{ id: string }[]>`select id from users where email = ${SABINE}`
    await addFairSlot(system.sql, { fairId: hannover, userId: sabine!.id, startsAt: new Date(`${startsOn}T09:00:00Z`), endsAt: new Date(`${startsOn}T09:30:00Z`) })
    await invitationCampaign('Hannover invitation', 'hannover_invitation_due', hannover)
    await invitationCampaign('Dortmund invitation, second wave', 'dortmund_invitation_due', fairId)
    const sent = system.sink!.mails().length
    for (const type of ['hannover_invitation_due', 'dortmund_invitation_due']) expect((await system.api('/api/events', { body: { type, contact: { email: anna } } })).status).toBe(202)
    const invitation = (place: string) => (m: { to: string[]; html: string }) => m.to.includes(anna) && m.html.includes(place)
    const [toHannover] = await system.sink!.waitFor(invitation('Hannover Messe (Messe Hannover, Halle 23, Stand 23.B40)'), 1, 30_000)
    await expect.poll(() => system.sink!.mails().slice(sent).filter(invitation('maintenance Dortmund (Messe Dortmund')).length, { timeout: 30_000 }).toBe(1)
    const toDortmund = system.sink!.mails().slice(sent).find(invitation('maintenance Dortmund (Messe Dortmund'))!
    // Each mail's link opens its own fair's booking page with that fair's slots.
    const hannoverPage = await (await fetch(bookingHref(toHannover!.html))).text()
    expect(hannoverPage).toContain('Gesprächstermin auf der Hannover Messe')
    expect([...hannoverPage.matchAll(/name="slot" value="([0-9a-f-]{36})"/g)]).toHaveLength(1)
    const dortmundPage = await (await fetch(bookingHref(toDortmund.html))).text()
    expect(dortmundPage).toContain('Gesprächstermin auf der maintenance Dortmund')
    expect(dortmundPage).not.toContain('Hannover')
  })

  it('names the campaign it cannot link', async () => {
    const linked = await system.api(`/api/fairs/${fairId}/campaigns`, { body: { campaignId: randomUUID() } })
    expect(linked.status).toBe(400)
    expect(linked.body.error.field).toBe('campaignId')
    const rep = await system.api(`/api/fairs/${fairId}/campaigns`, { body: { campaignId: randomUUID() }, token: system.token({ role: 'sales_rep', subs: ['DE'] }) })
    expect(rep.status).toBe(403)
  })
})

describe('at the stand', () => {
  it('prefetches the day: the booked visitor’s appointment and profile, and the consent text', async () => {
    // Jonas runs a HydroStat 3000 (as `npm start` seeds him with the examples, which this system leaves out).
    await system.sql`update contacts set attributes = attributes || ${system.sql.json({ model: 'HydroStat 3000' })} where email = ${DEMO_BOOKED_VISITOR}`
    // The seeded contacts' first scores come from the rescore job the start launches: the prefetch carries them once it is done.
    const booked = async () => (await repApi(`/api/fairs/${fairId}/day`)).body.profiles.find((p: any) => p.email === DEMO_BOOKED_VISITOR)
    await expect.poll(async () => (await booked())?.score, { timeout: 30_000 }).not.toBeNull()
    const day = await repApi(`/api/fairs/${fairId}/day`)
    expect(day.status).toBe(200)
    const jonas = day.body.profiles.find((p: any) => p.email === DEMO_BOOKED_VISITOR)
    expect(jonas).toMatchObject({ firstName: 'Jonas', company: 'Becker Maschinenbau GmbH', consent: 'granted' })
    // Jonas is a scored customer with a HydroStat installed: the rep sees both at the stand.
    expect(jonas.score).toEqual({ grade: expect.stringMatching(/^[A-D]$/), level: expect.any(Number) })
    expect(jonas.products).toEqual(['HydroStat 3000'])
    expect(day.body.appointments.map((a: any) => a.contactId)).toContain(jonas.contactId)
    expect(day.body.consentText.texts.de).toContain('Einwilligung')
  })

  it('stores a scanned visitor once however often the capture is synced, and hands a hot lead to sales', async () => {
    const [mail] = await confirmation()
    const code = readQr(mail!.attachments.find((a) => a.cid === 'visitor-qr@kessler')!.content)!
    const capture = { id: randomUUID(), source: 'scan', token: code, device: 'test phone', capturedAt: now(), fields: { notes: { value: 'Wants HydroScope on 3 presses', at: now() }, rating: { value: 'hot', at: now() } } }
    const first = await repApi(`/api/fairs/${fairId}/captures`, { captures: [capture] })
    expect(first.status).toBe(200)
    expect(first.body.results[0]).toMatchObject({ outcome: 'stored', handoverId: expect.any(String) })
    const again = await repApi(`/api/fairs/${fairId}/captures`, { captures: [capture] })
    expect(again.body.results[0]).toMatchObject({ outcome: 'replayed', captureId: first.body.results[0].captureId })
    const contactId = first.body.results[0].contactId
    const [rows] = await system.sql<{ captures: number; visits: number; handovers: number; held: number }[]>`
      select (select count(*)::int from fair_captures where contact_id = ${contactId}) as captures,
             (select count(*)::int from events where contact_id = ${contactId} and type = 'fair_visit') as visits,
             (select count(*)::int from handovers where contact_id = ${contactId}) as handovers,
             (select count(*)::int from fair_meetings where contact_id = ${contactId} and held_at is not null) as held`
    expect(rows).toEqual({ captures: 1, visits: 1, handovers: 1, held: 1 })
  })

  it('matches a captured e-mail against the pool, merges a second capture per field, and names bad input', async () => {
    const email = 'Lukas.Weber@weber-kunststoff.example'
    const early = new Date(Date.now() - 60_000).toISOString()
    const a = { id: randomUUID(), source: 'form', email, device: 'phone A', capturedAt: now(), fields: { notes: { value: 'from rep A', at: now() }, phone: { value: '+49 231 555', at: early } } }
    const b = { id: randomUUID(), source: 'form', email: email.toLowerCase(), device: 'phone B', capturedAt: now(), fields: { notes: { value: 'older note from B', at: early }, tags: { value: ['extrusion'], at: now() } } }
    const synced = await repApi(`/api/fairs/${fairId}/captures`, { captures: [a, b, { id: randomUUID(), source: 'form', capturedAt: now(), email: 'x@y.example' }] })
    expect(synced.body.results.map((r: any) => r.outcome)).toEqual(['stored', 'merged', 'rejected'])
    expect(synced.body.results[2].error.field).toBe('device')
    const [contacts] = await system.sql<{ n: number }[]>`select count(*)::int as n from contacts where lower(email) = lower(${email})`
    expect(contacts!.n).toBe(1)
    const [row] = await system.sql<{ fields: any; tags: string[]; phone: string }[]>`
      select fc.fields, c.tags, c.attributes->>'phone' as phone from fair_captures fc join contacts c on c.id = fc.contact_id where lower(c.email) = lower(${email})`
    expect(row!.fields.notes.value).toBe('from rep A')
    expect(row!.tags).toContain('extrusion')
    expect(row!.phone).toBe('+49 231 555')
    const bad = await repApi(`/api/fairs/${fairId}/captures`, { captures: [] })
    expect(bad.status).toBe(400)
    expect(bad.body.error.field).toBe('captures')
  })

  it('refuses another subsidiary’s marketer and a viewer', async () => {
    const viewer = await system.api(`/api/fairs/${fairId}/captures`, { body: { captures: [{}] }, token: system.token({ role: 'viewer', subs: ['DE'] }) })
    expect(viewer.status).toBe(403)
    const french = await system.api(`/api/fairs/${fairId}/day`, { token: system.token({ role: 'marketer', subs: ['FR'] }) })
    expect(french.status).toBe(404)
  })
})

describe('after the fair', () => {
  it('shows what the fair brought and cost', async () => {
    const figures = await system.api(`/api/fairs/${fairId}/figures`)
    expect(figures.status).toBe(200)
    expect(figures.body).toMatchObject({ visitors: 2, leadsCaptured: 1, meetingsBooked: 2, meetingsHeld: 1, handovers: 1, costs: 20900 })
    expect(figures.body.roi).toBeCloseTo(-1)
    // Reporting folds events into touches on its own schedule: the fair's two visitors become its fair_scan touches.
    await expect.poll(() => count(system.sql`select count(*)::int as n from touches where campaign_id = ${figures.body.campaignId} and kind = 'fair_scan'`), { timeout: 30_000 }).toBe(2)
  })

  it('credits the fair with revenue once a visitor’s deal is won, and its ROI follows', async () => {
    const manager = await system.token({ sub: 'petra.lang@kessler-hydraulik.example', role: 'manager', subs: ['DE'] })
    const deal = await system.api('/api/opportunities', { body: { contactEmail: DEMO_BOOKED_VISITOR, name: 'HydroScope retrofit, 3 presses', amountNet: 84_000, productionCost: 40_000, stage: 'won' }, token: manager })
    expect(deal.status, JSON.stringify(deal.body)).toBeLessThan(300)
    await system.attribution.drain()
    await expect.poll(async () => (await system.api(`/api/fairs/${fairId}/figures`)).body.wonRevenue, { timeout: 60_000 }).toBeGreaterThan(0)
    const figures = (await system.api(`/api/fairs/${fairId}/figures`)).body
    // The visitor's touches share the deal (linear credit): the fair's part is real money, never more than the deal.
    expect(figures.opportunities).toBe(1)
    expect(figures.wonRevenue).toBeLessThanOrEqual(84_000)
    expect(figures.roi).toBeCloseTo((figures.wonRevenue - 20_900) / 20_900)
    expect(figures.roi).toBeGreaterThan(-1)
  })
})

describe('the follow-up campaign', () => {
  const CUSTOMER = 'miriam.hoffmann@hoffmann-werkzeug.example'
  const CONSENTED = 'anna.schmidt@schmidt-pressen.example'
  const UNCONFIRMED = 'tom.richter@richter-antriebe.example'
  const NO_CONSENT = 'eva.kranz@kranz-pumpen.example'
  const recap = (to: string) => (m: { to: string[]; subject: string }) => m.to.includes(to) && /^Danke für Ihren Besuch auf der maintenance Dortmund/.test(m.subject)
  const customerMail = (to: string) => (m: { to: string[]; subject: string }) => m.to.includes(to) && /^Schön, dass Sie auf der maintenance Dortmund waren/.test(m.subject)

  it('sends customers the customer mail, consented visitors the recap, and nothing to those who never confirmed', async () => {
    // Miriam is a customer (the tag the campaign tells customers by); Anna consented long ago and is not one.
    await system.sql`update contacts set tags = array_append(tags, 'customer') where email = ${CUSTOMER}`
    const form = (email: string, extra: object = {}) => ({ id: randomUUID(), source: 'form', email, device: 'test phone', capturedAt: now(), fields: { notes: { value: 'at the stand', at: now() } }, ...extra })
    const consent = { consent: { textVersion: 1, locale: 'de', collectedAt: now() } }
    const synced = await repApi(`/api/fairs/${fairId}/captures`, {
      captures: [form(CUSTOMER), form(CONSENTED), form(UNCONFIRMED, { ...consent, fields: { firstName: { value: 'Tom', at: now() }, lastName: { value: 'Richter', at: now() } } }), form(NO_CONSENT)],
    })
    expect(synced.body.results.map((r: any) => r.outcome)).toEqual(['stored', 'stored', 'stored', 'stored'])
    expect(synced.body.results[2].doubleOptIn).toBe('confirmation_sent')

    await system.sink!.waitFor(customerMail(CUSTOMER), 1, 60_000)
    await system.sink!.waitFor(recap(CONSENTED), 1, 60_000)
    // Tom was sent the double opt-in mail and never confirmed; Eva gave no consent: both wait for a confirmation
    // that does not come (3 s here), and their enrolments end without a mail.
    await system.sink!.waitFor((m) => m.to.includes(UNCONFIRMED) && m.subject === textsFor('de').subject, 1, 30_000)
    const ended = (email: string) =>
      system.sql<{ node_id: string }[]>`
        select s.node_id from enrolment_steps s join enrolments e on e.id = s.enrolment_id join contacts c on c.id = e.contact_id
        where c.email = ${email} and e.status = 'completed' and s.node_id = 'no-consent'`
    await expect.poll(async () => (await ended(UNCONFIRMED)).length, { timeout: 60_000 }).toBe(1)
    await expect.poll(async () => (await ended(NO_CONSENT)).length, { timeout: 60_000 }).toBe(1)

    const mails = system.sink!.mails()
    expect(mails.filter(customerMail(CUSTOMER))).toHaveLength(1)
    expect(mails.filter(recap(CUSTOMER))).toHaveLength(0)
    expect(mails.filter(recap(CONSENTED))).toHaveLength(1)
    expect(mails.filter(customerMail(CONSENTED))).toHaveLength(0)
    expect(mails.filter((m) => m.to.includes(UNCONFIRMED)).map((m) => m.subject)).toEqual([textsFor('de').subject])
    expect(mails.filter((m) => m.to.includes(NO_CONSENT))).toHaveLength(0)
  })
})

describe('more at the stand', () => {
  const TOBIAS = DEMO_FAIR_REPS[1]!.email

  it('shows the scanned visitor’s open handover and the visit in the profile, and routes the hot lead with the model’s SLA', async () => {
    const day = await repApi(`/api/fairs/${fairId}/day`)
    const jonas = day.body.profiles.find((p: any) => p.email === DEMO_BOOKED_VISITOR)
    expect(jonas.openHandovers).toHaveLength(1)
    expect(jonas.recentActivity.map((a: any) => a.type)).toContain('fair_visit')
    expect(jonas.captured.rating.value).toBe('hot')
    // Routed as any handover: the handover workflow assigns a rep (territory or round robin) under the scoring model's SLA.
    await expect
      .poll(async () => (await system.sql<{ routed_by: string | null; sla: string }[]>`select h.routed_by, h.sla from handovers h join contacts c on c.id = h.contact_id where c.email = ${DEMO_BOOKED_VISITOR}`)[0], { timeout: 30_000 })
      .toMatchObject({ routed_by: expect.stringMatching(/^(territory|round_robin)$/), sla: expect.any(String) })
  })

  it('keeps one visitor when two reps capture the same new e-mail at the same moment, fields merged', async () => {
    const tobias = await system.signIn(TOBIAS)
    const email = 'grete.sommer@sommer-hydraulik.example'
    const post = (who: { cookie: string; csrf: string }, fields: object) =>
      fetch(`${system.url}/api/fairs/${fairId}/captures`, {
        method: 'POST',
        headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ captures: [{ id: randomUUID(), source: 'form', email, device: 'phone', capturedAt: now(), fields }] }),
      }).then(async (r) => (await r.json()) as any)
    const [a, b] = await Promise.all([post(rep, { company: { value: 'Sommer Hydraulik', at: now() } }), post(tobias, { phone: { value: '+49 231 777', at: now() } })])
    expect([a.results[0].outcome, b.results[0].outcome].sort()).toEqual(['merged', 'stored'])
    expect(await count(system.sql`select count(*)::int as n from contacts where lower(email) = ${email}`)).toBe(1)
    const [row] = await system.sql<{ fields: any }[]>`select fc.fields from fair_captures fc join contacts c on c.id = fc.contact_id where c.email = ${email}`
    expect(row!.fields.company).toMatchObject({ value: 'Sommer Hydraulik', by: SABINE })
    expect(row!.fields.phone).toMatchObject({ value: '+49 231 777', by: TOBIAS })
  })

  it('files a duplicate suggestion for a new address that looks like someone in the pool, and creates nothing blindly', async () => {
    const email = 'l.weber@weber-kunststoff.example'
    const synced = await repApi(`/api/fairs/${fairId}/captures`, {
      captures: [{ id: randomUUID(), source: 'form', email, device: 'phone', capturedAt: now(), fields: { lastName: { value: 'Weber', at: now() }, company: { value: 'Weber Kunststofftechnik', at: now() } } }],
    })
    expect(synced.body.results[0]).toMatchObject({ outcome: 'stored', duplicateSuggested: true })
    const [suggestion] = await system.sql<{ a: string; b: string }[]>`
      select ca.email as a, cb.email as b from duplicate_suggestions d join contacts ca on ca.id = d.contact_a join contacts cb on cb.id = d.contact_b
      where cb.email = ${email} or ca.email = ${email}`
    expect([suggestion!.a, suggestion!.b].sort()).toEqual(['l.weber@weber-kunststoff.example', 'lukas.weber@weber-kunststoff.example'])
  })

  it('refuses expired links and codes: the booking page answers 410, a scanned code is rejected naming the token', async () => {
    const [anna] = await system.sql<{ id: string }[]>`select id from contacts where email = 'anna.schmidt@schmidt-pressen.example'`
    const yesterday = new Date(Date.now() - 86_400_000)
    const page = await fetch(`${system.url}/fair/book/${signFairToken(system.tokens, 'fair_booking', anna!.id, fairId, yesterday)}`)
    expect(page.status).toBe(410)
    const code = `${system.url}/fair/#visitor=${signFairToken(system.tokens, 'fair_visitor', anna!.id, fairId, yesterday)}`
    const synced = await repApi(`/api/fairs/${fairId}/captures`, { captures: [{ id: randomUUID(), source: 'scan', token: code, device: 'phone', capturedAt: now() }] })
    expect(synced.body.results[0]).toMatchObject({ outcome: 'rejected', error: { field: 'token', message: 'token: the QR code has expired' } })
  })
})
