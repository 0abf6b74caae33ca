import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireCaller } from '../../api/auth'
import { templateRoutes } from '../../api/templates'
import { sendCampaignEmail, type MailDeps, type SendCampaignEmailInput } from '../../activities/send-campaign-email'
import { linearCampaign } from '../helpers/graphs'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Templates as a user of the template API sees them: derived subsidiary templates following their master,
// shared content blocks, locales, errors with positions, version pinning by published campaigns, DeepL
// pre-fill against a local server speaking DeepL's format, and who may edit what.

interface DeepLCall {
  authorization: string | undefined
  body: { text: string[]; source_lang: string; target_lang: string }
}
const deeplCalls: DeepLCall[] = []
let deepl: Server
let system: TestSystem

/** DeepL's /v2/translate format: each text comes back as "[IT] text", placeholders (<ph>) untouched. */
async function startFakeDeepL(): Promise<Server> {
  const server = createServer(async (req: IncomingMessage, res) => {
    let raw = ''
    for await (const chunk of req) raw += chunk
    if (req.method !== 'POST' || req.url !== '/v2/translate') return void res.writeHead(404).end()
    if (req.headers.authorization !== 'DeepL-Auth-Key test-key:fx') return void res.writeHead(403).end('{"message":"Wrong key"}')
    const body = JSON.parse(raw) as DeepLCall['body']
    deeplCalls.push({ authorization: req.headers.authorization, body })
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ translations: body.text.map((text) => ({ detected_source_language: body.source_lang, text: `[${body.target_lang}] ${text}` })) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}

beforeAll(async () => {
  deepl = await startFakeDeepL()
  system = await startTestSystem({
    runWorker: false,
    env: { DEEPL_API_KEY: 'test-key:fx', DEEPL_API_URL: `http://127.0.0.1:${(deepl.address() as AddressInfo).port}` },
  })
})
afterAll(async () => {
  await system?.stop()
  deepl?.close()
})

const SUBSIDIARIES = ['DE', 'FR', 'IT', 'ES'] as const
const contact = { firstName: 'Claire', lastName: 'Dupont', salutation: 'ms', company: 'Dupont & Fils', attributes: { maintenance_due: '2026-09-01', model: 'HydroStat 2000' } }

async function preview(template: string, subsidiary: string, extra: Record<string, unknown> = {}) {
  const response = await system.api('/api/templates/preview', { body: { template, subsidiary, contact, variables: { event: { product: 'HydroStat 2000' } }, ...extra } })
  expect(response.status, JSON.stringify(response.body)).toBe(200)
  return response.body as { subject: string; html: string; text: string; locale: string }
}

async function latest(kind: string, key: string) {
  const response = await system.api(`/api/templates/${kind}/${key}`)
  expect(response.status).toBe(200)
  return response.body as { version: number; content: any }
}

async function save(kind: string, key: string, content: unknown, token?: string) {
  return system.api(`/api/templates/${kind}/${key}`, { method: 'PUT', body: { content }, token })
}

describe('derived templates follow their master; content blocks are shared', () => {
  it('a master footer and a block edit show in all four subsidiaries, while the FR-only override stays', async () => {
    const before = Object.fromEntries(await Promise.all(SUBSIDIARIES.map(async (code) => [code, await preview('reactivation-whats-new', code)] as const))) as unknown as Record<(typeof SUBSIDIARIES)[number], { html: string }>
    expect(before.FR.html).toContain('La puissance hydraulique, la précision allemande')
    expect(before.FR.html).toContain('RCS Lyon 812 345 678')
    expect(before.DE.html).toContain('Hydraulik mit schwäbischer Präzision')
    for (const code of SUBSIDIARIES) expect(before[code].html).not.toContain('ISO 9001')

    const master = await latest('masters', 'corporate')
    const footer = '[% region footer %]<mj-text font-size="12px" line-height="1.5" color="#52606d" padding="0 32px 10px">'
    expect(master.content.mjml).toContain(footer)
    const edited = master.content.mjml.replace(footer, `[% region footer %]<mj-text font-size="12px" color="#52606d" padding="0 32px 6px">ISO 9001 · Kessler Group</mj-text>${footer.slice('[% region footer %]'.length)}`)
    expect((await save('masters', 'corporate', { ...master.content, mjml: edited })).status).toBe(201)

    const block = await latest('blocks', 'product-news-hydrostat-3000')
    const body = Object.fromEntries(Object.entries(block.content.body as Record<string, string>).map(([locale, text]) => [locale, text.replace('40 %', '45 %')]))
    expect((await save('blocks', 'product-news-hydrostat-3000', { ...block.content, body })).status).toBe(201)

    for (const code of SUBSIDIARIES) {
      const after = await preview('reactivation-whats-new', code)
      expect(after.html, code).toContain('ISO 9001 · Kessler Group')
      expect(after.html, code).toMatch(/45\s%/)
      expect(before[code].html, code).toMatch(/40\s%/)
    }
    const fr = await preview('reactivation-whats-new', 'FR')
    expect(fr.html).toContain('La puissance hydraulique, la précision allemande')
    expect(fr.html).toContain('RCS Lyon 812 345 678')
    expect(fr.html).not.toContain('Hydraulik mit schwäbischer Präzision')
    expect(fr.html).not.toContain('Amtsgericht Stuttgart')

    const overview = (await system.api('/api/templates/overview')).body
    expect(overview.subsidiaries.find((s: any) => s.code === 'FR').overrides.regions.sort()).toEqual(['legal', 'slogan'])
    expect(overview.subsidiaries.find((s: any) => s.code === 'DE').overrides.regions).toEqual([])
    expect(overview.blocks.find((b: any) => b.key === 'product-news-hydrostat-3000').usedBy).toContain('reactivation-whats-new')
  })
})

describe('locales', () => {
  it('writes each subsidiary in its language with dates and numbers in its format, escaping contact data', async () => {
    const expected = {
      DE: { greeting: 'Sehr geehrte Frau Dupont', date: '1. September 2026', money: '12.345,50\u00a0€' },
      FR: { greeting: 'Bonjour Madame Dupont', date: '1 septembre 2026', money: '12\u202f345,50\u00a0€' },
      IT: { greeting: 'Gentile Signora Dupont', date: '1 settembre 2026', money: '12.345,50\u00a0€' },
      ES: { greeting: 'Estimada Sra. Dupont', date: '1 de septiembre de 2026', money: '12.345,50\u00a0€' },
    }
    for (const code of SUBSIDIARIES) {
      const mail = await preview('upsell-maintenance-due', code)
      expect(mail.locale).toBe(code.toLowerCase())
      expect(mail.html, code).toContain(expected[code].greeting)
      expect(mail.html, code).toContain(expected[code].date)
      expect(mail.html, code).toContain('Dupont &amp; Fils')
      // An unsaved draft, previewed as the editor does: a price formatted per locale.
      const draft = await preview('price-note', code, {
        drafts: [{ kind: 'mail', key: 'price-note', content: { subject: { de: 'Preis' }, body: { de: "<mj-text>{{ event.price | format_currency: 'EUR' }}</mj-text>" } } }],
        variables: { event: { price: 12345.5 } },
      })
      expect(draft.html, code).toContain(expected[code].money)
    }
  })

  it('falls back to the master locale for missing strings, reports them, and pre-fills them through DeepL for review', async () => {
    const it_ = await latest('locales', 'it')
    const { closing: _closing, signature: _signature, ...rest } = it_.content
    expect((await save('locales', 'it', rest)).status).toBe(201)

    const fallback = await preview('onboarding-welcome', 'IT')
    expect(fallback.html).toContain('Mit freundlichen Grüßen') // the master's (German) closing
    const report = (await system.api('/api/templates/translations/missing?locale=it')).body.missing
    expect(report).toContainEqual(expect.objectContaining({ kind: 'subsidiary', key: 'it', missing: ['closing', 'signature'], fallsBackTo: 'de' }))

    const prefill = await system.api('/api/templates/subsidiaries/IT/prefill', { body: {} })
    expect(prefill.status, JSON.stringify(prefill.body)).toBe(201)
    expect(deeplCalls).toHaveLength(1)
    expect(deeplCalls[0]!.body).toMatchObject({ source_lang: 'DE', target_lang: 'IT', text: ['Mit freundlichen Grüßen', 'Ihr Team von Kessler Hydraulik'] })
    expect(prefill.body.translated).toContainEqual({ key: 'closing', source: 'Mit freundlichen Grüßen', text: '[IT] Mit freundlichen Grüßen', needsReview: true })

    const translated = await preview('onboarding-welcome', 'IT')
    expect(translated.html).toContain('[IT] Mit freundlichen Grüßen')
    const after = (await system.api('/api/templates/translations/missing?subsidiary=IT')).body.missing
    expect(after).toEqual([expect.objectContaining({ kind: 'subsidiary', key: 'it', missing: [], needsReview: ['closing', 'signature'] })])
  })

  it('without DEEPL_API_KEY the pre-fill says so (503) and changes nothing', async () => {
    // The same routes as the app's, in a process configured without a DeepL key.
    const app = express().use('/api', requireCaller({ sql: system.sql, sessions: { idleMs: 3_600_000, absoluteMs: 3_600_000 } }), express.json(), templateRoutes({ sql: system.sql, renderer: system.renderer, templateStore: system.templateStore, deepl: null }))
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
    })
    try {
      const before = await latest('subsidiaries', 'es')
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/templates/subsidiaries/ES/prefill`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await system.token()}`, 'content-type': 'application/json' },
        body: '{}',
      })
      expect(response.status).toBe(503)
      expect((await response.json()).error.message).toContain('DEEPL_API_KEY is not set')
      expect((await latest('subsidiaries', 'es')).version).toBe(before.version)
    } finally {
      server.close()
    }
  })
})

