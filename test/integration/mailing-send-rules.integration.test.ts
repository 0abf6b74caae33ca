import { generateKeyPairSync } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { dkimVerify } from 'mailauth/lib/dkim/verify'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRelayPool, type RelayPool } from '../../mailings/relay-pool'
import { mailingActivitiesFor } from '../helpers/mailing-activities'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Who a mailing reaches, when, and with what, through the product's mailing activities on a clock the test
// sets (the seam `mailing-paris-time` drives with Temporal's time-skipping clock): Postgres, the SMTP sink
// and the API are real; no worker runs, so each round happens exactly when the test says.
//  1. recipients are a segment's members inside the subsidiary's pool;
//  2. consent and unsubscribes count when each mail leaves, not when the recipients were fixed;
//  3. each recipient's mail is due inside the mailing's window and the account's quiet hours on their clock;
//  4. HQ's block changed after scheduling is in the mail in every language; the mail as sent stays frozen.
//  5. DKIM: the signature of a mail captured over SMTP verifies (mailauth) against the published key, d= the subsidiary's domain.

const BLOCK = 'product-news-hydrostat-3000'
const CLAIRE = 'claire.dupont@dupont-industrie.example'
const JULIEN = 'julien.martin@martin-mecanique.example'
const ELODIE = 'elodie.bernard@bernard-plasturgie.example'
const JONAS = 'jonas.becker@becker-maschinenbau.example' // HQ's (DE) contact: outside the FR pool
let system: TestSystem
let relay: RelayPool
/** The sending's clock: the wall clock unless a test sets an instant. */
let now: number | null = null
/** Runs just before the relay gets the body of a mail to this address (a consent withdrawn at the last moment). */
let beforeDelivery: (to: string) => Promise<void> = async () => {}
let activities: ReturnType<typeof mailingActivitiesFor>

beforeAll(async () => {
  system = await startTestSystem({ runWorker: false })
  relay = createRelayPool(system.sink!.url, system.config.mailings.relay)
  const watched: RelayPool = { limits: relay.limits, close: () => relay.close(), deliver: async (delivery) => (await beforeDelivery(delivery.to), relay.deliver(delivery)) }
  activities = mailingActivitiesFor(system, { relay: watched, clock: () => now ?? Date.now() })
  // Every mailing below reaches Claire: the weekly cap is not what these tests are about.
  await system.sql`update accounts set frequency_cap_per_week = 100`
}, 120_000)

afterAll(async () => {
  relay?.close()
  await system?.stop()
})

const fr = () => system.token({ sub: 'amelie.fr', role: 'marketer', subs: ['FR'] })
const contactId = async (email: string) => (await system.sql<{ id: string }[]>`select id from contacts where email = ${email}`)[0]!.id
const mine = (id: string) => (mail: { messageId: string }) => mail.messageId.startsWith(`<mailing.${id}.`)
/** The mailing's mails in the sink once `count` have been parsed there (the relay's 250 comes a moment before). */
const arrived = (id: string, count: number) => system.sink!.waitFor(mine(id), count, 20_000)
/** Who the send log says got the mailing: exact, where the sink is only "at least". */
const sentTo = async (id: string) =>
  (await system.sql<{ email: string }[]>`select c.email from messages m join contacts c on c.id = m.contact_id where m.mailing_id = ${id} and m.status = 'sent' order by c.email`).map((row) => row.email)
const tomorrowInParis = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(Date.now() + 86_400_000)

async function createMailing(body: Record<string, unknown>): Promise<string> {
  const created = await system.api('/api/mailings', { token: fr(), body: { subsidiary: 'FR', ...body } })
  expect(created.status).toBe(201)
  return created.body.id
}

async function schedule(id: string, body: Record<string, unknown>) {
  const scheduled = await system.api(`/api/mailings/${id}/schedule`, { token: fr(), body })
  expect(scheduled.status).toBe(202)
  return scheduled.body as { sendAt: string }
}

/** Rounds until nobody due is left (what the workflow does between its timers). */
async function sendDue(id: string) {
  let round = await activities.sendMailingRound({ mailingId: id })
  while (round.handled > 0) round = await activities.sendMailingRound({ mailingId: id })
  return round
}

