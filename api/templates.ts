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
import { caller } from './auth'
import { invalidInput, notFound, send } from './errors'
import { int4, int4Param } from './input-schemas'
import { currentSet, KIND_BY_SEGMENT, mayEdit, SEGMENT_BY_KIND, TEMPLATE_KEY, templateInvalid, type TemplateApiDeps } from './template-access'
import { templatePreviewRoutes } from './template-preview'
import { templateTranslationRoutes } from './template-translations'

const saveBody = z.strictObject({
  content: z.unknown(),
  note: z.string().max(500).optional(),
  /** The version the editor started from: the save is refused (409) if someone saved a newer one since. */
  baseVersion: int4().min(0).optional(),
})

const titleOf = (id: string) => id.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase())

/** Templates: what exists, versions of each, saving new versions; preview, test send and translations in their own files. */
export function templateRoutes(deps: TemplateApiDeps): Router {
  const router = Router()

  // The mail templates a send step may use (the designer's template picker).
  router.get('/templates', async (req, res) => {
    const set = await currentSet(deps, caller(req).acc)
    res.json({ templates: [...set.mails].map(([id, mail]) => ({ id, name: mail.content.name ?? titleOf(id), version: mail.version })) })
  })

  // Everything, with what each derived template overrides and which mails use which block.
  router.get('/templates/overview', async (req, res) => {
    res.json(overview(await currentSet(deps, caller(req).acc)))
  })

  router.use(templatePreviewRoutes(deps))
  router.use(templateFontRoutes(deps))
  router.use(templateImportRoutes(deps))
  router.use(templateTranslationRoutes(deps))

  router.get('/templates/:kind/:key', async (req, res) => {
    const kind = KIND_BY_SEGMENT[req.params.kind]
    if (!kind) return send(res, notFound('template kind'))
    const key = normaliseKey(kind, req.params.key)
    const row = await templateVersion(deps.sql, caller(req).acc, kind, key)
    if (!row) return send(res, notFound(`${kind} template "${key}"`))
    const history = await templateHistory(deps.sql, caller(req).acc, kind, key)
    res.json({ ...describeRow(row), versions: history.map((v) => ({ version: v.version, createdBy: v.created_by, createdAt: v.created_at, note: v.note })) })
  })

  router.get('/templates/:kind/:key/versions/:version', async (req, res) => {
    const kind = KIND_BY_SEGMENT[req.params.kind]
    const version = int4Param().min(1).safeParse(req.params.version)
    if (!kind) return send(res, notFound('template version'))
    if (!version.success) return send(res, invalidInput(version.error, 'version'))
    const row = await templateVersion(deps.sql, caller(req).acc, kind, normaliseKey(kind, req.params.key), version.data)
    if (!row) return send(res, notFound('template version'))
    res.json(describeRow(row))
  })

  router.put('/templates/:kind/:key', async (req, res) => {
    const kind = KIND_BY_SEGMENT[req.params.kind]
    if (!kind) return send(res, notFound('template kind'))
    if (!TEMPLATE_KEY.test(req.params.key)) return send(res, { status: 400, code: 'invalid_input', field: 'key', message: 'key: letters, digits, - and _ only (at most 80)' })
    const key = normaliseKey(kind, req.params.key)
    if (!mayEdit(req, res, kind, key)) return
    const body = saveBody.safeParse(req.body)
    if (!body.success) return send(res, invalidInput(body.error))
    const content = contentSchemas[kind].safeParse(body.data.content)
    if (!content.success) return send(res, invalidInput(content.error, 'content'))
    const who = caller(req)
    const set = await currentSet(deps, who.acc)
    if (kind === 'subsidiary') {
      const current = set.subsidiaries.get(key)
      const derived = content.data as z.infer<typeof contentSchemas.subsidiary>
      if (current && current.content.master !== derived.master && who.subs !== '*') {
        return send(res, { status: 403, code: 'forbidden', field: 'content.master', message: 'content.master: only HQ moves a subsidiary to another master' })
      }
    }
    const issues = await checkTemplateVersion(set, kind, key, content.data as never)
    if (issues.length) return send(res, templateInvalid(issues))
    const saved = await saveTemplateVersion(deps.sql, { accountId: who.acc, kind, key, content: content.data, createdBy: who.sub, note: body.data.note, ifLatest: body.data.baseVersion })
    if (!saved) return send(res, { status: 409, code: 'conflict', field: 'baseVersion', message: `baseVersion: ${kind} "${key}" has a newer version than ${body.data.baseVersion}; load it and apply your change again` })
    // Saved, but what would render as nothing is named, with where it is and what was probably meant.
    const hosted = (await fontFaces(deps.sql, who.acc)).map((face) => face.family)
    const warnings = [
      ...unknownVariables(kind, key, content.data as never, knownVariables(set, await contactAttributeKeys(deps.sql, who.acc))),
      ...fontWarnings(kind, key, content.data as never, hosted),
    ]
    res.status(201).json({ kind, key, version: saved.version, id: saved.id, createdAt: saved.createdAt, url: `/api/templates/${SEGMENT_BY_KIND[kind]}/${key}/versions/${saved.version}`, warnings })
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
      return { key, version: m.version, name: m.content.name ?? titleOf(key), locales: Object.keys(m.content.body), blocks: [...new Set(Object.values(m.content.body).flatMap(blockIds))], layout: design ? 'standalone' : 'master', regions: design ? [...regionNames(design)] : [] }
    }),
    blocks: [...set.blocks].map(([key, b]) => ({ key, version: b.version, kind: b.content.kind, name: b.content.name ?? titleOf(key), locales: Object.keys(b.content.body), usedBy: usedBy(key) })),
    locales: [...set.locales].map(([key, l]) => ({ key, version: l.version })),
  }
}