describe('errors at save time', () => {
  it('answers 422 with the region, line and column of MJML and Liquid errors, and saves nothing', async () => {
    const mail = await latest('mails', 'onboarding-reminder')
    const mjmlError = await save('mails', 'onboarding-reminder', { ...mail.content, body: { ...mail.content.body, fr: '<mj-text>Bonjour</mj-text>\n  <mj-button href="https://x.example" colour="red">Go</mj-button>' } })
    expect(mjmlError.status).toBe(422)
    expect(mjmlError.body.error.issues[0]).toMatchObject({ region: 'body', field: 'body.fr', line: 2, column: 3, locale: 'fr' })
    expect(mjmlError.body.error.issues[0].message).toContain('colour')

    const liquidError = await save('mails', 'onboarding-reminder', { ...mail.content, body: { ...mail.content.body, it: '<mj-text>Ciao</mj-text>\n<mj-text>{% if contact.company %}presso {{ contact.company }}</mj-text>' } })
    expect(liquidError.status).toBe(422)
    expect(liquidError.body.error.issues[0]).toMatchObject({ region: 'body', field: 'body.it', line: 2, column: 10 })

    const master = await latest('masters', 'corporate')
    const lines = (master.content.mjml as string).split('\n')
    const at = lines.findIndex((line) => line.includes('[% region legal %]'))
    lines[at] = lines[at]!.replace('[% region footer %]<mj-text ', '[% region footer %]<mj-text colour="red" ')
    const masterError = await save('masters', 'corporate', { ...master.content, mjml: lines.join('\n') })
    expect(masterError.status).toBe(422)
    expect(masterError.body.error.issues[0]).toMatchObject({ region: 'footer', field: 'mjml', line: at + 1 })

    expect((await latest('mails', 'onboarding-reminder')).version).toBe(mail.version)
    expect((await latest('masters', 'corporate')).version).toBe(master.version)
  })
})