const simple = (name: string) => ({ name, content: { subject: { fr: name }, blocks: [{ kind: 'local', id: 'texte', body: { fr: '<mj-text>Bonjour {{ contact.firstName }}.</mj-text>' } }] } })

describe('recipients', () => {
  it('are the members of the chosen segment inside the FR pool: a member outside it gets nothing', async () => {
    // Claire (FR) and Jonas (DE) run a HydroStat 2000; Julien and Élodie (FR) do not.
    await system.sql`update contacts set attributes = attributes || ${system.sql.json({ model: 'HydroStat 2000' })} where email in (${CLAIRE}, ${JONAS})`
    const segment = await system.api('/api/segments', { body: { name: 'HydroStat 2000 owners', filter: { match: 'all', rules: [{ kind: 'attribute', attribute: 'model', operator: 'equals', value: 'HydroStat 2000' }] } } })
    expect(segment.status).toBe(201)
    const id = await createMailing({ ...simple('Pièces HydroStat 2000'), segmentId: segment.body.id })
    // The checklist counts the segment within the pool: Claire only.
    expect((await system.api(`/api/mailings/${id}/checklist?links=false`, { token: fr() })).body.recipients).toMatchObject({ total: 1, sendable: 1 })
    await schedule(id, { mode: 'now' })

    expect(await activities.prepareMailingRecipients({ mailingId: id })).toEqual({ recipients: 1 })
    await sendDue(id)
    expect((await arrived(id, 1)).map((mail) => mail.to[0])).toEqual([CLAIRE])
    expect(await sentTo(id)).toEqual([CLAIRE])
    const fixed = await system.sql`select c.email from mailing_recipients r join contacts c on c.id = r.contact_id where r.mailing_id = ${id}`
    expect(fixed.map((row) => row.email)).toEqual([CLAIRE])
    expect((await system.sql`select count(*)::int as n from messages where mailing_id = ${id} and contact_id = ${await contactId(JONAS)}`)[0]!.n).toBe(0)
  })
})

describe('consent at send time', () => {
  it('mails nobody who unsubscribed or withdrew consent after the recipients were fixed, and counts them as excluded', async () => {
    const id = await createMailing(simple('Offre de fin d’année'))
    await schedule(id, { mode: 'now' })
    // Recipients fixed while all three FR contacts have consent.
    expect(await activities.prepareMailingRecipients({ mailingId: id })).toEqual({ recipients: 3 })
    expect((await system.api(`/api/mailings/${id}/progress`, { token: fr() })).body).toMatchObject({ total: 3, remaining: 3, suppressed: 0 })

    // Julien unsubscribes (one-click, RFC 8058) from an earlier mail before his mail is due.
    const julien = await contactId(JULIEN)
    const link = `${system.url}/u/${system.tokens.sign('unsubscribe', { a: system.demoAccountId!, c: julien, m: '<earlier@fr.kessler-hydraulik.example>' })}`
    expect((await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })).status).toBe(200)
    // Élodie's consent is withdrawn (her CRM record says so) after her mail was claimed and rendered, the
    // moment before its body goes to the relay.
    beforeDelivery = async (to) => {
      if (to === ELODIE) await system.sql`update contacts set consent_status = 'revoked', consent_source = 'crm', consent_at = now() where email = ${ELODIE}`
    }
    try {
      await sendDue(id)
    } finally {
      beforeDelivery = async () => {}
    }
    expect((await arrived(id, 1)).map((mail) => mail.to[0])).toEqual([CLAIRE])
    const log = await system.sql<{ email: string; status: string; reason: string | null }[]>`
      select c.email, m.status, m.reason from messages m join contacts c on c.id = m.contact_id where m.mailing_id = ${id} order by c.email`
    expect(log).toEqual([
      { email: CLAIRE, status: 'sent', reason: null },
      { email: ELODIE, status: 'suppressed', reason: 'no_consent: withdrawn before the mail left' },
      { email: JULIEN, status: 'suppressed', reason: 'no_consent: consent is revoked' },
    ])
    await activities.finishMailing({ mailingId: id, cancelled: false })
    expect((await system.api(`/api/mailings/${id}/progress`, { token: fr() })).body).toMatchObject({ status: 'sent', total: 3, sent: 1, suppressed: 2, remaining: 0, failed: 0 })
    await system.sql`update contacts set consent_status = 'granted' where email in (${JULIEN}, ${ELODIE})`
  })
})

