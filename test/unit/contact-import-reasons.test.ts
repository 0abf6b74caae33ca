import { describe, expect, it } from 'vitest'
import { IMPORT_REASON_TEXTS } from '../../api/contact-import'
import { IMPORT_REASONS } from '../../api/contract/contact-data'
import { CONTACT_LANGUAGES, CONTACT_TEXTS } from '../../designer/src/contacts/contacts-text'

// An import row's reason is a code with values (api/contact-import.ts); the designer words it in the
// person's language. Every code the server can answer needs a wording in all five languages, with the
// values the server fills in (a missing {line} would show "same e-mail as line  of this file").
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',')

describe('CSV import reasons in the five UI languages', () => {
  it('every reason code has its words in EN, DE, FR, IT and ES with the server\'s placeholders', () => {
    const gaps: string[] = []
    for (const code of IMPORT_REASONS) {
      for (const language of CONTACT_LANGUAGES) {
        const text = (CONTACT_TEXTS[language] as Record<string, string>)[`import.reason.${code}`]
        if (!text?.trim()) gaps.push(`${language}: import.reason.${code} missing`)
        else if (placeholders(text) !== placeholders(IMPORT_REASON_TEXTS[code])) gaps.push(`${language}: import.reason.${code} placeholders differ from the server's`)
      }
    }
    expect(gaps).toEqual([])
  })

  it('the languages really differ (a copied English text is not a translation)', () => {
    for (const code of IMPORT_REASONS) {
      const words = CONTACT_LANGUAGES.map((language) => (CONTACT_TEXTS[language] as Record<string, string>)[`import.reason.${code}`])
      expect(new Set(words).size, code).toBe(CONTACT_LANGUAGES.length)
    }
  })
})