describe('published campaigns pin template versions', () => {
  let deps: MailDeps
  let campaignId: string
  beforeAll(async () => {
    deps = { sql: system.sql, mailer: nodemailer.createTransport(system.sink!.url), renderer: system.renderer, templateStore: system.templateStore, tokens: system.tokens, publicUrl: system.url, mailDomain: 'pin.example' }
    campaignId = (await system.sql`select id from campaigns where name = 'Onboarding after purchase'`)[0]!.id
  })

  async function sendWelcome(email: string): Promise<string> {
    const [campaign] = await system.sql`select live_version_id from campaigns where id = ${campaignId}`
    const [contactRow] = await system.sql`select id, account_id from contacts where email = ${email}`
    await system.sql`update enrolments set status = 'exited' where contact_id = ${contactRow!.id}`
    const [row] = await system.sql`
      insert into enrolments (account_id, campaign_id, version_id, contact_id, workflow_id)
      values (${contactRow!.account_id}, ${campaignId}, ${campaign!.live_version_id}, ${contactRow!.id}, ${randomUUID()}) returning id`
    const input: SendCampaignEmailInput = { enrolmentId: row!.id, accountId: contactRow!.account_id, campaignId, versionId: campaign!.live_version_id, contactId: contactRow!.id, nodeId: 'welcome', visit: 1, template: 'onboarding-welcome' }
    const outcome = await sendCampaignEmail(deps, input)
    expect(outcome.outcome).toBe('sent')
    return system.sink!.mails().find((mail) => mail.messageId === (outcome as { messageId: string }).messageId)!.subject
  }

  it('a template edit after publishing does not change what the published version sends; a new publish does', async () => {
    expect(await sendWelcome('jonas.becker@becker-maschinenbau.example')).toMatch(/^Vielen Dank für Ihren Kauf/)
    const mail = await latest('mails', 'onboarding-welcome')
    expect((await save('mails', 'onboarding-welcome', { ...mail.content, subject: { ...mail.content.subject, de: 'Neu: Ihr {{ event.product | default: t.productFallback }} ist da' } })).status).toBe(201)

    expect(await sendWelcome('anna.schmidt@schmidt-pressen.example')).toMatch(/^Vielen Dank für Ihren Kauf/)
    // The simulation of the live version renders what it sends; the draft's renders the newest templates.
    const simulate = async (source: 'live' | 'draft') => {
      const response = await system.api(`/api/campaigns/${campaignId}/simulate`, { body: { source, contact: { email: 'jonas.becker@becker-maschinenbau.example' }, horizon: '1h' } })
      expect(response.status, JSON.stringify(response.body)).toBe(200)
      return response.body.mails[0].subject as string
    }
    expect(await simulate('live')).toMatch(/^Vielen Dank für Ihren Kauf/)
    expect(await simulate('draft')).toBe('Neu: Ihr Hydraulikaggregat ist da')

    const published = await system.api(`/api/campaigns/${campaignId}/publish`, { body: {} })
    expect(published.status, JSON.stringify(published.body)).toBe(201)
    expect(await sendWelcome('lukas.weber@weber-kunststoff.example')).toBe('Neu: Ihr Hydraulikaggregat ist da')
  })

  it('a version that pins no templates (published before pins existed) sends the newest, from the first send after a save', async () => {
    // The worker keeps a campaign version's template versions between sends (templates/template-store.ts
    // setAt); a save must reach the very next mail of a version that does not pin that template.
    const [live] = await system.sql`select account_id, graph, version from campaign_versions where id = (select live_version_id from campaigns where id = ${campaignId})`
    const [unpinned] = await system.sql`
      insert into campaign_versions (account_id, campaign_id, version, graph, published_by, template_pins)
      values (${live!.account_id}, ${campaignId}, ${live!.version + 100}, ${live!.graph}, 'before-pins@kessler.example', null) returning id`
    const send = async (email: string) => {
      const [contactRow] = await system.sql`select id from contacts where email = ${email}`
      await system.sql`update enrolments set status = 'exited' where contact_id = ${contactRow!.id}`
      const [row] = await system.sql`
        insert into enrolments (account_id, campaign_id, version_id, contact_id, workflow_id)
        values (${live!.account_id}, ${campaignId}, ${unpinned!.id}, ${contactRow!.id}, ${randomUUID()}) returning id`
      const outcome = await sendCampaignEmail(deps, { enrolmentId: row!.id, accountId: live!.account_id, campaignId, versionId: unpinned!.id, contactId: contactRow!.id, nodeId: 'welcome', visit: 1, template: 'onboarding-welcome' })
      expect(outcome.outcome).toBe('sent')
      return system.sink!.mails().find((mail) => mail.messageId === (outcome as { messageId: string }).messageId)!.subject
    }
    const mail = await latest('mails', 'onboarding-welcome')
    expect(await send('jonas.becker@becker-maschinenbau.example')).not.toMatch(/^Wartung/)
    expect((await save('mails', 'onboarding-welcome', { ...mail.content, subject: { ...mail.content.subject, de: 'Wartung für Ihr {{ event.product | default: t.productFallback }}' } })).status).toBe(201)
    expect(await send('anna.schmidt@schmidt-pressen.example')).toBe('Wartung für Ihr Hydraulikaggregat')
  })
})

