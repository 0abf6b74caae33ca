import { LANGUAGES, translate, useLanguage, type Language } from '../i18n'
import type { MailingMessageKey } from '../locales/mailings'

// The mailing editor speaks the designer's language (its catalogue: ../locales/mailings.ts); its own
// language menu switches the designer's, as the header's does.

export type MailingLanguage = Language
export const MAILING_LANGUAGES: readonly MailingLanguage[] = LANGUAGES
export type MailingKey = MailingMessageKey extends `mailing.${infer K}` ? K : never

export function useMailingT(): { language: MailingLanguage; t: (key: MailingKey, values?: Record<string, string | number>) => string } {
  const language = useLanguage((state) => state.language)
  return { language, t: (key, values) => translate(language, `mailing.${key}` as MailingMessageKey, values) }
}

/** Switches the designer's language (kept for the next visit). */
export const chooseLanguage = (language: MailingLanguage) => useLanguage.getState().setLanguage(language)
