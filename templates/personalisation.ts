import { Liquid, type Template } from 'liquidjs'
import type { MailContact } from './renderer'
import { compileFast, type FastTemplate } from './fast-liquid'
import { localeFilters, registerLocaleFilters, scopeLocale } from './locale-format'
import { salutationFor } from './salutation'
import type { LocaleStrings } from './template-set'

/**
 * The personalisation stage: standard Liquid over the compiled HTML, once per recipient.
 * Escaping is on by default because every value here comes from contact or event data.
 */
const htmlEngine = new Liquid({ outputEscape: 'escape', strictFilters: true })

// The subject is a plain-text header, not HTML: escaping would show "O&#39;Brien" in the inbox.
const subjectEngine = new Liquid({ strictFilters: true })
registerLocaleFilters(htmlEngine)
registerLocaleFilters(subjectEngine)

/** Parses source with the personalisation syntax, to report Liquid errors at save time in the author's own lines. */
export function checkPersonalisationSyntax(source: string): void {
  htmlEngine.parse(source)
}

/** The variables a source reads that it does not set itself ({% assign %}, {% for %}), with their positions. */
export function personalisationGlobals(source: string): { path: string[]; line: number; column: number }[] {
  const analysis = htmlEngine.analyzeSync(htmlEngine.parse(source))
  return Object.values(analysis.globals).flatMap((variables) =>
    variables.map((variable) => {
      const path: string[] = []
      for (const segment of variable.segments) {
        if (typeof segment !== 'string') break // contact[some_variable]: the path is only known up to here
        path.push(segment)
      }
      return { path, line: variable.location.row, column: variable.location.col }
    }),
  )
}

type Part = { liquid: Template[]; fast: FastTemplate | null }

export interface PersonalisationTemplates {
  subject: Part
  html: Part
  /** The plain-text part (made from the HTML at compile time); unescaped, like the subject. */
  text: Part
}

const fastFilters = Object.fromEntries(
  Object.entries(localeFilters).map(([name, format]) => [name, (value: unknown, args: unknown[], scope: Record<string, unknown>) => format(scopeLocale(scope), value, args[0])]),
)

/**
 * Parses once at compile time, so a recipient only pays for rendering. liquidjs checks the syntax; what
 * it parsed also gets a compiled fast path when it uses only the common subset (see fast-liquid.ts).
 */
export function parsePersonalisation(subject: string, html: string, text = ''): PersonalisationTemplates {
  const part = (source: string, engine: Liquid, escape: boolean): Part => ({ liquid: engine.parse(source), fast: compileFast(source, { escape, filters: fastFilters }) })
  return { subject: part(subject, subjectEngine, false), html: part(html, htmlEngine, true), text: part(text, subjectEngine, false) }
}

const renderPart = (part: Part, engine: Liquid, scope: Record<string, unknown>) => (part.fast ? part.fast(scope) : String(engine.renderSync(part.liquid, scope)))

/** For the parity test: the liquidjs rendering, ignoring the fast path. */
export function withoutFastPath(templates: PersonalisationTemplates): PersonalisationTemplates {
  return { subject: { ...templates.subject, fast: null }, html: { ...templates.html, fast: null }, text: { ...templates.text, fast: null } }
}

export interface Recipient {
  contact: MailContact
  subsidiary: { code: string; name: string }
  variables: Record<string, unknown>
  unsubscribeUrl: string
}

export function personalise(templates: PersonalisationTemplates, recipient: Recipient, strings: LocaleStrings, locale: string): { subject: string; html: string; text: string } {
  // Our names win over event variables of the same name: an event must not replace the contact.
  const scope: Record<string, unknown> = {
    ...recipient.variables,
    contact: recipient.contact,
    subsidiary: recipient.subsidiary,
    salutation: salutationFor(recipient.contact, strings),
    unsubscribeUrl: recipient.unsubscribeUrl,
    t: strings,
    // Read by the format_date / format_number filters.
    locale,
  }
  // Line breaks in a subject would break the mail header, whatever a contact field holds. Not \s:
  // that would also flatten the no-break spaces French puts before ? and :.
  const subject = renderPart(templates.subject, subjectEngine, scope)
    .replace(/[\t\n\v\f\r \u0085\u2028\u2029]+/g, ' ')
    .trim()
  const withSubject = { ...scope, subject }
  const html = renderPart(templates.html, htmlEngine, withSubject)
  const text = renderPart(templates.text, subjectEngine, withSubject)
  return { subject, html, text }
}
