import { describe, expect, it } from 'vitest'
import { nodeTypes } from '../../engine/nodes'
import { SHORTCUTS } from './components/shortcuts'
import { FIELD_LABELS } from './field-labels'
import { dictionaries, formatDateTime, formatNumber, LANGUAGES, preferredLanguage, stepNames, translate } from './i18n'

// Every word of the UI in every language: a message key, a registered step type, a step category, a
// config field label or a shortcut without one of EN, DE, FR, IT, ES fails here.

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

  it('names every registered step type and its category in every language', () => {
    const gaps: string[] = []
    for (const type of Object.values(nodeTypes)) {
      if (!type.label.trim()) gaps.push(`en: ${type.type} has no label`)
      for (const [language, names] of Object.entries(stepNames)) {
        if (!names[type.type]) gaps.push(`${language}: step ${type.type}`)
        if (!names[`category.${type.category}`]) gaps.push(`${language}: category ${type.category}`)
      }
    }
    expect(gaps).toEqual([])
  })

  it('labels the config fields and shortcuts in every language', () => {
    const fieldKeys = Object.keys(FIELD_LABELS.en)
    const gaps = LANGUAGES.flatMap((language) => fieldKeys.filter((key) => !FIELD_LABELS[language][key]).map((key) => `${language}: field ${key}`))
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
