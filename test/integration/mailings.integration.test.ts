import { generateKeyPairSync } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireCaller } from '../../api/auth'
import { mailingComposeRoutes } from '../../api/mailing-compose'
import { wallClock } from '../../engine/nodes/zoned-time'
import { abuseReport, deliverReport, deliveryStatusNotification } from '../helpers/mail-reports'
import { linearCampaign } from '../helpers/graphs'
import { startTestSystem, type TestSystem } from '../helpers/system'

// The issue's French scenario through the API and real services: a FR marketer composes a mailing from
// the FR derived template with HQ's product-news block and a local block, translates the local block
// (a local server speaking DeepL's format), schedules it for a Paris wall-clock time a few seconds
// ahead; HQ changes the product photo in the block before then; the mails in the SMTP sink carry the
// new photo, in French. Then a hard-bounce DSN and an ARF complaint go over SMTP to the inbound endpoint.

const BLOCK = 'product-news-hydrostat-3000'
const NEW_PHOTO = 'https://cdn.kessler-hydraulik.example/img/hydrostat-3000-v2.jpg'
let system: TestSystem
let deepl: Server
const deeplBodies: { text: string[]; tag_handling: string; target_lang: string; ignore_tags: string[] }[] = []

async function startFakeDeepL(): Promise<Server> {
  const server = createServer(async (req: IncomingMessage, res) => {
    let raw = ''
    for await (const chunk of req) raw += chunk
    if (req.method !== 'POST' || req.url !== '/v2/translate' || req.headers.authorization !== 'DeepL-Auth-Key test-key:fx') return void res.writeHead(403).end()
    const body = JSON.parse(raw)
    deeplBodies.push(body)
    // "Translates" the text between tags only, as DeepL's HTML handling does: tags and ignored elements stay.
    const translate = (text: string) => text.replace(/>([^<]+)</g, (_m, inner: string) => (inner.trim() ? `>[${body.target_lang}] ${inner}<` : `>${inner}<`))
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ translations: body.text.map((text: string) => ({ detected_source_language: body.source_lang, text: text.includes('<') ? translate(text) : `[${body.target_lang}] ${text}` })) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}

beforeAll(async () => {
  deepl = await startFakeDeepL()
  const dkim = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  system = await startTestSystem({
    env: { DEEPL_API_KEY: 'test-key:fx', DEEPL_API_URL: `http://127.0.0.1:${(deepl.address() as AddressInfo).port}`, DKIM_PRIVATE_KEY: dkim, DKIM_SELECTOR: 'mail2026' },
  })
})
afterAll(async () => {
  await system?.stop()
  deepl?.close()
})

const frMarketer = () => system.token({ sub: 'amelie.fr', role: 'marketer', subs: ['FR'] })
const parisTime = (ms: number) => {
  const w = wallClock(ms, 'Europe/Paris')
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`
}

const intro = {
  kind: 'local',
  id: 'intro',
  name: 'Introduction',
  body: { de: '<mj-text>Hallo {{ contact.firstName }}, hier sind unsere <a href="https://www.kessler-hydraulik.example/neu?mt_tag=neu">Neuheiten</a>.</mj-text>' },
}

describe('a French subsidiary mailing', () => {
  let mailingId: string
  const frRecipients = (mail: { to: string[]; subject: string }) => mail.subject.startsWith('Nouveautés')

  it('is composed from the FR template with HQ\'s block and a local block translated by DeepL', async () => {
    // A FR contact without consent: in the audience, counted in the checklist, never mailed.
    await system.api('/api/events', { body: { type: 'signup', contact: { email: 'nadia.noconsent@atelier-lyon.example', subsidiary: 'FR', firstName: 'Nadia' } } })
    // A French-speaking Belgian of HQ's (subsidiary DE): in FR's pool by its alias (country BE, language
    // fr), so in the mailing, as the FR marketer sees him; the German contacts (DE's pool) are not.
    await system.api('/api/events', { body: { type: 'signup', contact: { email: 'luc.lambert@lambert-liege.example', subsidiary: 'DE', firstName: 'Luc', locale: 'fr', attributes: { country: 'BE', language: 'fr' } } } })
    await system.sql`update contacts set consent_status = 'granted' where email = 'luc.lambert@lambert-liege.example'`
    const created = await system.api('/api/mailings', {
      token: frMarketer(),
      body: {
        name: 'Newsletter décembre',
        subsidiary: 'FR',
        content: { subject: { fr: 'Nouveautés de décembre, {{ contact.firstName }}' }, preheader: { fr: 'Le HydroStat 3000 est là' }, blocks: [intro, { kind: 'global', block: BLOCK }] },
      },
    })
    expect(created.status).toBe(201)
    mailingId = created.body.id
    expect(created.body).toMatchObject({ subsidiary: 'FR', status: 'draft' })

    // Another subsidiary's marketer does not see it.
    expect((await system.api(`/api/mailings/${mailingId}`, { token: system.token({ sub: 'it', subs: ['IT'] }) })).status).toBe(404)

    const translated = await system.api(`/api/mailings/${mailingId}/translate`, { token: frMarketer(), body: { block: 'intro', sourceLocale: 'de', targetLocale: 'fr' } })
    expect(translated.status).toBe(201)
    expect(deeplBodies.at(-1)).toMatchObject({ tag_handling: 'html', target_lang: 'FR', ignore_tags: ['x-keep'] })
    // DeepL saw neither the Liquid nor the link nor the MJML tags.
    expect(deeplBodies.at(-1)!.text[0]).not.toContain('{{')
    expect(deeplBodies.at(-1)!.text[0]).not.toContain('kessler-hydraulik.example/neu')
    const fr = translated.body.mailing.content.blocks[0].body.fr as string
    expect(fr).toContain('{{ contact.firstName }}')
    expect(fr).toContain('href="https://www.kessler-hydraulik.example/neu?mt_tag=neu"')
    expect(fr).toMatch(/^<mj-text>\[FR\] Hallo/)
    expect(translated.body.mailing.content.review.fr).toEqual(['block:intro'])

    const preview = await system.api(`/api/mailings/${mailingId}/preview`, { token: frMarketer(), body: { contact: { email: 'claire.dupont@dupont-industrie.example' } } })
    expect(preview.status).toBe(200)
    expect(preview.body.locale).toBe('fr')
    expect(preview.body.subject).toBe('Nouveautés de décembre, Claire')
    expect(preview.body.html).toContain('[FR] Hallo Claire')
    expect(preview.body.html).toContain('Nouveau : HydroStat 3000') // HQ's block, in French
    expect(preview.body.html).toContain('La puissance hydraulique') // the FR derived template's slogan

    const checklist = await system.api(`/api/mailings/${mailingId}/checklist?links=false`, { token: frMarketer() })
    expect(checklist.status).toBe(200)
    expect(checklist.body.recipients).toEqual({ total: 5, noConsent: 1, undeliverable: 0, sendable: 4 })
    expect(checklist.body.items).toContainEqual(expect.objectContaining({ kind: 'needs_review', locale: 'fr', block: 'intro' }))
    expect(checklist.body.ready).toBe(true)

    // With the link check: the intro's link (a host that does not exist here) is listed, sending is still allowed.
    const withLinks = await system.api(`/api/mailings/${mailingId}/checklist`, { token: frMarketer() })
    expect(withLinks.body.items).toContainEqual(expect.objectContaining({ kind: 'unresolvable_link', url: 'https://www.kessler-hydraulik.example/neu' }))
    expect(withLinks.body.ready).toBe(true)
  })

  it('goes out at the Paris time set, with the photo HQ changed after scheduling, in French', async () => {
    const sendAt = Date.now() + 6_000
    const scheduled = await system.api(`/api/mailings/${mailingId}/schedule`, { token: frMarketer(), body: { mode: 'at', localTime: parisTime(sendAt) } })
    expect(scheduled.status).toBe(202)
    expect(scheduled.body).toMatchObject({ status: 'scheduled', timeZone: 'Europe/Paris' })
    expect(Math.abs(Date.parse(scheduled.body.sendAt) - Math.floor(sendAt / 1000) * 1000)).toBeLessThan(1000)
    // A scheduled mailing's content is frozen.
    expect((await system.api(`/api/mailings/${mailingId}`, { method: 'PUT', token: frMarketer(), body: { name: 'x' } })).status).toBe(409)

    // HQ changes the product photo in the global block, before the send time.
    const block = await system.api(`/api/templates/blocks/${BLOCK}`)
    const content = block.body.content
    const withPhoto = Object.fromEntries(Object.entries(content.body as Record<string, string>).map(([locale, mjml]) => [locale, `<mj-image src="${NEW_PHOTO}" alt="HydroStat 3000" />${mjml}`]))
    expect((await system.api(`/api/templates/blocks/${BLOCK}`, { method: 'PUT', body: { content: { ...content, body: withPhoto } } })).status).toBe(201)

    const mails = await system.sink!.waitFor(frRecipients, 4, 60_000)
    expect(Math.min(...mails.map((mail) => mail.receivedAt.getTime()))).toBeGreaterThanOrEqual(Math.floor(sendAt / 1000) * 1000 - 50)
    expect(mails.map((mail) => mail.to[0]).sort()).toEqual(['claire.dupont@dupont-industrie.example', 'elodie.bernard@bernard-plasturgie.example', 'julien.martin@martin-mecanique.example', 'luc.lambert@lambert-liege.example'])
    for (const mail of mails) {
      expect(mail.html).toContain(NEW_PHOTO)
      expect(mail.html).toContain('Nouveau : HydroStat 3000')
      expect(mail.headers['list-unsubscribe']).toMatch(/^<http.*\/u\/.+>$/)
      expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click')
      expect(mail.headers['list-id']).toContain('mailings.fr.fr.kessler-hydraulik.example')
      expect(mail.headers['return-path']).toMatch(/^<bounce\+[0-9a-f]{32}-[0-9a-f]{10}@fr\.kessler-hydraulik\.example>$/)
      expect(mail.from).toContain('news@fr.kessler-hydraulik.example')
      // Signed by nodemailer with the configured key, for the subsidiary's sender domain.
      expect(mail.headers['dkim-signature']).toMatch(/d=fr\.kessler-hydraulik\.example;[\s\S]*s=mail2026;/)
    }
    await expect.poll(async () => (await system.api(`/api/mailings/${mailingId}/progress`, { token: frMarketer() })).body, { timeout: 20_000 })
      .toMatchObject({ status: 'sent', total: 5, sent: 4, suppressed: 1, remaining: 0, failed: 0 })

    // The web version is the mail as sent.
    const claire = mails.find((mail) => mail.to[0]!.startsWith('claire'))!
    const webLink = /href="(http[^"]+\/m\/[^"]+)"/.exec(claire.html)![1]!
    const page = await fetch(webLink)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain(NEW_PHOTO)
    expect(html).toContain('[FR] Hallo Claire')

    // Once sent, the mail is frozen: HQ changing the photo again changes the block, not the web version.
    const later = 'https://cdn.kessler-hydraulik.example/img/hydrostat-3000-v3.jpg'
    const current = (await system.api(`/api/templates/blocks/${BLOCK}`)).body.content
    const swapped = Object.fromEntries(Object.entries(current.body as Record<string, string>).map(([locale, mjml]) => [locale, mjml.replace(NEW_PHOTO, later)]))
    expect((await system.api(`/api/templates/blocks/${BLOCK}`, { method: 'PUT', body: { content: { ...current, body: swapped } } })).status).toBe(201)
    const again = await (await fetch(webLink)).text()
    expect(again).toContain(NEW_PHOTO)
    expect(again).not.toContain(later)
  })

  // Julien and Claire wait in a campaign (a 30-day wait) while the mailing's mail comes back.
  let waitingCampaign: string
  const enrolmentOf = async (email: string) =>
    (await system.sql`select e.status, e.exit_reason, e.current_node_id from enrolments e join contacts c on c.id = e.contact_id where c.email = ${email} and e.campaign_id = ${waitingCampaign}`)[0]

  it('has Julien and Claire waiting in a campaign', async () => {
    const created = await system.api('/api/campaigns', {
      body: { name: 'Wartungsvertrag (wartet)', graph: linearCampaign({ kind: 'event', eventType: 'maintenance_interest', filter: {} }, [{ id: 'wait', type: 'wait', config: { duration: '30d' } }]) },
    })
    expect(created.status).toBe(201)
    waitingCampaign = created.body.id
    expect((await system.api(`/api/campaigns/${waitingCampaign}/publish`, { body: {} })).status).toBe(201)
    for (const email of ['julien.martin@martin-mecanique.example', 'claire.dupont@dupont-industrie.example']) {
      expect((await system.api('/api/events', { body: { type: 'maintenance_interest', contact: { email } } })).status).toBeLessThan(300)
      await expect.poll(async () => (await enrolmentOf(email))?.current_node_id, { timeout: 20_000 }).toBe('wait')
    }
  })

  it('takes a hard bounce at the return path: the contact becomes undeliverable, a bounce event is recorded', async () => {
    const julien = system.sink!.mails().find((mail) => frRecipients(mail) && mail.to[0] === 'julien.martin@martin-mecanique.example')!
    const returnPath = julien.headers['return-path']!.slice(1, -1)
    await deliverReport(system.inboundMail.port, returnPath, deliveryStatusNotification({ to: returnPath, recipient: 'julien.martin@martin-mecanique.example', status: '5.1.1', originalMessageId: julien.messageId }))
    const [contact] = await system.sql`select id, undeliverable_at, undeliverable_reason from contacts where email = 'julien.martin@martin-mecanique.example'`
    expect(contact!.undeliverable_at).not.toBeNull()
    expect(contact!.undeliverable_reason).toBe('hard bounce 5.1.1')
    const [event] = await system.sql`select properties from events where contact_id = ${contact!.id} and type = 'bounce'`
    expect(event!.properties).toMatchObject({ severity: 'hard', status: '5.1.1', mailingId, messageId: julien.messageId })
    // The campaign sees the bounce: Julien leaves the enrolment he was waiting in; Claire keeps waiting.
    await expect.poll(() => enrolmentOf('julien.martin@martin-mecanique.example'), { timeout: 20_000 }).toMatchObject({ status: 'exited', exit_reason: 'bounced' })
    expect(await enrolmentOf('claire.dupont@dupont-industrie.example')).toMatchObject({ status: 'active', current_node_id: 'wait' })

    // Soft bounces only count toward the threshold (5): one leaves Élodie deliverable.
    const elodie = system.sink!.mails().find((mail) => frRecipients(mail) && mail.to[0]!.startsWith('elodie'))!
    const elodiePath = elodie.headers['return-path']!.slice(1, -1)
    await deliverReport(system.inboundMail.port, elodiePath, deliveryStatusNotification({ to: elodiePath, recipient: 'elodie.bernard@bernard-plasturgie.example', status: '4.2.2', originalMessageId: elodie.messageId }))
    const [soft] = await system.sql`select undeliverable_at, soft_bounce_score from contacts where email = 'elodie.bernard@bernard-plasturgie.example'`
    expect(soft!.undeliverable_at).toBeNull()
    expect(soft!.soft_bounce_score).toBeCloseTo(1, 3)

    // RFC 8058: a POST of "List-Unsubscribe=One-Click" to the header's URL unsubscribes, no page in between.
    const oneClick = await fetch(elodie.headers['list-unsubscribe']!.slice(1, -1), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })
    expect(oneClick.status).toBe(200)
    expect((await system.sql`select consent_status from contacts where email = 'elodie.bernard@bernard-plasturgie.example'`)[0]!.consent_status).toBe('revoked')

    // Soft bounces fade (half-life 7 days): a score of 4 from a week ago counts 2, so the next makes 3 …
    const softAgain = () => deliverReport(system.inboundMail.port, elodiePath, deliveryStatusNotification({ to: elodiePath, recipient: 'elodie.bernard@bernard-plasturgie.example', status: '4.2.2', originalMessageId: elodie.messageId }))
    const elodieNow = async () => (await system.sql`select undeliverable_at, undeliverable_reason, soft_bounce_score from contacts where email = 'elodie.bernard@bernard-plasturgie.example'`)[0]!
    await system.sql`update contacts set soft_bounce_score = 4, soft_bounce_at = now() - interval '7 days' where email = 'elodie.bernard@bernard-plasturgie.example'`
    await softAgain()
    expect((await elodieNow()).soft_bounce_score).toBeCloseTo(3, 2)
    expect((await elodieNow()).undeliverable_at).toBeNull()
    // … while four recent ones and a fifth reach the threshold (5): undeliverable.
    await system.sql`update contacts set soft_bounce_score = 4, soft_bounce_at = now() where email = 'elodie.bernard@bernard-plasturgie.example'`
    await softAgain()
    expect(await elodieNow()).toMatchObject({ undeliverable_reason: 'soft bounces reached 5', undeliverable_at: expect.any(Date) })
    await system.sql`update contacts set undeliverable_at = null, undeliverable_reason = null, soft_bounce_score = 0 where email = 'elodie.bernard@bernard-plasturgie.example'`

    // A forged return path is refused at RCPT.
    await expect(deliverReport(system.inboundMail.port, 'bounce+00000000000000000000000000000000-0000000000@fr.kessler-hydraulik.example', 'Subject: x\r\n\r\nx')).rejects.toThrow(/550/)
  })

  it('takes an ARF complaint at the feedback address: the contact is unsubscribed, a complaint event is recorded', async () => {
    const claire = system.sink!.mails().find((mail) => frRecipients(mail) && mail.to[0]!.startsWith('claire'))!
    await deliverReport(system.inboundMail.port, 'fbl@fr.kessler-hydraulik.example', abuseReport({ to: 'fbl@fr.kessler-hydraulik.example', recipient: claire.to[0]!, originalMessageId: claire.messageId }))
    const [contact] = await system.sql`select id, consent_status, consent_source from contacts where email = ${claire.to[0]!}`
    expect(contact).toMatchObject({ consent_status: 'revoked', consent_source: 'complaint' })
    const [event] = await system.sql`select properties from events where contact_id = ${contact!.id} and type = 'complaint'`
    expect(event!.properties).toMatchObject({ feedbackType: 'abuse', mailingId })
    // The campaign sees the complaint: Claire leaves the enrolment she was waiting in.
    await expect.poll(() => enrolmentOf(claire.to[0]!), { timeout: 20_000 }).toMatchObject({ status: 'exited', exit_reason: 'complained' })
    // The mail statistics count the mailing's hard bounce (Julien) and complaint (Claire) against its mail.
    await expect.poll(async () => (await system.api(`/api/reports/mail?template=${encodeURIComponent(`mailing:${mailingId}`)}`)).body.mails?.[0], { timeout: 20_000 })
      .toMatchObject({ template: `mailing:${mailingId}`, sent: 4, hardBounces: 1, complaints: 1 })
  })
})

describe('the frequency cap', () => {
  it('counts mailings: a contact who had this week\'s mail from a mailing gets no further mailing', async () => {
    // Luc (FR's pool) got the December newsletter above; everyone else there has bounced, unsubscribed or never consented.
    const [account] = await system.sql<{ cap: number }[]>`select frequency_cap_per_week as cap from accounts limit 1`
    const cap = account!.cap
    // His one mail this week came from a mailing, none from a campaign: so only mailings can count.
    const before = await system.sql`select m.status, m.mailing_id from messages m join contacts c on c.id = m.contact_id where c.email = 'luc.lambert@lambert-liege.example'`
    expect(before.map((row) => [row.status, row.mailing_id !== null])).toEqual([['sent', true]])
    await system.sql`update accounts set frequency_cap_per_week = 1`
    try {
      const fr = frMarketer()
      const created = await system.api('/api/mailings', { token: fr, body: { name: 'Rappel', subsidiary: 'FR', content: { subject: { fr: 'Rappel' }, blocks: [{ kind: 'global', block: BLOCK }] } } })
      expect((await system.api(`/api/mailings/${created.body.id}/schedule`, { token: fr, body: { mode: 'now' } })).status).toBe(202)
      await expect.poll(async () => (await system.api(`/api/mailings/${created.body.id}/progress`, { token: fr })).body, { timeout: 30_000 }).toMatchObject({ status: 'sent', sent: 0 })
      const [luc] = await system.sql`select m.status, m.reason from messages m join contacts c on c.id = m.contact_id where m.mailing_id = ${created.body.id} and c.email = 'luc.lambert@lambert-liege.example'`
      expect(luc).toMatchObject({ status: 'suppressed', reason: 'frequency_cap: 1 mails in the last 7 days' })
      expect(system.sink!.mails().filter((mail) => mail.subject === 'Rappel')).toEqual([])
    } finally {
      await system.sql`update accounts set frequency_cap_per_week = ${cap}`
    }
  })
})

describe('controls and approval', () => {
  it('holds a subsidiary mailing for HQ approval, then pauses, resumes and cancels it with the counts affected', async () => {
    await system.sql`update accounts set mailing_approval_required = true`
    const created = await system.api('/api/mailings', {
      token: system.token({ sub: 'giulia.it', role: 'marketer', subs: ['IT'] }),
      body: { name: 'Fiera', subsidiary: 'IT', content: { subject: { it: 'Invito' }, blocks: [{ kind: 'local', id: 'invito', body: { it: '<mj-text>Vi invitiamo.</mj-text>' } }] } },
    })
    expect(created.status).toBe(201)
    const id = created.body.id
    const itToken = system.token({ sub: 'giulia.it', role: 'marketer', subs: ['IT'] })
    // Each recipient in a window that opens only tomorrow or later on their clock: all queued, nothing sent yet.
    const today = new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone: 'Europe/Rome' }).format(new Date()).toLowerCase()
    const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].filter((day) => day !== today)
    const scheduled = await system.api(`/api/mailings/${id}/schedule`, { token: itToken, body: { mode: 'recipient_window', window: { days, from: '09:00', until: '10:00' } } })
    expect(scheduled.body).toMatchObject({ status: 'awaiting_approval' })
    expect((await system.api(`/api/mailings/${id}/approve`, { method: 'POST', token: itToken })).status).toBe(403)
    // Refusing: HQ only, with a reason; a refused mailing is a draft again that says who refused it and why.
    expect((await system.api(`/api/mailings/${id}/refuse`, { token: itToken, body: { reason: 'Mi approvo da sola.' } })).status).toBe(403)
    expect(await system.api(`/api/mailings/${id}/refuse`, { body: {} })).toMatchObject({ status: 400, body: { error: { field: 'reason' } } })
    expect(await system.api(`/api/mailings/${id}/refuse`, { body: { reason: 'La data della fiera è cambiata.' } })).toMatchObject({ status: 200, body: { status: 'draft', reason: 'La data della fiera è cambiata.' } })
    expect((await system.api(`/api/mailings/${id}`, { token: itToken })).body).toMatchObject({ status: 'draft', refusalReason: 'La data della fiera è cambiata.', refusedBy: expect.any(String) })
    expect((await system.api(`/api/mailings/${id}/refuse`, { body: { reason: 'Ancora no.' } })).status).toBe(409) // not awaiting approval any more
    expect((await system.api(`/api/mailings/${id}/schedule`, { token: itToken, body: { mode: 'recipient_window', window: { days, from: '09:00', until: '10:00' } } })).body).toMatchObject({ status: 'awaiting_approval' })
    const approved = await system.api(`/api/mailings/${id}/approve`, { method: 'POST' })
    expect(approved.status).toBe(202)
    // Approved: the earlier refusal is gone.
    expect((await system.api(`/api/mailings/${id}`, { token: itToken })).body).toMatchObject({ refusalReason: null, refusedBy: null, approvedBy: expect.any(String) })
    await expect.poll(async () => (await system.api(`/api/mailings/${id}/progress`)).body, { timeout: 20_000 }).toMatchObject({ status: 'sending', total: 2, remaining: 2 })

    const paused = await system.api(`/api/mailings/${id}/pause`, { method: 'POST', token: itToken })
    expect(paused.body).toMatchObject({ status: 'paused', affected: 2 })
    expect((await system.api(`/api/mailings/${id}/pause`, { method: 'POST', token: itToken })).status).toBe(409)
    expect((await system.api(`/api/mailings/${id}/resume`, { method: 'POST', token: itToken })).body).toMatchObject({ status: 'sending', affected: 2 })
    const cancelled = await system.api(`/api/mailings/${id}/cancel`, { method: 'POST', token: itToken })
    expect(cancelled.body).toMatchObject({ status: 'cancelled', affected: 2, progress: { cancelled: 2, sent: 0 } })
    expect(system.sink!.mails().filter((mail) => mail.subject === 'Invito')).toHaveLength(0)
    await system.sql`update accounts set mailing_approval_required = false`
  })

  it('counts the whole audience as affected when a mailing is paused, resumed or cancelled before its send time', async () => {
    const esToken = system.token({ sub: 'lucia.es', role: 'marketer', subs: ['ES'] })
    const created = await system.api('/api/mailings', {
      token: esToken,
      body: { name: 'Feria', subsidiary: 'ES', content: { subject: { es: 'Invitación' }, blocks: [{ kind: 'local', id: 'invitacion', body: { es: '<mj-text>Les invitamos.</mj-text>' } }] } },
    })
    const id = created.body.id
    // Who it would go to now: the ES pool (consent is looked at only when each mail leaves).
    const audience = (await system.api(`/api/mailings/${id}/checklist?links=false`, { token: esToken })).body.recipients.total
    expect(audience).toBeGreaterThan(0)
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Madrid' }).format(Date.now() + 86_400_000)
    expect((await system.api(`/api/mailings/${id}/schedule`, { token: esToken, body: { mode: 'at', localTime: `${tomorrow}T09:00` } })).status).toBe(202)
    // Nobody is prepared before the send time; what remains is the audience, not 0.
    expect((await system.api(`/api/mailings/${id}/progress`, { token: esToken })).body).toMatchObject({ status: 'scheduled', total: audience, remaining: audience, sent: 0 })
    const paused = await system.api(`/api/mailings/${id}/pause`, { method: 'POST', token: esToken })
    expect(paused.body).toMatchObject({ status: 'paused', affected: audience, progress: { remaining: audience } })
    // Resumed before its time it is scheduled again, not "sending" while it waits.
    expect((await system.api(`/api/mailings/${id}/resume`, { method: 'POST', token: esToken })).body).toMatchObject({ status: 'scheduled', affected: audience })
    const cancelled = await system.api(`/api/mailings/${id}/cancel`, { method: 'POST', token: esToken })
    expect(cancelled.body).toMatchObject({ status: 'cancelled', affected: audience, progress: { sent: 0 } })
    expect(system.sink!.mails().filter((mail) => mail.subject === 'Invitación')).toHaveLength(0)
  })

  it('refuses bad input naming the field, and translation says so without a key', async () => {
    const bad = await system.api('/api/mailings', { body: { name: 'x', subsidiary: 'FR', content: { blocks: [{ kind: 'local', id: 'Bad Id', body: {} }] } } })
    expect(bad.status).toBe(400)
    expect(bad.body.error.field).toBe('content.blocks.0.id')
    const created = await system.api('/api/mailings', { body: { name: 'Leer', subsidiary: 'DE' } })
    const past = await system.api(`/api/mailings/${created.body.id}/schedule`, { body: { mode: 'at', localTime: '2020-01-01T09:00' } })
    expect(past.status).toBe(422) // incomplete first: no subject, no blocks
    await system.api(`/api/mailings/${created.body.id}`, { method: 'PUT', body: { content: { subject: { de: 'Hallo' }, blocks: [{ kind: 'global', block: BLOCK }] } } })
    const inThePast = await system.api(`/api/mailings/${created.body.id}/schedule`, { body: { mode: 'at', localTime: '2020-01-01T09:00' } })
    expect(inThePast.status).toBe(400)
    expect(inThePast.body.error.field).toBe('localTime')

    // Without DEEPL_API_KEY: 503 saying so, and the mailing unchanged.
    const app = express().use('/api', requireCaller({ sql: system.sql, sessions: { idleMs: 3_600_000, absoluteMs: 3_600_000 } }), express.json(), mailingComposeRoutes({ sql: system.sql, renderer: system.renderer, templateStore: system.templateStore, tokens: system.tokens, deepl: null }))
    const server = app.listen(0)
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/mailings/${created.body.id}/translate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await system.token()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ targetLocale: 'fr' }),
      })
      expect(response.status).toBe(503)
      expect((await response.json()).error.message).toContain('DEEPL_API_KEY is not set')
    } finally {
      server.close()
    }
    expect((await system.api(`/api/mailings/${created.body.id}`)).body.content.subject).toEqual({ de: 'Hallo' })
  })
})
