import { Router } from 'express'
import { z } from 'zod'
import { contactAttributeKeys, saveTemplateVersion, templateHistory, templateVersion } from '../db/templates'
import { checkTemplateVersion } from '../templates/check'
import { knownVariables, unknownVariables } from '../templates/variables'
import { fontWarnings } from '../templates/fonts'
import { fontFaces } from '../db/template-fonts'
import { templateFontRoutes } from './template-fonts'
import { templateImportRoutes } from './template-import'
import { blockIds, contentSchemas, isMjmlDocument, regionNames, type TemplateKind, type TemplateSet } from '../templates/template-set'
import { route } from './contract/mount'
import { templates } from './contract/templates'
import { invalidInput, notFound } from './errors'
import { currentSet, editRefusal, KIND_BY_SEGMENT, SEGMENT_BY_KIND, templateInvalid, type TemplateApiDeps } from './template-access'
import { templatePreviewRoutes } from './template-preview'
import { templateTranslationRoutes } from './template-translations'

const titleOf = (id: string) => id.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase())

/** Templates (contract: api/contract/templates.ts): what exists, versions of each, saving new versions; preview, test send, fonts, import and translations in their own files. */
export function templateRoutes(deps: TemplateApiDeps): Router {
  const router = Router()

  route(router, templates.list, async ({ who }) => {
    const set = await currentSet(deps, who.acc)
    return { status: 200, body: { templates: [...set.mails].map(([id, mail]) => ({ id, name: mail.content.name ?? titleOf(id), version: mail.version })) } }
  })

  // Everything, with what each derived template overrides and which mails use which block.
  route(router, templates.overview, async ({ who }) => ({ status: 200, body: overview(await currentSet(deps, who.acc)) }))

  // Before /templates/:kind/:key, which their paths would match too.
  router.use(templatePreviewRoutes(deps))
  router.use(templateFontRoutes(deps))
  router.use(templateImportRoutes(deps))
  router.use(templateTranslationRoutes(deps))

  route(router, templates.get, async ({ params, who }) => {
    const kind = KIND_BY_SEGMENT[params.kind]!
    const key = normaliseKey(kind, params.key)
    const row = await templateVersion(deps.sql, who.acc, kind, key)
    if (!row) return notFound(`${kind} template "${key}"`)
    const history = await templateHistory(deps.sql, who.acc, kind, key)
    return { status: 200, body: { ...describeRow(row), versions: history.map((v) => ({ version: v.version, createdBy: v.created_by, createdAt: v.created_at, note: v.note })) } }
  })

  route(router, templates.version, async ({ params, who }) => {
    const kind = KIND_BY_SEGMENT[params.kind]!
    const row = await templateVersion(deps.sql, who.acc, kind, normaliseKey(kind, params.key), params.version)
    if (!row) return notFound('template version')
    return { status: 200, body: describeRow(row) }
  })

  route(router, templates.save, async ({ params, body, who }) => {
    const kind = KIND_BY_SEGMENT[params.kind]!
    const key = normaliseKey(kind, params.key)
    const refused = editRefusal(who, kind, key)
    if (refused) return refused
    const content = contentSchemas[kind].safeParse(body.content)
    if (!content.success) return invalidInput(content.error, 'content')
    const set = await currentSet(deps, who.acc)
    if (kind === 'subsidiary') {
      const current = set.subsidiaries.get(key)
      const derived = content.data as z.infer<typeof contentSchemas.subsidiary>
      if (current && current.content.master !== derived.master && who.subs !== '*') {
        return { status: 403, code: 'forbidden', field: 'content.master', message: 'content.master: only HQ moves a subsidiary to another master' }
      }
    }
    const issues = await checkTemplateVersion(set, kind, key, content.data as never)
    if (issues.length) return templateInvalid(issues)
    const saved = await saveTemplateVersion(deps.sql, { accountId: who.acc, kind, key, content: content.data, createdBy: who.sub, note: body.note, ifLatest: body.baseVersion })
    if (!saved) return { status: 409, code: 'conflict', field: 'baseVersion', message: `baseVersion: ${kind} "${key}" has a newer version than ${body.baseVersion}; load it and apply your change again` }
    // Saved, but what would render as nothing is named, with where it is and what was probably meant.
    const hosted = (await fontFaces(deps.sql, who.acc)).map((face) => face.family)
    const warnings = [
      ...unknownVariables(kind, key, content.data as never, knownVariables(set, await contactAttributeKeys(deps.sql, who.acc))),
      ...fontWarnings(kind, key, content.data as never, hosted),
    ]
    return { status: 201, body: { kind, key, version: saved.version, id: saved.id, createdAt: saved.createdAt, url: `/api/templates/${SEGMENT_BY_KIND[kind]}/${key}/versions/${saved.version}`, warnings } }
  })

  return router
}

// Subsidiary templates are keyed by the lower-case code; the API accepts FR and fr.
const normaliseKey = (kind: TemplateKind, key: string) => (kind === 'subsidiary' ? key.toLowerCase() : key)

function describeRow(row: { kind: TemplateKind; key: string; version: number; content: unknown; created_by: string; created_at: Date; note: string | null }) {
  return { kind: row.kind, key: row.key, version: row.version, content: row.content, createdBy: row.created_by, createdAt: row.created_at, note: row.note }
}

/** What the template editor lists: masters with their regions, derived templates with what they override, mails, blocks with their users, locales. */
export function overview(set: TemplateSet) {
  const usedBy = (blockId: string) =>
    [...set.mails].filter(([, mail]) => Object.values(mail.content.body).some((body) => blockIds(body).includes(blockId))).map(([id]) => id)
  return {
    masters: [...set.masters].map(([key, m]) => ({ key, version: m.version, locale: m.content.locale, name: m.content.name ?? titleOf(key), regions: [...regionNames(m.content.mjml)] })),
    subsidiaries: [...set.subsidiaries].map(([key, s]) => ({
      key,
      code: key.toUpperCase(),
      version: s.version,
      master: s.content.master,
      locale: s.content.locale,
      overrides: {
        regions: Object.keys(s.content.regions),
        strings: Object.fromEntries(Object.entries(s.content.strings).map(([locale, strings]) => [locale, Object.keys(strings)])),
      },
      needsReview: s.content.review,
    })),
    mails: [...set.mails].map(([key, m]) => {
      // A mail with its own design (a whole <mjml> document) and the regions its overrides may change.
      const design = Object.values(m.content.body).find(isMjmlDocument)
      return { key, version: m.version, name: m.content.name ?? titleOf(key), locales: Object.keys(m.content.body), blocks: [...new Set(Object.values(m.content.body).flatMap(blockIds))], layout: design ? ('standalone' as const) : ('master' as const), regions: design ? [...regionNames(design)] : [] }
    }),
    blocks: [...set.blocks].map(([key, b]) => ({ key, version: b.version, kind: b.content.kind, name: b.content.name ?? titleOf(key), locales: Object.keys(b.content.body), usedBy: usedBy(key) })),
    locales: [...set.locales].map(([key, l]) => ({ key, version: l.version })),
  }
}