/** The instant at which the wall clock of `zone` on `date` (YYYY-MM-DD) shows `time` (HH:MM), found with Intl, not the product's zone code. */
function atLocal(date: string, time: string, zone: string): number {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  for (let offset = -14; offset <= 14; offset++) {
    const instant = Date.parse(`${date}T${time}:00Z`) - offset * 3_600_000
    if (format.format(instant).replace(',', '') === `${date} ${time}`) return instant
  }
  throw new Error(`no ${time} on ${date} in ${zone}`)
}
const localTime = (ms: number, zone: string) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms)

describe('per-recipient send window', () => {
  it('makes each mail due inside the mailing\'s window and the account\'s quiet hours on the recipient\'s own clock, and sends none outside', async () => {
    // Claire reads in Paris, Julien in Lisbon (an hour behind), Élodie has no zone (the subsidiary's: Paris).
    await system.sql`update contacts set time_zone = 'Europe/Paris' where email = ${CLAIRE}`
    await system.sql`update contacts set time_zone = 'Europe/Lisbon' where email = ${JULIEN}`
    await system.sql`update contacts set time_zone = null where email = ${ELODIE}`
    // The account's quiet hours: no marketing mail before 09:30 (its send window 09:30–20:00, every day).
    const every = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
    await system.sql`update accounts set send_window = ${system.sql.json({ days: every, from: '09:30', until: '20:00' })}`
    try {
      const day = tomorrowInParis()
      const id = await createMailing(simple('Lettre du matin'))
      await schedule(id, { mode: 'recipient_window', window: { days: every, from: '09:00', until: '11:00' }, localTime: `${day}T00:00` })

      // The mailing's clock at 05:00 UTC that day: every recipient is prepared, nobody is due yet.
      now = Date.parse(`${day}T05:00:00Z`)
      expect(await activities.prepareMailingRecipients({ mailingId: id })).toEqual({ recipients: 3 })
      const due = await system.sql<{ email: string; due_at: Date }[]>`
        select c.email, r.due_at from mailing_recipients r join contacts c on c.id = r.contact_id where r.mailing_id = ${id} order by c.email`
      // 09:30 on each one's clock: the later of the window's 09:00 and the quiet hours' end.
      expect(due.map((row) => [row.email, row.due_at.toISOString()])).toEqual([
        [CLAIRE, new Date(atLocal(day, '09:30', 'Europe/Paris')).toISOString()],
        [ELODIE, new Date(atLocal(day, '09:30', 'Europe/Paris')).toISOString()],
        [JULIEN, new Date(atLocal(day, '09:30', 'Europe/Lisbon')).toISOString()],
      ])
      expect(atLocal(day, '09:30', 'Europe/Lisbon') - atLocal(day, '09:30', 'Europe/Paris')).toBe(3_600_000)

      // 09:29 in Paris, inside the mailing's window but in the quiet hours: nothing leaves.
      now = atLocal(day, '09:29', 'Europe/Paris')
      expect((await sendDue(id)).handled).toBe(0)
      expect(system.sink!.mails().filter(mine(id))).toEqual([])
      // 09:30 in Paris: Claire and Élodie; Julien (08:30 in Lisbon) waits.
      now = atLocal(day, '09:30', 'Europe/Paris')
      const round = await sendDue(id)
      expect((await arrived(id, 2)).map((mail) => mail.to[0]).sort()).toEqual([CLAIRE, ELODIE])
      expect(await sentTo(id)).toEqual([CLAIRE, ELODIE])
      expect(round.nextDueAt).toBe(new Date(atLocal(day, '09:30', 'Europe/Lisbon')).toISOString())
      // 09:30 in Lisbon: Julien.
      now = atLocal(day, '09:30', 'Europe/Lisbon')
      await sendDue(id)
      const mails = await arrived(id, 3)
      expect(mails.map((mail) => mail.to[0]).sort()).toEqual([CLAIRE, ELODIE, JULIEN])
      // Each mail's Date header, on the recipient's clock, is 09:30: inside both windows, none in quiet hours.
      for (const mail of mails) expect(localTime(Date.parse(mail.headers.date!), mail.to[0] === JULIEN ? 'Europe/Lisbon' : 'Europe/Paris')).toBe('09:30')
    } finally {
      await system.sql`update accounts set send_window = null`
      await system.sql`update contacts set time_zone = null where email in (${CLAIRE}, ${JULIEN})`
      now = null
    }
  })
})

