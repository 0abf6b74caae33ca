import { fileURLToPath } from 'node:url'
import { composeMail } from './compose'
import { compileLayout } from './layout-stage'
import { appendOpenPixel } from './links'
import { parsePersonalisation, personalise, withoutFastPath, type PersonalisationTemplates } from './personalisation'
import { fillLinks, prepareMail, type PreparedMail } from './prepared-mail'
import { personalisationIssues } from './source-issues'
import { TemplateError } from './template-errors'
import { loadTemplateLibrary } from './template-library'
import type { LocaleStrings, TemplateSet } from './template-set'

export interface MailContact {
  email: string
  firstName: string | null
  lastName: string | null
  salutation: 'mr' | 'ms' | 'none' | null
  company: string | null
  attributes: Record<string, unknown>
}

/** The columns of a contact row that a mail is personalised from. */
export interface MailContactRow {
  email: string
  first_name: string | null
  last_name: string | null
  salutation: string | null
  company: string | null
  attributes: Record<string, unknown>
}

/** A contact row as the renderer takes it (one mapping for every sender and preview). */
export function mailContactOf(row: MailContactRow): MailContact {
  return { email: row.email, firstName: row.first_name, lastName: row.last_name, salutation: row.salutation as MailContact['salutation'], company: row.company, attributes: row.attributes }
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
  /** The template versions to render from (a campaign version's pinned set, a draft); the built-in files if absent. */
  templates?: TemplateSet
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
  /** The built-in templates (files), what seeds the database. */
  readonly builtIn: TemplateSet
  templateIds(): string[]
  hasTemplate(id: string): boolean
  /** Throws for an unknown template id or subsidiary, naming it; a TemplateError (with positions) for broken source. */
  render(request: RenderRequest): Promise<RenderedMail>
  stats(): { mjmlCompilations: number; cached: number }
}

interface CompiledMail {
  templates: PersonalisationTemplates
  prepared: PreparedMail
  strings: LocaleStrings
  locale: string
}

// Compiled mails kept at most; versions are immutable, so an old entry is only ever unused, never wrong.
const CACHE_LIMIT = 2000

/**
 * Renders mails from a template set (a pinned set of versions from the database, a draft, or the
 * built-in files in `dir`). The layout stage and MJML compile run once per (mail, subsidiary, master,
 * locale strings, block) versions and locale, and are cached for the renderer's lifetime; per
 * recipient only personalisation, link rewriting and the text part run.
 */
export function createTemplateRenderer(options: { dir?: string; /** false: liquidjs only (the parity test's reference) */ fastLiquid?: boolean } = {}): TemplateRenderer {
  const builtIn = loadTemplateLibrary(options.dir ?? fileURLToPath(new URL('.', import.meta.url)))
  // Promises, not results: concurrent first renders of one mail share a single compile.
  const compiled = new Map<string, Promise<CompiledMail>>()
  let mjmlCompilations = 0

  // A set never changes (versions are immutable, drafts make new sets), so what a mail needs from it is
  // worked out once per set, mail, subsidiary and locale rather than per recipient.
  const keys = new WeakMap<TemplateSet, Map<string, string>>()

  function compiledMail(set: TemplateSet, templateId: string, subsidiary: MailSubsidiary): Promise<CompiledMail> {
    let keysOfSet = keys.get(set)
    if (!keysOfSet) keys.set(set, (keysOfSet = new Map()))
    const request = `${templateId}|${subsidiary.code}|${subsidiary.locale}`
    const known = keysOfSet.get(request)
    const cachedEntry = known === undefined ? undefined : compiled.get(known)
    if (cachedEntry) return cachedEntry
    const composed = composeMail(set, templateId, subsidiary)
    keysOfSet.set(request, composed.key)
    let entry = compiled.get(composed.key)
    if (!entry) {
      mjmlCompilations += 1
      entry = compileLayout(composed.layout).then((html) => {
        const prepared = prepareMail(html)
        let templates: PersonalisationTemplates
        try {
          templates = parsePersonalisation(composed.subject, prepared.html, prepared.text)
        } catch (error) {
          // Positions in the compiled HTML mean nothing to an author: report them in their own source.
          const issues = personalisationIssues(composed)
          if (!issues.length) throw error
          throw new TemplateError(issues, `personalisation errors in ${composed.layout.label}: ${issues.map((issue) => issue.message).join('; ')}`)
        }
        return { templates: options.fastLiquid === false ? withoutFastPath(templates) : templates, prepared, strings: composed.layout.strings, locale: composed.locale }
      })
      // A failed compile is not cached, so the next render reports the error again instead of a stale promise.
      entry.catch(() => compiled.delete(composed.key))
      if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value!)
      compiled.set(composed.key, entry)
    }
    return entry
  }

  return {
    builtIn,
    templateIds: () => [...builtIn.mails.keys()],
    hasTemplate: (id) => builtIn.mails.has(id),
    stats: () => ({ mjmlCompilations, cached: compiled.size }),

    async render(request) {
      const mail = await compiledMail(request.templates ?? builtIn, request.templateId, request.subsidiary)
      const personalised = personalise(
        mail.templates,
        {
          contact: request.contact,
          subsidiary: { code: request.subsidiary.code, name: request.subsidiary.name },
          variables: request.variables ?? {},
          unsubscribeUrl: request.unsubscribeUrl,
        },
        mail.strings,
        mail.locale,
      )
      const linked = fillLinks(mail.prepared, personalised, { trackLink: request.trackLink, unsubscribeUrl: request.unsubscribeUrl })
      const html = request.openPixelUrl ? appendOpenPixel(linked.html, request.openPixelUrl) : linked.html
      return { subject: personalised.subject, html, text: linked.text.trim(), locale: mail.locale }
    },
  }
}
