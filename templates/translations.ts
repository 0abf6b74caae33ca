import { flattenStrings, LOCALES, type TemplateSet } from './template-set'

export interface MissingTranslation {
  kind: 'locale' | 'subsidiary' | 'mail' | 'block'
  key: string
  locale: string
  /** What falls back: string keys ("closing", "salutation.mr"), or "subject" / "body". */
  missing: string[]
  /** Machine-translated strings nobody has reviewed yet (subsidiaries). */
  needsReview?: string[]
  /** The locale the missing parts are shown in instead. */
  fallsBackTo: string
}

/**
 * What each template lacks in each locale, and so shows in the master's locale instead: locale strings,
 * a subsidiary's strings (neither its overrides nor the locale have them), mail subjects and bodies,
 * block bodies. `locales` defaults to every locale the account writes in.
 */
export function missingTranslations(set: TemplateSet, options: { locales?: string[]; subsidiary?: string } = {}): MissingTranslation[] {
  const master = set.masters.values().next().value
  const masterLocale = master?.content.locale ?? 'de'
  const base = flattenStrings(set.locales.get(masterLocale)?.content ?? {})
  const only = options.subsidiary?.toLowerCase()
  const onlySubsidiary = only ? set.subsidiaries.get(only) : undefined
  const locales = options.locales ?? (onlySubsidiary ? [onlySubsidiary.content.locale] : [...new Set([...LOCALES, ...set.locales.keys()])])
  const report: MissingTranslation[] = []
  for (const locale of locales) {
    if (locale === masterLocale) continue
    const localeStrings = flattenStrings(set.locales.get(locale)?.content ?? {})
    const missingStrings = [...base.keys()].filter((key) => !localeStrings.has(key))
    if (!only && missingStrings.length) report.push({ kind: 'locale', key: locale, locale, missing: missingStrings, fallsBackTo: masterLocale })
    for (const [code, derived] of set.subsidiaries) {
      if ((only && code !== only) || derived.content.locale !== locale) continue
      const own = derived.content.strings[locale] ?? {}
      const missing = missingStrings.filter((key) => !(key in own))
      const needsReview = derived.content.review[locale] ?? []
      if (missing.length || needsReview.length) report.push({ kind: 'subsidiary', key: code, locale, missing, needsReview, fallsBackTo: masterLocale })
    }
    for (const [id, mail] of set.mails) {
      const missing = [...(mail.content.subject[locale] ? [] : ['subject']), ...(mail.content.body[locale] ? [] : ['body'])]
      if (missing.length) report.push({ kind: 'mail', key: id, locale, missing, fallsBackTo: masterLocale })
    }
    for (const [id, block] of set.blocks) {
      if (!block.content.body[locale]) report.push({ kind: 'block', key: id, locale, missing: ['body'], fallsBackTo: masterLocale })
    }
  }
  return report
}

/** The subsidiary's strings that fall back to the master's locale, with the master-locale text to translate. */
export function untranslatedStrings(set: TemplateSet, code: string, locale: string): { masterLocale: string; texts: Map<string, string> } {
  const derived = set.subsidiaries.get(code)
  const masterLocale = (derived && set.masters.get(derived.content.master)?.content.locale) ?? 'de'
  const base = flattenStrings(set.locales.get(masterLocale)?.content ?? {})
  const localeStrings = flattenStrings(set.locales.get(locale)?.content ?? {})
  const own = derived?.content.strings[locale] ?? {}
  return { masterLocale, texts: new Map([...base].filter(([key]) => !localeStrings.has(key) && !(key in own))) }
}