describe('global blocks and the mail as sent', () => {
  const photo = (version: string) => `https://cdn.kessler-hydraulik.example/img/hydrostat-3000-${version}.jpg`
  const HEADLINES: Record<string, string> = { en: 'New: HydroStat 3000', de: 'Neu: HydroStat 3000', fr: 'Nouveau : HydroStat 3000', it: 'Novità: HydroStat 3000', es: 'Novedad: HydroStat 3000' }
  const SUBJECTS: Record<string, string> = { en: 'Our news', de: 'Unsere Neuheiten', fr: 'Nos nouveautés', it: 'Le nostre novità', es: 'Nuestras novedades' }

  async function putPhoto(src: string) {
    const block = (await system.api(`/api/templates/blocks/${BLOCK}`)).body.content
    const body = Object.fromEntries(Object.entries(block.body as Record<string, string>).map(([locale, mjml]) => [locale, `<mj-image src="${src}" alt="HydroStat 3000" />${mjml.replace(/<mj-image [^>]*\/>/g, '')}`]))
    expect((await system.api(`/api/templates/blocks/${BLOCK}`, { method: 'PUT', body: { content: { ...block, body } } })).status).toBe(201)
  }

  it('carries HQ\'s block as changed after scheduling in every language of the mailing, and the web version stays as sent', async () => {
    // Readers of the FR pool in each of the five languages.
    await system.sql`update contacts set locale = 'de' where email = ${JULIEN}`
    await system.sql`update contacts set locale = 'it' where email = ${ELODIE}`
    for (const [email, locale] of [['ana.lopes@lopes-lyon.example', 'es'], ['tom.baker@baker-lille.example', 'en']] as const) {
      expect((await system.api('/api/events', { body: { type: 'signup', contact: { email, subsidiary: 'FR', firstName: email.split('.')[0], locale } } })).status).toBeLessThan(300)
      await system.sql`update contacts set consent_status = 'granted' where email = ${email}`
    }
    await putPhoto(photo('v1'))
    const id = await createMailing({
      name: 'Nouveautés multilingues',
      content: {
        subject: SUBJECTS,
        blocks: [
          { kind: 'local', id: 'intro', body: Object.fromEntries(Object.keys(SUBJECTS).map((locale) => [locale, `<mj-text>[${locale}] {{ contact.firstName }}</mj-text>`])) },
          { kind: 'global', block: BLOCK },
        ],
      },
    })
    const { sendAt } = await schedule(id, { mode: 'at', localTime: `${tomorrowInParis()}T09:00` })
    // At the send time the recipients are fixed; HQ changes the photo after that, before any mail leaves.
    now = Date.parse(sendAt)
    expect(await activities.prepareMailingRecipients({ mailingId: id })).toEqual({ recipients: 5 })
    await putPhoto(photo('v2'))
    await sendDue(id)
    now = null

    const mails = await arrived(id, 5)
    const byLocale = new Map(mails.map((mail) => [Object.entries(SUBJECTS).find(([, subject]) => subject === mail.subject)?.[0], mail]))
    expect([...byLocale.keys()].sort()).toEqual(['de', 'en', 'es', 'fr', 'it'])
    for (const [locale, mail] of byLocale) {
      expect(mail!.html, locale).toContain(photo('v2'))
      expect(mail!.html, locale).not.toContain(photo('v1'))
      expect(mail!.html, locale).toContain(HEADLINES[locale!]!)
      expect(mail!.html, locale).toContain(`[${locale}]`)
    }

    // The web version of each mail is that mail as sent, in its language, even after HQ changes the block again.
    const webLinks = new Map([...byLocale].map(([locale, mail]) => [locale, /href="(http[^"]+\/m\/[^"]+)"/.exec(mail!.html)![1]!.replace(/&amp;/g, '&')]))
    await putPhoto(photo('v3'))
    const preview = await system.api(`/api/mailings/${id}/preview`, { token: fr(), body: { locale: 'de' } })
    expect(preview.body.html).toContain(photo('v3')) // the block did change
    for (const [locale, link] of webLinks) {
      const page = await fetch(link)
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html, locale).toContain(photo('v2'))
      expect(html, locale).not.toContain(photo('v3'))
      expect(html, locale).toContain(`[${locale}]`)
    }
    // A tampered link shows nothing.
    expect((await fetch(`${webLinks.get('fr')!.slice(0, -3)}xyz`)).status).toBe(400)
  })
})

