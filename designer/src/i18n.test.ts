import { describe, expect, it } from 'vitest'
import { SHORTCUTS } from './components/shortcuts'
import { dictionaries, formatDateTime, formatNumber, LANGUAGES, preferredLanguage, translate } from './i18n'

// Every word of the UI in every language: a message key or a shortcut without one of EN, DE, FR, IT, ES
// fails here. Node types' words live in their modules and are checked by node-ui.test.ts.

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('the UI in five languages', () => {
  it('has every message key in every language, non-empty, with the same placeholders as English', () => {
    const keys = Object.keys(dictionaries.en)
    expect(keys.length).toBeGreaterThan(200)
    const gaps: string[] = []
    for (const language of LANGUAGES) {
      for (const key of keys) {
        const text = (dictionaries[language] as Record<string, string>)[key]
        if (!text?.trim()) gaps.push(`${language}: ${key} missing`)
        else if (JSON.stringify(placeholders(text)) !== JSON.stringify(placeholders((dictionaries.en as Record<string, string>)[key]!))) gaps.push(`${language}: ${key} placeholders differ`)
      }
      const extra = Object.keys(dictionaries[language]).filter((key) => !keys.includes(key))
      gaps.push(...extra.map((key) => `${language}: ${key} is not an English key`))
    }
    expect(gaps).toEqual([])
  })

  it('labels the shortcuts in every language', () => {
    const gaps: string[] = []
    gaps.push(...SHORTCUTS.flatMap((shortcut) => LANGUAGES.filter((language) => !shortcut[language]).map((language) => `${language}: shortcut ${shortcut.keys}`)))
    expect(gaps).toEqual([])
  })

  it('takes the browser’s language when it speaks it, and writes dates and numbers the local way', () => {
    expect(preferredLanguage(['fr-CH', 'en'])).toBe('fr')
    expect(preferredLanguage(['pt-BR', 'es-ES'])).toBe('es')
    expect(preferredLanguage(['ja'])).toBe('en')
    expect(translate('it', 'auth.signedInAs', { name: 'Giorgia', role: 'Marketing filiale' })).toBe('Accesso come Giorgia (Marketing filiale)')
    const moment = new Date('2026-03-05T14:30:00Z')
    expect(formatDateTime('de', moment)).toMatch(/^05\.03\.2026, \d\d:30$/)
    expect(formatDateTime('en', moment)).toMatch(/^Mar 5, 2026, \d{1,2}:30 [AP]M$/)
    expect(formatNumber('de', 1234.5)).toBe('1.234,5')
    expect(formatNumber('fr', 1234.5)).toBe('1\u202f234,5')
    expect(formatNumber('en', 1234.5)).toBe('1,234.5')
  })
})
