import { Liquid, type Template } from 'liquidjs'
import type { MailContact } from './renderer'
import { registerLocaleFilters } from './locale-format'
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

export interface PersonalisationTemplates {
  subject: Template[]
  html: Template[]
  /** The plain-text part (made from the HTML at compile time); unescaped, like the subject. */
  text: Template[]
}

/** Parses once at compile time, so a recipient only pays for rendering. */
export function parsePersonalisation(subject: string, html: string, text = ''): PersonalisationTemplates {
  return { subject: subjectEngine.parse(subject), html: htmlEngine.parse(html), text: subjectEngine.parse(text) }
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
  const subject = String(subjectEngine.renderSync(templates.subject, scope))
    .replace(/[\t\n\v\f\r \u0085\u2028\u2029]+/g, ' ')
    .trim()
  const withSubject = { ...scope, subject }
  const html = String(htmlEngine.renderSync(templates.html, withSubject))
  const text = String(subjectEngine.renderSync(templates.text, withSubject))
  return { subject, html, text }
}
