import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { z } from 'zod'
import {
  baseStringsSchema,
  blockContentSchema,
  contentRef,
  emptySet,
  localeContentSchema,
  mailContentSchema,
  regionNames,
  subsidiaryContentSchema,
  type TemplateSet,
  type Versioned,
} from './template-set'

export { regionNames }

/** HQ writes the masters in German: what other locales fall back to. */
const FILE_MASTER_LOCALE = 'de'

/**
 * The built-in templates: this folder's files, read and checked once, so a broken or incomplete template
 * fails at start-up naming its file. They seed each account's template versions in Postgres (see
 * db/templates.ts) and are what a renderer without a database renders. Maps rather than objects so an
 * id like "constructor" can never resolve to a prototype property.
 */
export function loadTemplateLibrary(dir: string): TemplateSet {
  const set = emptySet()
  for (const file of filesIn(join(dir, 'masters'), '.mjml')) {
    set.masters.set(basename(file, '.mjml'), item({ mjml: readFileSync(file, 'utf8'), locale: FILE_MASTER_LOCALE }))
  }
  for (const file of filesIn(join(dir, 'locales'), '.json')) {
    const locale = basename(file, '.json')
    const content = readJson(file, localeContentSchema)
    // The masters' locale is what every other falls back to: it must have every string.
    if (locale === FILE_MASTER_LOCALE) readJsonValue(file, content, baseStringsSchema.passthrough())
    set.locales.set(locale, item(content))
  }
  for (const file of filesIn(join(dir, 'subsidiaries'), '.json')) set.subsidiaries.set(basename(file, '.json'), item(readJson(file, subsidiaryContentSchema)))
  for (const folder of folders(join(dir, 'mails'), 'mail.json')) {
    const { subject, name } = readJson(join(folder, 'mail.json'), z.object({ subject: z.record(z.string(), z.string()), name: z.string().optional() }))
    set.mails.set(basename(folder), item(mailContentSchema.parse({ name, subject, body: bodies(folder) })))
  }
  for (const folder of folders(join(dir, 'blocks'), 'block.json')) {
    const meta = readJson(join(folder, 'block.json'), z.object({ kind: z.string(), name: z.string().optional() }))
    set.blocks.set(basename(folder), item(readJsonValue(join(folder, 'block.json'), { ...meta, body: bodies(folder) }, blockContentSchema)))
  }
  for (const [code, derived] of set.subsidiaries) {
    const file = `subsidiaries/${code}.json`
    const master = set.masters.get(derived.content.master)
    if (!master) throw new Error(`${file}: unknown master "${derived.content.master}"`)
    if (!set.locales.has(derived.content.locale)) throw new Error(`${file}: no locale strings for "${derived.content.locale}" in locales/`)
    const declared = regionNames(master.content.mjml)
    for (const region of Object.keys(derived.content.regions)) {
      if (!declared.has(region)) throw new Error(`${file}: master "${derived.content.master}" has no region "${region}" (it has ${[...declared].join(', ')})`)
    }
  }
  for (const [id, mail] of set.mails) {
    if (!mail.content.subject[FILE_MASTER_LOCALE] || !mail.content.body[FILE_MASTER_LOCALE]) throw new Error(`mails/${id}: needs a subject and body in "${FILE_MASTER_LOCALE}", the masters' locale`)
  }
  return set
}

function item<T>(content: T): Versioned<T> {
  return { ref: contentRef('file', content), version: 0, content }
}

function bodies(folder: string): Record<string, string> {
  return Object.fromEntries(filesIn(folder, '.mjml').map((file) => [basename(file, '.mjml'), readFileSync(file, 'utf8')]))
}

function readJson<T>(file: string, schema: z.ZodType<T, any>): T {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`)
  }
  return readJsonValue(file, raw, schema)
}

function readJsonValue<T>(file: string, raw: unknown, schema: z.ZodType<T, any>): T {
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`)
  return parsed.data
}

function filesIn(dir: string, extension: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => join(dir, entry.name))
    .sort()
}

function folders(dir: string, marker: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, marker)))
    .map((entry) => join(dir, entry.name))
    .sort()
}
