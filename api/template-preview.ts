import { randomUUID } from 'node:crypto'
import { Router, type Request } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import type { MailContact } from '../templates/renderer'
import { TemplateError } from '../templates/template-errors'
import { knownVariables, unknownVariables } from '../templates/variables'
import { contactAttributeKeys } from '../db/templates'
import { fontFaces } from '../db/template-fonts'
import { fontWarnings } from '../templates/fonts'
import { contentSchemas, TEMPLATE_KINDS, withItem, type TemplateSet } from '../templates/template-set'
import { caller, seesSubsidiary } from './auth'
import { invalidInput, send, type ApiError } from './errors'
import { emailAddress, int4 } from './input-schemas'
import { may, refusal } from './permissions'
import { currentSet, TEMPLATE_KEY, templateInvalid, type TemplateApiDeps } from './template-access'

const contactSchema = z.union([
  z.strictObject({ email: emailAddress() }).transform((c) => ({ lookup: c.email })),
  z
    .strictObject({
      firstName: z.string().max(200).nullable().default(null),
      lastName: z.string().max(200).nullable().default(null),
      salutation: z.enum(['mr', 'ms', 'none']).nullable().default(null),
      company: z.string().max(200).nullable().default(null),
      attributes: z.record(z.string(), z.unknown()).default({}),
    })
    .transform((c) => ({ inline: { email: 'sample.contact@example.com', ...c } })),
])

const previewBody = z.strictObject({
  /** The mail template to render. */
  template: z.string().regex(TEMPLATE_KEY),
  /** Subsidiary code: decides the derived template (slogan, footer, legal details). */
  subsidiary: z.string().regex(/^[A-Za-z]{2}$/).transform((code) => code.toUpperCase()),
  /** Language; default the subsidiary's. */
  locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).optional(),
  /** A stored contact ({email}) or sample fields; default a sample contact. */
  contact: contactSchema.optional(),
  /** Liquid variables beside contact, e.g. {"event": {"product": "HydroStat 2000"}}. */
  variables: z.record(z.string(), z.unknown()).default({}),
  /** Unsaved source to preview instead of the stored version: [{kind, key, content}]. */
  drafts: z.array(z.strictObject({ kind: z.enum(TEMPLATE_KINDS), key: z.string().regex(TEMPLATE_KEY), content: z.unknown() })).max(20).default([]),
  /** Older versions to preview: {"mail:onboarding-welcome": 2}; others are the newest. */
  versions: z.record(z.string().regex(/^(master|subsidiary|mail|block|locale):[A-Za-z0-9_-]+$/), int4().min(1)).optional(),
})
const testSendBody = previewBody.extend({ to: emailAddress() })

const SAMPLE: MailContact = { email: 'sample.contact@example.com', firstName: 'Anna', lastName: 'Muster', salutation: 'ms', company: 'Muster Maschinenbau GmbH', attributes: {} }

type Prepared = { ok: true; set: TemplateSet; subsidiary: { code: string; name: string; locale: string; senderName: string; senderEmail: string }; contact: MailContact } | { ok: false; error: ApiError }

