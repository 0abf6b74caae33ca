import { randomUUID } from 'node:crypto'
import { Router, type Request } from 'express'
import type { Transporter } from 'nodemailer'
import type { Sql } from 'postgres'
import { z } from 'zod'
import type { WebVersionPayload } from '../activities/mailing-send'
import type { TokenSigner } from '../tracking/tokens'
import { audienceCounts as countAudience, poolSampleContact, updateMailingDraft, type MailingRow } from '../db/mailings'
import { mailingAsSent } from '../db/messages'
import { contactWithSubsidiary } from '../db/contact-lookups'
import { blocksText, contentChecks, linkChecks, plainTextCheck, renderErrorItems, type ChecklistItem } from '../mailings/checklist'
import { mailingLocales, type MailingContent } from '../mailings/model'
import { mailingTemplates, recipientLocale, renderMailing, type RenderPins } from '../mailings/render'
import { DeepLError, translateMailingTexts } from '../mailings/translate'
import type { SegmentFilter } from '../engine/segment-filter'
import type { DeepLConfig } from '../templates/deepl'
import { mailContactOf, type MailContact, type TemplateRenderer } from '../templates/renderer'
import { TemplateError } from '../templates/template-errors'
import type { TemplateStore } from '../templates/template-store'
import { mailings, type previewBody } from './contract/mailings'
import { route } from './contract/mount'
import { notFound, type ApiError } from './errors'
import { loadMailing, viewMailing } from './mailings'
import { templateInvalid } from './template-access'

// Declared in api/contract/mailings.ts: mailings.read (preview, checklist), mailings.write (test send, translate).

export interface MailingComposeDeps {
  sql: Sql
  renderer: TemplateRenderer
  templateStore?: TemplateStore
  mailer?: Transporter
  deepl?: DeepLConfig | null
  tokens: TokenSigner
}

interface SubsidiaryFacts {
  code: string
  locale: string
  name: string
  sender_name: string
  sender_email: string
}

const SAMPLE: MailContact = { email: 'sample@example.com', firstName: 'Alex', lastName: 'Muster', salutation: null, company: 'Muster GmbH', attributes: {} }

