import type { MailContact, RenderedMail, TemplateRenderer } from '../templates/renderer'
import type { TemplateStore } from '../templates/template-store'
import { setMap, TEMPLATE_KINDS, withItem, type TemplateSet } from '../templates/template-set'
import { mailingAsMailTemplate, mailingTemplateKey, type MailingContent } from './model'

export interface MailingRenderDeps {
  renderer: TemplateRenderer
  templateStore?: TemplateStore
}

export interface MailingForRender {
  id: string
  account_id: string
  name: string
  content: MailingContent
}

export interface SubsidiaryForRender {
  code: string
  locale: string
  name: string
}

/** "kind:key" → version of every template in the set: what a sent mail was rendered with (its web version re-renders from it). */
export type RenderPins = Record<string, number>

/**
 * The templates a mailing renders with: the account's newest versions (so a global block HQ changed a
 * minute ago is in the next mail that leaves), or the pinned ones a sent mail was frozen with, plus the
 * mailing itself as a mail template.
 */
export async function mailingTemplates(deps: MailingRenderDeps, mailing: MailingForRender, pins: RenderPins | null = null): Promise<{ set: TemplateSet; pins: RenderPins }> {
  const base = (await deps.templateStore?.set(mailing.account_id, pins)) ?? deps.renderer.builtIn
  const frozen: RenderPins = {}
  for (const kind of TEMPLATE_KINDS) for (const [key, item] of setMap(base, kind)) if (item.version > 0) frozen[`${kind}:${key}`] = item.version
  const mail = mailingAsMailTemplate(mailing.name, mailing.content)
  return { set: withItem(base, 'mail', mailingTemplateKey(mailing.id), mail.content, 1), pins: frozen }
}

/** The language a recipient reads: their own when the mailing is written in it, else the subsidiary's. */
export function recipientLocale(content: MailingContent, subsidiaryLocale: string, contactLocale: string | null): string {
  const own = contactLocale?.toLowerCase()
  if (own && content.subject[own] !== undefined) return own
  return subsidiaryLocale
}

const VIEW_IN_BROWSER: Record<string, string> = {
  de: 'Im Browser ansehen',
  fr: 'Voir dans le navigateur',
  it: 'Visualizza nel browser',
  es: 'Ver en el navegador',
  en: 'View in your browser',
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export interface MailingRenderOptions {
  locale: string
  trackLink?: (url: string, tag: string | undefined) => string
  openPixelUrl?: string
  unsubscribeUrl: string
  /** The signed link to this mail as sent; none in previews. */
  webVersionUrl?: string
}

/** One recipient's mail: the compiled mailing (cached per content, templates and language) with their Liquid, links, preheader and web link. */
export async function renderMailing(
  renderer: TemplateRenderer,
  set: TemplateSet,
  mailing: MailingForRender,
  subsidiary: SubsidiaryForRender,
  contact: MailContact,
  options: MailingRenderOptions,
): Promise<RenderedMail> {
  const mail = await renderer.render({
    templateId: mailingTemplateKey(mailing.id),
    templates: set,
    subsidiary: { code: subsidiary.code, locale: options.locale, name: subsidiary.name },
    contact,
    trackLink: options.trackLink,
    openPixelUrl: options.openPixelUrl,
    unsubscribeUrl: options.unsubscribeUrl,
  })
  const preheader = mailing.content.preheader[mail.locale] ?? ''
  const top = [
    // The preheader: the line inboxes show after the subject, hidden in the mail itself.
    preheader ? `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${escapeHtml(preheader)}</div>` : '',
    options.webVersionUrl
      ? `<div style="text-align:center;font:12px Arial,sans-serif;padding:6px 0"><a href="${escapeHtml(options.webVersionUrl)}" style="color:#667">${VIEW_IN_BROWSER[mail.locale] ?? VIEW_IN_BROWSER.en}</a></div>`
      : '',
  ].join('')
  const bodyAt = mail.html.indexOf('<body')
  const bodyEnd = bodyAt === -1 ? -1 : mail.html.indexOf('>', bodyAt)
  const html = top && bodyEnd !== -1 ? mail.html.slice(0, bodyEnd + 1) + top + mail.html.slice(bodyEnd + 1) : mail.html
  const text = options.webVersionUrl ? `${VIEW_IN_BROWSER[mail.locale] ?? VIEW_IN_BROWSER.en}: ${options.webVersionUrl}\n\n${mail.text}` : mail.text
  return { ...mail, html, text }
}