/** Preview (any template × subsidiary × locale × sample contact, drafts too) and test send through the real SMTP path. */
export function templatePreviewRoutes(deps: TemplateApiDeps): Router {
  const router = Router()

  async function prepare(req: Request, body: z.infer<typeof previewBody>): Promise<Prepared> {
    const who = caller(req)
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

  async function render(prepared: Extract<Prepared, { ok: true }>, body: z.infer<typeof previewBody>, unsubscribeUrl: string) {
    try {
      const mail = await deps.renderer.render({ templateId: body.template, subsidiary: prepared.subsidiary, contact: prepared.contact, templates: prepared.set, variables: body.variables, unsubscribeUrl })
      return { ok: true as const, mail }
    } catch (error) {
      if (error instanceof TemplateError) return { ok: false as const, error: templateInvalid(error.issues.map((issue) => ({ ...issue, subsidiary: prepared.subsidiary.code, locale: issue.locale ?? body.locale ?? prepared.subsidiary.locale }))) }
      return { ok: false as const, error: { status: 422, code: 'template_invalid', message: (error as Error).message } satisfies ApiError }
    }
  }

  router.post('/templates/preview', async (req, res) => {
    const body = previewBody.safeParse(req.body)
    if (!body.success) return send(res, invalidInput(body.error))
    const prepared = await prepare(req, body.data)
    if (!prepared.ok) return send(res, prepared.error)
    const rendered = await render(prepared, body.data, 'https://unsubscribe.invalid/preview')
    if (!rendered.ok) return send(res, rendered.error)
    // The same warnings a save gives, for the mail and every draft previewed with it.
    const known = knownVariables(prepared.set, await contactAttributeKeys(deps.sql, caller(req).acc))
    const mail = prepared.set.mails.get(body.data.template)!
    const hosted = (await fontFaces(deps.sql, caller(req).acc)).map((face) => face.family)
    const others = body.data.drafts.filter((d) => !(d.kind === 'mail' && d.key === body.data.template))
    const warnings = [
      ...unknownVariables('mail', body.data.template, mail.content, known),
      ...fontWarnings('mail', body.data.template, mail.content, hosted),
      ...others.flatMap((d) => [...unknownVariables(d.kind, d.key, d.content as never, known), ...fontWarnings(d.kind, d.key, d.content as never, hosted)]),
    ]
    res.json({ subject: rendered.mail.subject, html: rendered.mail.html, text: rendered.mail.text, locale: rendered.mail.locale, warnings })
  })

  router.post('/templates/test-send', async (req, res) => {
    const who = caller(req)
    if (!may(who, 'templates.test-send')) return send(res, { status: 403, code: 'forbidden', message: refusal('templates.test-send') })
    const body = testSendBody.safeParse(req.body)
    if (!body.success) return send(res, invalidInput(body.error))
    if (!deps.mailer) return send(res, { status: 409, code: 'conflict', message: 'no mail transport in this process' })
    const prepared = await prepare(req, body.data)
    if (!prepared.ok) return send(res, prepared.error)
    const rendered = await render(prepared, body.data, 'https://unsubscribe.invalid/test-send')
    if (!rendered.ok) return send(res, rendered.error)
    const { mail } = rendered
    const messageId = `<test-send.${randomUUID()}@${prepared.subsidiary.senderEmail.split('@')[1] ?? 'localhost'}>`
    // Marked in the subject, a header and the text part, so that nobody takes it for a campaign mail; links are not tracked.
    const info = await deps.mailer.sendMail({
      from: { name: prepared.subsidiary.senderName, address: prepared.subsidiary.senderEmail },
      to: body.data.to,
      subject: `[TEST] ${mail.subject}`,
      html: mail.html,
      text: `TEST SEND of template ${body.data.template} (${prepared.subsidiary.code}, ${mail.locale}) by ${who.sub}: not part of a campaign.\n\n${mail.text}`,
      messageId,
      headers: {
        'X-Kessler-Test-Send': `${body.data.template}; subsidiary=${prepared.subsidiary.code}; locale=${mail.locale}; by=${who.sub}`,
        'List-Unsubscribe': '<https://unsubscribe.invalid/test-send>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    })
    res.status(202).json({ messageId, to: body.data.to, subject: `[TEST] ${mail.subject}`, locale: mail.locale, smtpResponse: String(info.response ?? '') })
  })

  return router
}

async function storedContact(sql: Sql, accountId: string, email: string): Promise<(MailContact & { subsidiary: string }) | null> {
  const [row] = await sql`
    select c.email, c.first_name, c.last_name, c.salutation, c.company, c.attributes, s.code
    from contacts c join subsidiaries s on s.id = c.subsidiary_id
    where c.account_id = ${accountId} and lower(c.email) = lower(${email})`
  if (!row) return null
  return { email: row.email, firstName: row.first_name, lastName: row.last_name, salutation: row.salutation, company: row.company, attributes: row.attributes, subsidiary: row.code }
}