describe('publish validation', () => {
  it('knows mail templates created through the API, and refuses a campaign naming one that does not exist', async () => {
    const graph = linearCampaign({ kind: 'event', eventType: 'webinar_registration' }, [{ id: 'news', type: 'send_email', config: { template: 'service-news' } }])
    const created = await system.api('/api/campaigns', { body: { name: 'Service news', graph } })
    expect(created.status).toBe(201)
    const refused = await system.api(`/api/campaigns/${created.body.id}/publish`, { body: {} })
    expect(refused.status).toBe(400)
    expect(refused.body.error.message).toContain('template "service-news" does not exist')

    const saved = await save('mails', 'service-news', { subject: { de: 'Service-Neuigkeiten' }, body: { de: '<mj-text>Neu im Service: [% block product-news-hydrostat-3000 %]</mj-text>' } })
    expect(saved.status, JSON.stringify(saved.body)).toBe(422) // a block is MJML, it cannot sit inside mj-text
    expect(saved.body.error.issues[0]).toMatchObject({ region: 'block:product-news-hydrostat-3000', line: 1, column: 1 })
    expect(saved.body.error.issues[0].message).toBe('mj-text cannot sit inside mj-text: close the mj-text first')
    expect((await save('mails', 'service-news', { subject: { de: 'Service-Neuigkeiten' }, body: { de: '<mj-text>Neu im Service:</mj-text>\n[% block product-news-hydrostat-3000 %]' } })).status).toBe(201)
    const published = await system.api(`/api/campaigns/${created.body.id}/publish`, { body: {} })
    expect(published.status, JSON.stringify(published.body)).toBe(201)
    expect((await preview('service-news', 'FR')).html).toContain('Nouveau : HydroStat 3000') // the block in French, the mail falling back to German
  })
})