/** Preview, checklist, test send and translation of a mailing; and the public web version of a sent mail. */
export function mailingComposeRoutes(deps: MailingComposeDeps): Router {
  const { sql } = deps
  const router = Router()

  const subsidiaryOf = async (row: MailingRow) =>
    (await sql<SubsidiaryFacts[]>`select code, locale, name, sender_name, sender_email from subsidiaries where id = ${row.subsidiary_id}`)[0]!

  async function sampleContact(row: MailingRow, email?: string): Promise<MailContact & { locale: string | null }> {
    const contact = await poolSampleContact(sql, { account_id: row.account_id, code: row.subsidiary_code }, email)
    if (!contact) return { ...SAMPLE, ...(email ? { email } : {}), locale: null }
    return { ...mailContactOf(contact), locale: contact.locale }
  }

  async function preview(row: MailingRow, input: z.infer<typeof previewBody>, pins: RenderPins | null = null) {
    const subsidiary = await subsidiaryOf(row)
    const contact = await sampleContact(row, input.contact?.email)
    const locale = input.locale ?? recipientLocale(row.content, subsidiary.locale, contact.locale)
    const { set } = await mailingTemplates(deps, row, pins)
    return { subsidiary, mail: await renderMailing(deps.renderer, set, row, subsidiary, contact, { locale, unsubscribeUrl: 'https://unsubscribe.invalid/preview' }), set }
  }

  route(router, mailings.preview, async ({ params, body, who }) => {
    const row = await loadMailing(sql, who, params.id)
    if (!row) return notFound('mailing')
    try {
      const { mail } = await preview(row, body)
      return { status: 200, body: { subject: mail.subject, html: mail.html, text: mail.text, locale: mail.locale, preheader: row.content.preheader[mail.locale] ?? '' } }
    } catch (error) {
      if (error instanceof TemplateError) return templateInvalid(error.issues)
      throw error
    }
  })

  route(router, mailings.checklist, async ({ params, query, who }) => {
    const row = await loadMailing(sql, who, params.id)
    if (!row) return notFound('mailing')
    const subsidiary = await subsidiaryOf(row)
    const items: ChecklistItem[] = []
    const { set } = await mailingTemplates(deps, row)
    items.push(...contentChecks(row.content, set, subsidiary.locale))
    for (const locale of [...new Set([subsidiary.locale, ...mailingLocales(row.content)])]) {
      if (!row.content.blocks.length) break
      try {
        const { mail } = await preview(row, { locale })
        // The template's header and footer are text in every mail: measured is what the blocks say.
        items.push(...plainTextCheck(blocksText(row.content, set, locale), locale))
        if (locale === subsidiary.locale && query.links !== 'false') items.push(...(await linkChecks(mail.html)))
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error
        items.push(...renderErrorItems(row.content, locale, error.issues))
      }
    }
    const recipients = await audienceCounts(row)
    return { status: 200, body: { ready: !items.some((item) => item.severity === 'error') && recipients.sendable > 0, items, recipients } }
  })

  async function audienceCounts(row: MailingRow) {
    const [segment] = row.segment_id ? await sql<{ filter: SegmentFilter }[]>`select filter from segments where id = ${row.segment_id}` : [null]
    return countAudience(sql, { account_id: row.account_id, code: row.subsidiary_code }, segment?.filter ?? null)
  }

  route(router, mailings.testSend, async ({ params, body, who }) => {
    const row = await loadMailing(sql, who, params.id)
    if (!row) return notFound('mailing')
    if (!deps.mailer) return { status: 409, code: 'conflict', message: 'no mail transport in this process' }
    let rendered: Awaited<ReturnType<typeof preview>>
    try {
      rendered = await preview(row, body)
    } catch (error) {
      if (error instanceof TemplateError) return templateInvalid(error.issues)
      throw error
    }
    const { mail, subsidiary } = rendered
    const messageId = `<test-send.${randomUUID()}@${subsidiary.sender_email.split('@')[1] ?? 'localhost'}>`
    await deps.mailer.sendMail({
      from: { name: subsidiary.sender_name, address: subsidiary.sender_email },
      to: body.to,
      subject: `[TEST] ${mail.subject}`,
      html: mail.html,
      text: `TEST SEND of mailing "${row.name}" (${subsidiary.code}, ${mail.locale}) by ${who.sub}.\n\n${mail.text}`,
      messageId,
      headers: { 'X-Kessler-Test-Send': `mailing ${row.id}; locale=${mail.locale}; by=${who.sub}` },
    })
    return { status: 202, body: { messageId, to: body.to, subject: `[TEST] ${mail.subject}`, locale: mail.locale } }
  })

  route(router, mailings.translate, async ({ params, body, who }) => {
    const row = await loadMailing(sql, who, params.id)
    if (!row) return notFound('mailing')
    if (!deps.deepl) return { status: 503, code: 'translation_unavailable', message: 'machine translation is off: DEEPL_API_KEY is not set (set it, and DEEPL_API_URL for a non-default endpoint, then restart)' }
    if (row.status !== 'draft' && row.status !== 'awaiting_approval') return { status: 409, code: 'conflict', field: 'status', message: `status: a ${row.status} mailing cannot be changed` }
    const source = body.sourceLocale ?? (await subsidiaryOf(row)).locale
    const target = body.targetLocale
    if (source === target) return { status: 400, code: 'invalid_input', field: 'targetLocale', message: 'targetLocale: the same as the source language' }
    const content: MailingContent = structuredClone(row.content)
    // What to translate, as [key, text, put back]: subject and preheader unless one block was asked for.
    const jobs: [string, string, (text: string) => void][] = []
    if (body.block === undefined) {
      if (content.subject[source]) jobs.push(['subject', content.subject[source], (text) => (content.subject[target] = text)])
      if (content.preheader[source]) jobs.push(['preheader', content.preheader[source], (text) => (content.preheader[target] = text)])
    }
    for (const block of content.blocks) {
      if (block.kind !== 'local' || (body.block !== undefined && block.id !== body.block)) continue
      const text = block.body[source]
      if (text) jobs.push([`block:${block.id}`, text, (translated) => (block.body[target] = translated)])
    }
    if (body.block !== undefined && !jobs.length) return { status: 400, code: 'invalid_input', field: 'block', message: `block: no local block "${body.block}" with ${source} text` } satisfies ApiError
    let translated: string[]
    try {
      translated = await translateMailingTexts(deps.deepl, { texts: jobs.map(([, text]) => text), sourceLocale: source, targetLocale: target })
    } catch (error) {
      if (error instanceof DeepLError) return { status: 502, code: 'translation_failed', message: error.message }
      throw error
    }
    jobs.forEach(([, , put], i) => put(translated[i]!))
    // Machine translations are marked until someone reviews them (saving the mailing without the marks).
    content.review = { ...content.review, [target]: [...new Set([...(content.review[target] ?? []), ...jobs.map(([key]) => key)])] }
    if (!(await updateMailingDraft(sql, row.id, { name: row.name, content, segmentId: row.segment_id }))) {
      return { status: 409, code: 'conflict', field: 'status', message: 'status: the mailing changed meanwhile' }
    }
    return { status: 201, body: { translated: jobs.map(([key], i) => ({ key, locale: target, text: translated[i]!, needsReview: true })), mailing: viewMailing({ ...row, content, status: 'draft' }) } }
  })

  return router
}

/** GET /m/:token — the mail as it was sent (the template versions it was rendered with), without tracking. Public: the signed token is the proof. */
export function mailingWebVersionRoutes(deps: MailingComposeDeps): Router {
  const router = Router()
  router.get('/m/:token', async (req: Request, res) => {
    const payload = deps.tokens.verify<WebVersionPayload>('web_version', req.params.token as string)
    if (!payload) return void res.status(400).type('text/plain').send('This link is invalid or has been altered.')
    const row = await mailingAsSent(deps.sql, { accountId: payload.a, mailingId: payload.l, contactId: payload.c })
    if (!row) return void res.status(404).type('text/plain').send('This mail is not available.')
    const contact = await contactWithSubsidiary(deps.sql, payload.a, { id: payload.c })
    if (!contact) return void res.status(404).type('text/plain').send('This mail is not available.')
    const { set } = await mailingTemplates(deps, row, row.render_pins ?? null)
    const mail = await renderMailing(
      deps.renderer,
      set,
      row,
      { code: row.code, locale: row.sub_locale, name: row.sub_name },
      mailContactOf(contact),
      { locale: row.locale ?? row.sub_locale, unsubscribeUrl: `/u/${deps.tokens.sign('unsubscribe', { a: payload.a, c: payload.c, m: payload.m })}` },
    )
    res.set('Cache-Control', 'private, no-store').type('html').send(mail.html)
  })
  return router
}
