import { describe, expect, it } from 'vitest'
import { MAILING_LANGUAGES, MAILING_MESSAGES } from './mailing-i18n'

describe('mailing editor texts', () => {
  it('exist in every language with the same placeholders', () => {
    const english = MAILING_MESSAGES.en
    for (const language of MAILING_LANGUAGES) {
      for (const [key, text] of Object.entries(english)) {
        const translated = MAILING_MESSAGES[language][key as keyof typeof english]
        expect(translated, `${language} ${key}`).toBeTruthy()
        expect(translated.match(/\{\w+\}/g)?.sort(), `${language} ${key}`).toEqual(text.match(/\{\w+\}/g)?.sort())
      }
    }
  })
})