describe('who may edit, and test sends', () => {
  it('a FR subsidiary marketer edits the FR overrides but not the IT ones, the master or the mails', async () => {
    const frMarketer = await system.token({ sub: 'fr-marketer', role: 'marketer', subs: ['FR'] })
    const it_ = await latest('subsidiaries', 'it')
    const refused = await save('subsidiaries', 'it', { ...it_.content, regions: { ...it_.content.regions, slogan: 'Hacked' } }, frMarketer)
    expect(refused.status).toBe(403)
    expect((await latest('subsidiaries', 'it')).version).toBe(it_.version)
    expect((await save('masters', 'corporate', (await latest('masters', 'corporate')).content, frMarketer)).status).toBe(403)

    const fr = await latest('subsidiaries', 'fr')
    const own = await save('subsidiaries', 'fr', { ...fr.content, regions: { ...fr.content.regions, slogan: "L'hydraulique de précision, depuis 1952" } }, frMarketer)
    expect(own.status).toBe(201)
    expect((await preview('onboarding-welcome', 'FR')).html).toContain("L'hydraulique de précision, depuis 1952")
    expect((await preview('onboarding-welcome', 'IT')).html).not.toContain('depuis 1952')
  })

  it('sends a test mail through SMTP, marked as a test, with its unsubscribe headers and plain text', async () => {
    const response = await system.api('/api/templates/test-send', { body: { template: 'onboarding-care-tips', subsidiary: 'ES', to: 'qa@kessler-hydraulik.example', contact } })
    expect(response.status, JSON.stringify(response.body)).toBe(202)
    const received = system.sink!.mails().find((mail) => mail.messageId === response.body.messageId)!
    expect(received.subject).toMatch(/^\[TEST\] /)
    expect(received.headers['x-kessler-test-send']).toContain('onboarding-care-tips')
    expect(received.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click')
    expect(received.text).toContain('TEST SEND')
    expect(received.text).toContain('Estimada Sra. Dupont')
  })
})
