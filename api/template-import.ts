import { Router } from 'express'
import { z } from 'zod'
import { contactAttributeKeys } from '../db/templates'
import { fontFaces } from '../db/template-fonts'
import { checkTemplateVersion } from '../templates/check'
import { fontWarnings } from '../templates/fonts'
import { applyMergeTagMapping, detectMergeTags, suggestedMapping, type MergeTag } from '../templates/merge-tags'
import type { MailContact } from '../templates/renderer'
import { isMjmlDocument, withItem, type MailTemplate, type TemplateSet } from '../templates/template-set'
import { knownVariables, unknownVariables } from '../templates/variables'
import { mjmlFilesInZip } from '../templates/zip'
import { route } from './contract/mount'
import { importedDesignSchema, templates } from './contract/templates'
import { currentSet, editRefusal, TEMPLATE_KEY, type TemplateApiDeps } from './template-access'

// Import of designs written for other tools: .mjml files (pasted, uploaded, or several in a zip) are
// read, their merge tags detected and mapped to this product's variables, checked and previewed. Nothing
// is saved here: the editor saves the result as a mail through PUT /api/templates/mails/:key, with the
// same checks as every save.

export type ImportedDesign = z.output<typeof importedDesignSchema>

const SAMPLE: MailContact = { email: 'sample.contact@example.com', firstName: 'Anna', lastName: 'Muster', salutation: 'ms', company: 'Muster Maschinenbau GmbH', attributes: {} }

/** POST /api/templates/import (permission: templates.edit): analyse, map and preview; nothing stored. */
export function templateImportRoutes(deps: TemplateApiDeps): Router {
  const router = Router()
  route(router, templates.importDesigns, async ({ body: input, who }) => {
    const refused = editRefusal(who, 'mail', 'import')
    if (refused) return refused
    const body = { data: input }
    const files: { name: string; text: string }[] = []
    for (const [i, file] of body.data.files.entries()) {
      if (file.mjml !== undefined) files.push({ name: file.name, text: file.mjml })
      else if (file.zip !== undefined) {
        try {
          files.push(...mjmlFilesInZip(Buffer.from(file.zip, 'base64')))
        } catch (error) {
          return { status: 400, code: 'invalid_input', field: `files.${i}.zip`, message: `files.${i}.zip: ${(error as Error).message}` }
        }
      } else return { status: 400, code: 'invalid_input', field: `files.${i}`, message: `files.${i}: give mjml (the design's text) or zip (base64)` }
    }
    for (const [i, file] of files.entries()) {
      if (!isMjmlDocument(file.text)) return { status: 400, code: 'invalid_input', field: `files.${i}`, message: `files.${i} (${file.name}): not an MJML document (it must start with <mjml>)` }
    }
    const [subsidiary] = await deps.sql<{ name: string; locale: string }[]>`select name, locale from subsidiaries where account_id = ${who.acc} and code = ${body.data.subsidiary}`
    if (!subsidiary) return { status: 404, code: 'not_found', field: 'subsidiary', message: `subsidiary: no subsidiary "${body.data.subsidiary}"` }
    const set = await currentSet(deps, who.acc)
    const known = knownVariables(set, await contactAttributeKeys(deps.sql, who.acc))
    const hosted = (await fontFaces(deps.sql, who.acc)).map((face) => face.family)
    const locale = body.data.locale ?? [...set.masters.values()][0]?.content.locale ?? 'de'
    const taken = new Set(set.mails.keys())
    const designs: ImportedDesign[] = []
    for (const file of files) {
      const key = freeKey(file.name, taken)
      taken.add(key)
      const tags = detectMergeTags(file.text, known)
      const mapping = { ...suggestedMapping(tags), ...pick(body.data.mapping, tags) }
      const mjml = applyMergeTagMapping(file.text, tags, mapping)
      const subject = titleOf(mjml) ?? key.replace(/-/g, ' ')
      const content: MailTemplate = { name: key.replace(/-/g, ' '), subject: { [locale]: subject }, body: { [locale]: mjml } }
      const issues = await checkTemplateVersion(set, 'mail', key, content)
      const warnings = [...unknownVariables('mail', key, content, known), ...fontWarnings('mail', key, content, hosted)]
      const preview = issues.length ? null : await render(deps, withItem(set, 'mail', key, content), key, { code: body.data.subsidiary, name: subsidiary.name, locale })
      designs.push({ file: file.name, key, subject, locale, tags, mapping, mjml, issues, warnings, preview })
    }
    return { status: 200, body: { variables: known.filter((v) => !v.startsWith('t.')), designs } }
  })
  return router
}

async function render(deps: TemplateApiDeps, set: TemplateSet, key: string, subsidiary: { code: string; name: string; locale: string }) {
  try {
    const mail = await deps.renderer.render({ templateId: key, subsidiary, contact: SAMPLE, templates: set, unsubscribeUrl: 'https://unsubscribe.invalid/preview' })
    return { subject: mail.subject, html: mail.html, text: mail.text }
  } catch {
    return null
  }
}

const pick = (mapping: Record<string, string>, tags: MergeTag[]) => Object.fromEntries(Object.entries(mapping).filter(([raw]) => tags.some((tag) => tag.raw === raw)))

function freeKey(fileName: string, taken: Set<string>): string {
  const base = fileName.replace(/\.[^.]*$/, '').toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 70) || 'imported-design'
  let key = base
  for (let n = 2; taken.has(key) || !TEMPLATE_KEY.test(key); n++) key = `${base}-${n}`
  return key
}

// The design's <mj-title> is what the tool used as the subject (unless it is a merge tag itself).
function titleOf(mjml: string): string | undefined {
  const title = /<mj-title>([\s\S]*?)<\/mj-title>/.exec(mjml)?.[1]?.trim()
  return title && !/^\{\{\s*subject\s*\}\}$/.test(title) ? title : undefined
}