describe('DKIM', () => {
  it('signs each mail so that it verifies against the published key, with d= the sending subsidiary\'s domain', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const selector = 'mail2026'
    // The TXT record a subsidiary publishes at <selector>._domainkey.<its sender domain>.
    const record = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`
    const lookups: string[] = []
    const resolver = async (name: string, rrtype: string) => {
      lookups.push(`${rrtype} ${name}`)
      if (rrtype === 'TXT' && /^mail2026\._domainkey\.(fr|it)\.kessler-hydraulik\.example$/.test(name)) return [[record]]
      throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: 'ENOTFOUND' })
    }
    // A relay that keeps each message byte for byte, as it came over SMTP.
    const raw: Buffer[] = []
    const capture = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => (raw.push(Buffer.concat(chunks)), callback()))
      },
    })
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve))
    const captureRelay = createRelayPool(`smtp://127.0.0.1:${(capture.server.address() as AddressInfo).port}`, system.config.mailings.relay)
    try {
      const signing = mailingActivitiesFor(system, { relay: captureRelay, dkim: { selector, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string } })
      // A French mailing (by FR's marketer) and an Italian one (by HQ).
      const frId = await createMailing(simple('Signé en France'))
      await schedule(frId, { mode: 'now' })
      const itCreated = await system.api('/api/mailings', { body: { name: 'Firmato', subsidiary: 'IT', content: { subject: { it: 'Firmato' }, blocks: [{ kind: 'local', id: 'testo', body: { it: '<mj-text>Buongiorno {{ contact.firstName }}.</mj-text>' } }] } } })
      expect((await system.api(`/api/mailings/${itCreated.body.id}/schedule`, { body: { mode: 'now' } })).status).toBe(202)
      for (const id of [frId, itCreated.body.id as string]) {
        await signing.prepareMailingRecipients({ mailingId: id })
        let round = await signing.sendMailingRound({ mailingId: id })
        while (round.handled > 0) round = await signing.sendMailingRound({ mailingId: id })
      }
      expect(raw.length).toBeGreaterThanOrEqual(4) // three FR contacts, at least one IT contact

      for (const message of raw) {
        const from = /^From: .*<[^@>]+@([^>]+)>/m.exec(message.toString('latin1'))![1]!
        const { results } = await dkimVerify(message, { resolver })
        expect(results).toHaveLength(1)
        expect(results[0]).toMatchObject({ signingDomain: from, selector, status: { result: 'pass' } })
        // Tampered in transit (one byte of the body): the signature no longer verifies.
        const tampered = Buffer.from(message.toString('latin1').replace(/(\r\n\r\n[\s\S]*?)Bonjour|(\r\n\r\n[\s\S]*?)Buongiorno/, (match) => match.replace(/Bonjour|Buongiorno/, 'Bonsoir')), 'latin1')
        expect(tampered.equals(message)).toBe(false)
        // mailauth reports a body that no longer matches its hash as "neutral" with that comment (RFC 6376 6.1.3).
        expect((await dkimVerify(tampered, { resolver })).results[0]!.status).toMatchObject({ result: 'neutral', comment: expect.stringMatching(/body hash/) })
      }
      const domains = new Set(raw.map((message) => /^From: .*@([^>]+)>/m.exec(message.toString('latin1'))![1]))
      expect([...domains].sort()).toEqual(['fr.kessler-hydraulik.example', 'it.kessler-hydraulik.example'])
      expect(lookups).toContain('TXT mail2026._domainkey.fr.kessler-hydraulik.example')
      expect(lookups).toContain('TXT mail2026._domainkey.it.kessler-hydraulik.example')
    } finally {
      captureRelay.close()
      await new Promise<void>((resolve) => capture.close(() => resolve()))
    }
  })
})

