import { describe, expect, it } from 'vitest'
import { CONTACT_TEXTS } from './contacts/contacts-text'
import { LANGUAGES } from './i18n'
import { REPORT_DICTIONARIES } from './reports/reports-i18n'
import { DESIGN_MESSAGES } from './templates/design-i18n'

// The main catalogue (i18n.ts) has its own test; the views that keep their words beside their code
// (reports, contacts, template design) are held to the same rule here: every English key in every UI
// language, non-empty, with the same {placeholders}. Their types would let an empty string or a
// dropped placeholder through.

const AREA_CATALOGUES: Record<string, Record<string, Record<string, string>>> = {
  reports: REPORT_DICTIONARIES,
  contacts: CONTACT_TEXTS,
  'template design': DESIGN_MESSAGES,
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',')

describe('area catalogues in five languages', () => {
  for (const [area, catalogue] of Object.entries(AREA_CATALOGUES)) {
    it(`${area}: every key in EN, DE, FR, IT and ES with English's placeholders`, () => {
      const english = catalogue.en!
      expect(Object.keys(english).length).toBeGreaterThan(5)
      const gaps: string[] = []
      for (const language of LANGUAGES) {
        const texts = catalogue[language]
        if (!texts) { gaps.push(`${language}: no catalogue`); continue }
        for (const [key, text] of Object.entries(english)) {
          const translated = texts[key]
          if (!translated?.trim()) gaps.push(`${language}: ${key} missing`)
          else if (placeholders(translated) !== placeholders(text)) gaps.push(`${language}: ${key} placeholders differ`)
        }
        gaps.push(...Object.keys(texts).filter((key) => !(key in english)).map((key) => `${language}: ${key} is not an English key`))
      }
      expect(gaps).toEqual([])
    })
  }
})
