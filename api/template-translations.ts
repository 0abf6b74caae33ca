import { Router } from 'express'
import { z } from 'zod'
import { saveTemplateVersion } from '../db/templates'
import { checkTemplateVersion } from '../templates/check'
import { DeepLError, translateTexts } from '../templates/deepl'
import { missingTranslations, untranslatedStrings } from '../templates/translations'
import { caller, seesSubsidiary } from './auth'
import { invalidInput, notFound, send } from './errors'
import { currentSet, mayEdit, sendUnavailable, templateInvalid, type TemplateApiDeps } from './template-access'

const reportQuery = z.strictObject({
  locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).optional(),
  subsidiary: z.string().regex(/^[A-Za-z]{2}$/).optional(),
})
const prefillBody = z.strictObject({ locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).optional() })

/** The missing-translations report, and DeepL pre-fill of a subsidiary's missing strings. */
export function templateTranslationRoutes(deps: TemplateApiDeps): Router {
  const router = Router()

  router.get('/templates/translations/missing', async (req, res) => {
    const query = reportQuery.safeParse(req.query)
    if (!query.success) return send(res, invalidInput(query.error, 'query'))
    const who = caller(req)
    if (query.data.subsidiary && !seesSubsidiary(who, query.data.subsidiary.toUpperCase())) return send(res, notFound(`subsidiary ${query.data.subsidiary}`))
    const set = await currentSet(deps, who.acc)
    res.json({ missing: missingTranslations(set, { locales: query.data.locale ? [query.data.locale] : undefined, subsidiary: query.data.subsidiary }) })
  })

  router.post('/templates/subsidiaries/:code/prefill', async (req, res) => {
    const code = req.params.code.toLowerCase()
    if (!mayEdit(req, res, 'subsidiary', code)) return
    const body = prefillBody.safeParse(req.body ?? {})
    if (!body.success) return send(res, invalidInput(body.error))
    if (!deps.deepl) {
      return sendUnavailable(res, 503, 'translation_unavailable', 'machine translation is off: DEEPL_API_KEY is not set (set it, and DEEPL_API_URL for a non-default endpoint, then restart)')
    }
    const who = caller(req)
    const set = await currentSet(deps, who.acc)
    const derived = set.subsidiaries.get(code)
    if (!derived) return send(res, notFound(`subsidiary template "${code}"`))
    const locale = body.data.locale ?? derived.content.locale
    const { masterLocale, texts } = untranslatedStrings(set, code, locale)
    if (locale === masterLocale || texts.size === 0) return res.json({ version: derived.version, translated: [], message: `nothing is missing in ${locale}` })

    let translated: string[]
    try {
      translated = await translateTexts(deps.deepl, { texts: [...texts.values()], sourceLocale: masterLocale, targetLocale: locale })
    } catch (error) {
      if (error instanceof DeepLError) return sendUnavailable(res, 502, 'translation_failed', error.message)
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
    if (issues.length) return send(res, templateInvalid(issues))
    const saved = await saveTemplateVersion(deps.sql, {
      accountId: who.acc,
      kind: 'subsidiary',
      key: code,
      content,
      createdBy: who.sub,
      note: `DeepL pre-fill of ${keys.length} ${locale} strings; needs review`,
      ifLatest: derived.version || undefined,
    })
    if (!saved) return send(res, { status: 409, code: 'conflict', message: `subsidiary template "${code}" changed meanwhile; try again` })
    res.status(201).json({ version: saved.version, locale, translated: keys.map((key, i) => ({ key, source: texts.get(key), text: translated[i], needsReview: true })) })
  })

  return router
}