describe('the checklist before sending', () => {
  it('lists each problem of a mailing: missing translation, dead link, missing plain text, a block that does not render, and who is left out', async () => {
    // Links that answer and one that does not, on a local web server.
    const { createServer } = await import('node:http')
    const web = createServer((req, res) => void res.writeHead(req.url === '/gone' ? 404 : 200).end('ok'))
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(web.address() as AddressInfo).port}`
    try {
      const id = await createMailing({
        name: 'Liste de contrôle',
        content: {
          subject: { fr: 'Nouveautés', de: 'Neuheiten' },
          preheader: { fr: 'Le HydroStat 3000 est là', de: 'Der HydroStat 3000 ist da' },
          blocks: [
            { kind: 'local', id: 'photo', name: 'Photo', body: { fr: `<mj-image src="${base}/hydrostat.jpg" alt="" />`, de: `<mj-image src="${base}/hydrostat.jpg" alt="" />` } },
            { kind: 'local', id: 'lien', name: 'Lien', body: { fr: `<mj-button href="${base}/gone">Voir</mj-button>`, de: `<mj-button href="${base}/ok">Ansehen</mj-button>` } },
            { kind: 'local', id: 'remise', name: 'Remise', body: { fr: '<mj-text>Votre remise</mj-text>', de: '<mj-text>Ihr Rabatt: {{ contact.attributes.discount </mj-text>' } },
            { kind: 'local', id: 'salutations', body: { fr: '<mj-text>Cordialement</mj-text>' } },
          ],
        },
      })
      // Who it goes to while everyone in the pool has consent; then Julien's is gone.
      const before = (await system.api(`/api/mailings/${id}/checklist?links=false`, { token: fr() })).body.recipients
      expect(before).toMatchObject({ noConsent: 0, undeliverable: 0, sendable: before.total })
      await system.sql`update contacts set consent_status = 'none' where email = ${JULIEN}`
      const checklist = (await system.api(`/api/mailings/${id}/checklist`, { token: fr() })).body
      const kinds = (kind: string) => checklist.items.filter((item: { kind: string }) => item.kind === kind)
      // The German text of the last block is missing (the French one is used).
      expect(kinds('missing_translation')).toContainEqual(expect.objectContaining({ locale: 'de', block: 'salutations', severity: 'warning' }))
      // The French button's link answers 404; the image and the German link answer.
      expect(kinds('unresolvable_link')).toEqual([expect.objectContaining({ url: `${base}/gone`, message: expect.stringContaining('answers 404') })])
      // The French mail has (next to) no text of its own: only an image, a button and two words.
      expect(kinds('missing_plain_text').map((item: { locale: string }) => item.locale)).toEqual(['fr'])
      // The German discount block's Liquid is broken: named, with its line; sending is refused.
      expect(kinds('render_error')).toEqual([expect.objectContaining({ locale: 'de', block: 'remise', severity: 'error', message: expect.stringMatching(/^block "Remise" \(remise\) does not render in de: line 1/) })])
      expect(checklist.ready).toBe(false)
      // Julien has no consent: in the audience, left out and counted.
      expect(checklist.recipients).toEqual({ total: before.total, noConsent: 1, undeliverable: 0, sendable: before.total - 1 })
    } finally {
      web.close()
      await system.sql`update contacts set consent_status = 'granted' where email = ${JULIEN}`
    }
  })
})
