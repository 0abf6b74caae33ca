import { Router } from 'express'
import { saveTemplateVersion } from '../db/templates'
import { checkTemplateVersion } from '../templates/check'
import { DeepLError, translateTexts } from '../templates/deepl'
import { missingTranslations, untranslatedStrings } from '../templates/translations'
import { seesSubsidiary } from './auth'
import { route } from './contract/mount'
import { templates } from './contract/templates'
import { notFound } from './errors'
import { currentSet, editRefusal, templateInvalid, type TemplateApiDeps } from './template-access'

/** The missing-translations report, and DeepL pre-fill of a subsidiary's missing strings. */
export function templateTranslationRoutes(deps: TemplateApiDeps): Router {
  const router = Router()

  route(router, templates.missingTranslations, async ({ query, who }) => {
    if (query.subsidiary && !seesSubsidiary(who, query.subsidiary.toUpperCase())) return notFound(`subsidiary ${query.subsidiary}`)
    const set = await currentSet(deps, who.acc)
    return { status: 200, body: { missing: missingTranslations(set, { locales: query.locale ? [query.locale] : undefined, subsidiary: query.subsidiary }) } }
  })

  route(router, templates.prefill, async ({ params, body, who }) => {
    const code = params.code.toLowerCase()
    const refused = editRefusal(who, 'subsidiary', code)
    if (refused) return refused
    // Said before anything else, so a marketer learns that machine translation is off whatever is missing.
    if (!deps.deepl) {
      return { status: 503, code: 'translation_unavailable', message: 'machine translation is off: DEEPL_API_KEY is not set (set it, and DEEPL_API_URL for a non-default endpoint, then restart)' }
    }
    const set = await currentSet(deps, who.acc)
    const derived = set.subsidiaries.get(code)
    if (!derived) return notFound(`subsidiary template "${code}"`)
    const locale = body.locale ?? derived.content.locale
    const { masterLocale, texts } = untranslatedStrings(set, code, locale)
    if (locale === masterLocale || texts.size === 0) return { status: 200, body: { version: derived.version, translated: [], message: `nothing is missing in ${locale}` } }

    let translated: string[]
    try {
      translated = await translateTexts(deps.deepl, { texts: [...texts.values()], sourceLocale: masterLocale, targetLocale: locale })
    } catch (error) {
      if (error instanceof DeepLError) return { status: 502, code: 'translation_failed', message: error.message }
      throw error
    }
    const keys = [...texts.keys()]
    const content = {
      ...derived.content,
      strings: { ...derived.content.strings, [locale]: { ...derived.content.strings[locale], ...Object.fromEntries(keys.map((key, i) => [key, translated[i]!])) } },
      // Machine translations show in mail at once but stay listed until someone reviews them and saves.
      review: { ...derived.content.review, [locale]: [...new Set([...(derived.content.review[locale] ?? []), ...keys])] },
    }
    const issues = await checkTemplateVersion(set, 'subsidiary', code, content)
    if (issues.length) return templateInvalid(issues)
    const saved = await saveTemplateVersion(deps.sql, {
      accountId: who.acc,
      kind: 'subsidiary',
      key: code,
      content,
      createdBy: who.sub,
      note: `DeepL pre-fill of ${keys.length} ${locale} strings; needs review`,
      ifLatest: derived.version || undefined,
    })
    if (!saved) return { status: 409, code: 'conflict', message: `subsidiary template "${code}" changed meanwhile; try again` }
    return { status: 201, body: { version: saved.version, locale, translated: keys.map((key, i) => ({ key, source: texts.get(key)!, text: translated[i]!, needsReview: true as const })) } }
  })

  return router
}
