import { fileURLToPath } from 'node:url'
import { compile as compileHtmlToText } from 'html-to-text'
import { compileLayout } from './layout-stage'
import { appendOpenPixel, rewriteLinks } from './links'
import { parsePersonalisation, personalise, type PersonalisationTemplates } from './personalisation'
import { loadTemplateLibrary, type LocaleStrings, type TemplateLibrary } from './template-library'

export interface MailContact {
  email: string
  firstName: string | null
  lastName: string | null
  salutation: 'mr' | 'ms' | 'none' | null
  company: string | null
  attributes: Record<string, unknown>
}

export interface MailSubsidiary {
  code: string // 'DE' | 'FR' | 'IT' | 'ES'
  locale: string // 'de' | 'fr' | 'it' | 'es'
  name: string
}

export interface RenderRequest {
  templateId: string
  /** Decides the derived template (slogan, footer) and the language. */
  subsidiary: MailSubsidiary
  contact: MailContact
  /** Data from the triggering event, e.g. { event: { product: 'HydroStat 2000' } }. */
  variables?: Record<string, unknown>
  /** Called for every http(s) link except the unsubscribe link; returns the URL to put instead. */
  trackLink?: (url: string, tag: string | undefined) => string
  /** If given, a 1×1 image with this src is appended before </body>. */
  openPixelUrl?: string
  unsubscribeUrl: string
}

export interface RenderedMail {
  subject: string
  html: string
  text: string
  /** The locale the mail was actually written in. */
  locale: string
}

export interface TemplateRenderer {
  templateIds(): string[]
  hasTemplate(id: string): boolean
  /** Throws for an unknown template id or subsidiary, naming it. */
  render(request: RenderRequest): Promise<RenderedMail>
  stats(): { mjmlCompilations: number }
}

interface CompiledMail {
  templates: PersonalisationTemplates
  strings: LocaleStrings
  locale: string
}

// Compiled once: html-to-text builds its selector tree per options object.
const toPlainText = compileHtmlToText({
  wordwrap: 78,
  selectors: [
    { selector: 'img', format: 'skip' },
    // MJML puts each paragraph in its own div; a blank line between them keeps the text part readable.
    { selector: 'div', format: 'block', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'ul', options: { itemPrefix: ' - ' } },
  ],
})

/**
 * Loads all templates from `dir` (default: this folder) and renders mails from them. The layout
 * stage and MJML compile run once per mail × subsidiary × locale and are cached for the renderer's
 * lifetime; per recipient only personalisation, link rewriting and the text part run.
 */
export function createTemplateRenderer(options: { dir?: string } = {}): TemplateRenderer {
  const library = loadTemplateLibrary(options.dir ?? fileURLToPath(new URL('.', import.meta.url)))
  // Promises, not results: concurrent first renders of one mail share a single compile.
  const compiled = new Map<string, Promise<CompiledMail>>()
  let mjmlCompilations = 0

  function compiledMail(templateId: string, subsidiary: MailSubsidiary): Promise<CompiledMail> {
    const mail = library.mails.get(templateId)
    if (!mail) throw new Error(`Unknown mail template "${templateId}" (known: ${[...library.mails.keys()].join(', ')})`)
    const derived = library.subsidiaries.get(subsidiary.code.toLowerCase())
    if (!derived) throw new Error(`No derived template for subsidiary "${subsidiary.code}" (expected templates/subsidiaries/${subsidiary.code.toLowerCase()}.json)`)
    const locale = mailLocale(library, subsidiary.locale, derived.locale)

    const key = `${templateId}|${subsidiary.code.toLowerCase()}|${locale}`
    let entry = compiled.get(key)
    if (!entry) {
      mjmlCompilations += 1
      // The non-null lookups below cannot miss: loadTemplateLibrary checked masters, locales and translations.
      const strings = library.locales.get(locale)!
      const label = `mail "${templateId}" for subsidiary ${subsidiary.code} (${locale})`
      entry = compileLayout({
        label,
        master: library.masters.get(derived.master)!,
        regions: new Map([...Object.entries(derived.regions), ['body', mail.bodies.get(locale)!]]),
        locale,
        strings,
      }).then((html) => ({ templates: parsePersonalisation(mail.subjects.get(locale)!, html), strings, locale }))
      // A failed compile is not cached, so the next render reports the error again instead of a stale promise.
      entry.catch(() => compiled.delete(key))
      compiled.set(key, entry)
    }
    return entry
  }

  return {
    templateIds: () => [...library.mails.keys()],
    hasTemplate: (id) => library.mails.has(id),
    stats: () => ({ mjmlCompilations }),

    async render(request) {
      const mail = await compiledMail(request.templateId, request.subsidiary)
      const personalised = personalise(
        mail.templates,
        {
          contact: request.contact,
          subsidiary: { code: request.subsidiary.code, name: request.subsidiary.name },
          variables: request.variables ?? {},
          unsubscribeUrl: request.unsubscribeUrl,
        },
        mail.strings,
      )
      const linked = rewriteLinks(personalised.html, { trackLink: request.trackLink, unsubscribeUrl: request.unsubscribeUrl })
      const html = request.openPixelUrl ? appendOpenPixel(linked, request.openPixelUrl) : linked
      return { subject: personalised.subject, html, text: toPlainText(bodyOf(linked)), locale: mail.locale }
    },
  }
}

// The subsidiary's locale if we write in it (also 'fr-CH' → 'fr'), else its derived template's own locale.
function mailLocale(library: TemplateLibrary, requested: string, subsidiaryDefault: string): string {
  const candidates = [requested, requested.split('-')[0] ?? '', subsidiaryDefault].map((locale) => locale.toLowerCase())
  return candidates.find((locale) => library.locales.has(locale)) ?? subsidiaryDefault
}

// html-to-text only reads <body> but would still parse MJML's large <head> styles: half its time per recipient.
function bodyOf(html: string): string {
  const start = html.indexOf('<body')
  return start === -1 ? html : html.slice(start)
}
