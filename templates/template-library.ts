import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { z } from 'zod'

const localeStringsSchema = z.object({
  // {first} and {last} are filled per recipient; see salutation.ts for which format applies.
  salutation: z.object({ mr: z.string(), ms: z.string(), named: z.string(), neutral: z.string() }),
  salutationPunctuation: z.string(),
  productFallback: z.string(),
  closing: z.string(),
  signature: z.string(),
  unsubscribe: z.string(),
  unsubscribeNote: z.string(),
})
export type LocaleStrings = z.infer<typeof localeStringsSchema>

const derivedTemplateSchema = z.object({
  master: z.string(),
  locale: z.string(),
  regions: z.record(z.string(), z.string()).default({}),
})
/** A subsidiary's derived template: which master it builds on and the regions it overrides. */
export type DerivedTemplate = z.infer<typeof derivedTemplateSchema>

const mailFileSchema = z.object({ subject: z.record(z.string(), z.string()) })

/** One mail template: per-locale subject and MJML body fragment (the master's body region). */
export interface MailTemplate {
  id: string
  subjects: Map<string, string>
  bodies: Map<string, string>
}

export interface TemplateLibrary {
  masters: Map<string, string>
  /** Keyed by lower-case subsidiary code, the file name under subsidiaries/. */
  subsidiaries: Map<string, DerivedTemplate>
  locales: Map<string, LocaleStrings>
  mails: Map<string, MailTemplate>
}

/**
 * Reads and checks every template file once, so that a broken or incomplete template fails at
 * start-up naming its file, not in the middle of a campaign run. Maps rather than objects so an
 * id like "constructor" can never resolve to a prototype property.
 */
export function loadTemplateLibrary(dir: string): TemplateLibrary {
  const masters = new Map(filesIn(join(dir, 'masters'), '.mjml').map((file) => [basename(file, '.mjml'), readFileSync(file, 'utf8')]))
  const subsidiaries = new Map(
    filesIn(join(dir, 'subsidiaries'), '.json').map((file) => [basename(file, '.json'), readJson(file, derivedTemplateSchema)]),
  )
  const locales = new Map(filesIn(join(dir, 'locales'), '.json').map((file) => [basename(file, '.json'), readJson(file, localeStringsSchema)]))
  const mails = new Map(mailFolders(join(dir, 'mails')).map((folder) => [basename(folder), readMail(folder)]))

  for (const [code, derived] of subsidiaries) checkDerivedTemplate(code, derived, masters, locales)
  for (const mail of mails.values()) checkMailLocales(mail, [...locales.keys()])
  return { masters, subsidiaries, locales, mails }
}

/** Region names a master declares, so a misspelt override in a subsidiary file is caught. */
export function regionNames(master: string): Set<string> {
  return new Set([...master.matchAll(/\[%-?\s*region\s+([\w-]+)/g)].map((match) => match[1] ?? ''))
}

function checkDerivedTemplate(code: string, derived: DerivedTemplate, masters: Map<string, string>, locales: Map<string, LocaleStrings>) {
  const file = `subsidiaries/${code}.json`
  const master = masters.get(derived.master)
  if (master === undefined) throw new Error(`${file}: unknown master "${derived.master}"`)
  if (!locales.has(derived.locale)) throw new Error(`${file}: no locale strings for "${derived.locale}" in locales/`)
  const declared = regionNames(master)
  for (const region of Object.keys(derived.regions)) {
    if (!declared.has(region)) throw new Error(`${file}: master "${derived.master}" has no region "${region}" (it has ${[...declared].join(', ')})`)
  }
}

// Every mail in every locale we have strings for: a subsidiary must never hit a missing translation mid-campaign.
function checkMailLocales(mail: MailTemplate, locales: string[]) {
  for (const locale of locales) {
    if (!mail.subjects.has(locale)) throw new Error(`mails/${mail.id}/mail.json: no subject for locale "${locale}"`)
    if (!mail.bodies.has(locale)) throw new Error(`mails/${mail.id}/${locale}.mjml is missing`)
  }
}

function readMail(folder: string): MailTemplate {
  const id = basename(folder)
  const { subject } = readJson(join(folder, 'mail.json'), mailFileSchema)
  const bodies = new Map(filesIn(folder, '.mjml').map((file) => [basename(file, '.mjml'), readFileSync(file, 'utf8')]))
  return { id, subjects: new Map(Object.entries(subject)), bodies }
}

function readJson<T>(file: string, schema: z.ZodType<T>): T {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`)
  }
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

function mailFolders(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'mail.json')))
    .map((entry) => join(dir, entry.name))
    .sort()
}
