import type { LocaleStrings } from './template-set'

export interface SalutationInput {
  salutation: 'mr' | 'ms' | 'none' | null
  firstName: string | null
  lastName: string | null
}

/**
 * The greeting line for one recipient, in the locale's words. Formal "Herr/Madame/Signor"
 * forms need a last name; without one we fall back to a named, then a neutral greeting rather
 * than print "Sehr geehrter Herr ,". Returned unescaped: the personalisation stage escapes it.
 */
export function salutationFor(contact: SalutationInput, strings: LocaleStrings): string {
  const first = contact.firstName?.trim() ?? ''
  const last = contact.lastName?.trim() ?? ''
  const formats = strings.salutation
  if (last && contact.salutation === 'mr') return fill(formats.mr, first, last)
  if (last && contact.salutation === 'ms') return fill(formats.ms, first, last)
  if (first || last) return fill(formats.named, first, last)
  return formats.neutral
}

function fill(format: string, first: string, last: string): string {
  // A function replacement, so a "$&" in a name is not read as a replacement pattern.
  return format
    .replace(/\{(first|last)\}/g, (_, part: string) => (part === 'first' ? first : last))
    .replace(/\s+/g, ' ')
    .trim()
}
