import { randomUUID } from 'node:crypto'
import { Router } from 'express'
import type { Sql } from 'postgres'
import { mailContactOf, type MailContact } from '../templates/renderer'
import { TemplateError } from '../templates/template-errors'
import { knownVariables, unknownVariables } from '../templates/variables'
import { contactAttributeKeys } from '../db/templates'
import { contactWithSubsidiary } from '../db/contact-lookups'
import { fontFaces } from '../db/template-fonts'
import { fontWarnings } from '../templates/fonts'
import { contentSchemas, withItem, type TemplateSet } from '../templates/template-set'
import { seesSubsidiary, type Caller } from './auth'
import { route } from './contract/mount'
import { templates, type PreviewBody } from './contract/templates'
import { invalidInput, type ApiError } from './errors'
import { currentSet, templateInvalid, type TemplateApiDeps } from './template-access'

const SAMPLE: MailContact = { email: 'sample.contact@example.com', firstName: 'Anna', lastName: 'Muster', salutation: 'ms', company: 'Muster Maschinenbau GmbH', attributes: {} }

type Prepared = { ok: true; set: TemplateSet; subsidiary: { code: string; name: string; locale: string; senderName: string; senderEmail: string }; contact: MailContact } | { ok: false; error: ApiError }

/** Preview (any template × subsidiary × locale × sample contact, drafts too) and test send through the real SMTP path. */
export function templatePreviewRoutes(deps: TemplateApiDeps): Router {
  const router = Router()

  async function prepare(who: Caller, body: PreviewBody): Promise<Prepared> {
    if (!seesSubsidiary(who, body.subsidiary)) return { ok: false, error: { status: 404, code: 'not_found', field: 'subsidiary', message: `subsidiary: no subsidiary "${body.subsidiary}" in your scope` } }
    const [row] = await deps.sql<{ name: string; locale: string; sender_name: string; sender_email: string }[]>`
      select name, locale, sender_name, sender_email from subsidiaries where account_id = ${who.acc} and code = ${body.subsidiary}`
    if (!row) return { ok: false, error: { status: 404, code: 'not_found', field: 'subsidiary', message: `subsidiary: no subsidiary "${body.subsidiary}"` } }
    let set = await currentSet(deps, who.acc, body.versions ?? null)
    for (const [i, draft] of body.drafts.entries()) {
      const content = contentSchemas[draft.kind].safeParse(draft.content)
      if (!content.success) return { ok: false, error: invalidInput(content.error, `drafts.${i}.content`) }
      set = withItem(set, draft.kind, draft.kind === 'subsidiary' ? draft.key.toLowerCase() : draft.key, content.data as never)
    }
    if (!set.mails.has(body.template)) return { ok: false, error: { status: 404, code: 'not_found', field: 'template', message: `template: no mail template "${body.template}"` } }
    const contact = body.contact && 'lookup' in body.contact ? await storedContact(deps.sql, who.acc, body.contact.lookup) : body.contact?.inline ?? SAMPLE
    if (!contact || !seesSubsidiary(who, 'subsidiary' in contact ? String(contact.subsidiary) : body.subsidiary)) return { ok: false, error: { status: 404, code: 'not_found', field: 'contact', message: 'contact: no such contact in your subsidiaries' } }
    const subsidiary = { code: body.subsidiary, name: row.name, locale: body.locale ?? row.locale, senderName: row.sender_name, senderEmail: row.sender_email }
    return { ok: true, set, subsidiary, contact }
  }

  async function render(prepared: Extract<Prepared, { ok: true }>, body: PreviewBody, unsubscribeUrl: string) {
    try {
      const mail = await deps.renderer.render({ templateId: body.template, subsidiary: prepared.subsidiary, contact: prepared.contact, templates: prepared.set, variables: body.variables, unsubscribeUrl })
      return { ok: true as const, mail }
    } catch (error) {
      if (error instanceof TemplateError) return { ok: false as const, error: templateInvalid(error.issues.map((issue) => ({ ...issue, subsidiary: prepared.subsidiary.code, locale: issue.locale ?? body.locale ?? prepared.subsidiary.locale }))) }
      return { ok: false as const, error: { status: 422, code: 'template_invalid', message: (error as Error).message } satisfies ApiError }
    }
  }

  route(router, templates.preview, async ({ body, who }) => {
    const prepared = await prepare(who, body)
    if (!prepared.ok) return prepared.error
    const rendered = await render(prepared, body, 'https://unsubscribe.invalid/preview')
    if (!rendered.ok) return rendered.error
    // The same warnings a save gives, for the mail and every draft previewed with it.
    const known = knownVariables(prepared.set, await contactAttributeKeys(deps.sql, who.acc))
    const mail = prepared.set.mails.get(body.template)!
    const hosted = (await fontFaces(deps.sql, who.acc)).map((face) => face.family)
    const others = body.drafts.filter((d) => !(d.kind === 'mail' && d.key === body.template))
    const warnings = [
      ...unknownVariables('mail', body.template, mail.content, known),
      ...fontWarnings('mail', body.template, mail.content, hosted),
      ...others.flatMap((d) => [...unknownVariables(d.kind, d.key, d.content as never, known), ...fontWarnings(d.kind, d.key, d.content as never, hosted)]),
    ]
    return { status: 200, body: { subject: rendered.mail.subject, html: rendered.mail.html, text: rendered.mail.text, locale: rendered.mail.locale, warnings } }
  })

  route(router, templates.testSend, async ({ body, who }) => {
    if (!deps.mailer) return { status: 409, code: 'conflict', message: 'no mail transport in this process' }
    const prepared = await prepare(who, body)
    if (!prepared.ok) return prepared.error
    const rendered = await render(prepared, body, 'https://unsubscribe.invalid/test-send')
    if (!rendered.ok) return rendered.error
    const { mail } = rendered
    const messageId = `<test-send.${randomUUID()}@${prepared.subsidiary.senderEmail.split('@')[1] ?? 'localhost'}>`
    // Marked in the subject, a header and the text part, so that nobody takes it for a campaign mail; links are not tracked.
    const info = await deps.mailer.sendMail({
      from: { name: prepared.subsidiary.senderName, address: prepared.subsidiary.senderEmail },
      to: body.to,
      subject: `[TEST] ${mail.subject}`,
      html: mail.html,
      text: `TEST SEND of template ${body.template} (${prepared.subsidiary.code}, ${mail.locale}) by ${who.sub}: not part of a campaign.\n\n${mail.text}`,
      messageId,
      headers: {
        'X-Kessler-Test-Send': `${body.template}; subsidiary=${prepared.subsidiary.code}; locale=${mail.locale}; by=${who.sub}`,
        'List-Unsubscribe': '<https://unsubscribe.invalid/test-send>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    })
    return { status: 202, body: { messageId, to: body.to, subject: `[TEST] ${mail.subject}`, locale: mail.locale, smtpResponse: String(info.response ?? '') } }
  })

  return router
}

async function storedContact(sql: Sql, accountId: string, email: string): Promise<(MailContact & { subsidiary: string }) | null> {
  const row = await contactWithSubsidiary(sql, accountId, { email })
  if (!row) return null
  return { ...mailContactOf(row), subsidiary: row.subsidiary_code }
}
