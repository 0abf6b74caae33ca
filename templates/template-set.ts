import { createHash } from 'node:crypto'
import { z } from 'zod'

/**
 * The template model. Five kinds of source, each stored as immutable versions:
 * - master: a full MJML document in the corporate design with named regions, and the locale it is written in;
 * - subsidiary: a derived template naming its master and only the regions and strings it overrides;
 * - mail: subject and body (the master's "body" region) per locale;
 * - block: a global content block (product news, article, image) referenced by id from any template;
 * - locale: the strings the master and mails use (t.*), per locale.
 * A TemplateSet is one consistent choice of versions: what a published campaign version pins.
 */
export const TEMPLATE_KINDS = ['master', 'subsidiary', 'mail', 'block', 'locale'] as const
export type TemplateKind = (typeof TEMPLATE_KINDS)[number]

export const LOCALES = ['de', 'fr', 'it', 'es', 'en'] as const

const localeCode = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a locale such as "fr" or "fr-CH"')
const text = z.string().max(200_000)

// The keys every master locale must have; other locales may leave any of them out and fall back.
export const baseStringsSchema = z.object({
  // {first} and {last} are filled per recipient; see salutation.ts for which format applies.
  salutation: z.object({ mr: z.string(), ms: z.string(), named: z.string(), neutral: z.string() }),
  salutationPunctuation: z.string(),
  productFallback: z.string(),
  closing: z.string(),
  signature: z.string(),
  unsubscribe: z.string(),
  unsubscribeNote: z.string(),
})
export type LocaleStrings = z.infer<typeof baseStringsSchema> & Record<string, unknown>

/** Locale strings as stored: string values, one level of nesting (salutation.mr), any of them missing. */
export const localeContentSchema = z.record(z.string().regex(/^[A-Za-z][\w-]*$/), z.union([z.string(), z.record(z.string(), z.string())]))
export type LocaleContent = z.infer<typeof localeContentSchema>

export const masterContentSchema = z.strictObject({
  mjml: text.min(1),
  /** The locale the master's strings fall back to (HQ writes German). */
  locale: localeCode.default('de'),
  name: z.string().max(200).optional(),
})
export type MasterTemplate = z.infer<typeof masterContentSchema>

export const subsidiaryContentSchema = z.strictObject({
  master: z.string().min(1),
  locale: localeCode,
  /** Only the regions named here differ from the master. */
  regions: z.record(z.string(), text).default({}),
  /** Per locale, only the strings named here differ from the locale's strings (flat keys: "closing", "salutation.mr"). */
  strings: z.record(localeCode, z.record(z.string(), z.string())).default({}),
  /** Per locale, string keys filled by machine translation that nobody has reviewed yet. */
  review: z.record(localeCode, z.array(z.string())).default({}),
})
export type DerivedTemplate = z.infer<typeof subsidiaryContentSchema>

const regionName = z.string().regex(/^[A-Za-z][\w-]{0,79}$/, 'a region name: letters, digits, - and _')

export const mailContentSchema = z.strictObject({
  name: z.string().max(200).optional(),
  subject: z.record(localeCode, z.string().max(2000)),
  /**
   * Per locale, either the master's body region (elements that sit in a column) or a complete MJML
   * document (<mjml>…</mjml>): a standalone design that brings its own layout. A locale without a body
   * falls back to the master's locale.
   */
  body: z.record(localeCode, text),
  /**
   * Region overrides of this mail per subsidiary (lower-case code, or "*" for all) and locale: what a
   * standalone design's marked regions (headline, hero image, a link) say in FR or IT.
   */
  overrides: z.record(z.string().regex(/^([a-z]{2}|\*)$/, 'a subsidiary code such as "fr", or "*" for all'), z.record(localeCode, z.record(regionName, text))).optional(),
})
export type MailTemplate = z.infer<typeof mailContentSchema>

export const blockContentSchema = z.strictObject({
  kind: z.enum(['product_news', 'article', 'image']),
  name: z.string().max(200).optional(),
  /** MJML (elements that may sit in a column) per locale. */
  body: z.record(localeCode, text),
})
export type ContentBlock = z.infer<typeof blockContentSchema>

export interface ContentByKind {
  master: MasterTemplate
  subsidiary: DerivedTemplate
  mail: MailTemplate
  block: ContentBlock
  locale: LocaleContent
}

export const contentSchemas = {
  master: masterContentSchema,
  subsidiary: subsidiaryContentSchema,
  mail: mailContentSchema,
  block: blockContentSchema,
  locale: localeContentSchema,
} satisfies { [K in TemplateKind]: z.ZodType<ContentByKind[K], any> }

/** One version of one template. `ref` is unique per content (a version's row id, a file's or a draft's hash): the compile cache keys on it. */
export interface Versioned<T> {
  ref: string
  version: number
  content: T
}

export interface TemplateSet {
  masters: Map<string, Versioned<MasterTemplate>>
  /** Keyed by lower-case subsidiary code. */
  subsidiaries: Map<string, Versioned<DerivedTemplate>>
  mails: Map<string, Versioned<MailTemplate>>
  blocks: Map<string, Versioned<ContentBlock>>
  locales: Map<string, Versioned<LocaleContent>>
  /** Where the account's self-hosted fonts are served; absent for the built-in files (web fonts are then removed). */
  fontBase?: string
}

export const emptySet = (): TemplateSet => ({ masters: new Map(), subsidiaries: new Map(), mails: new Map(), blocks: new Map(), locales: new Map() })

export function setMap<K extends TemplateKind>(set: TemplateSet, kind: K): Map<string, Versioned<ContentByKind[K]>> {
  const maps = { master: set.masters, subsidiary: set.subsidiaries, mail: set.mails, block: set.blocks, locale: set.locales }
  return maps[kind] as unknown as Map<string, Versioned<ContentByKind[K]>>
}

/** A copy of the set with one item replaced: how drafts are previewed and checked before they are saved. */
export function withItem<K extends TemplateKind>(set: TemplateSet, kind: K, key: string, content: ContentByKind[K], version = 0): TemplateSet {
  const copy: TemplateSet = { masters: new Map(set.masters), subsidiaries: new Map(set.subsidiaries), mails: new Map(set.mails), blocks: new Map(set.blocks), locales: new Map(set.locales), fontBase: set.fontBase }
  setMap(copy, kind).set(key, { ref: contentRef('draft', content), version, content })
  return copy
}

export function contentRef(prefix: string, content: unknown): string {
  return `${prefix}:${createHash('sha1').update(JSON.stringify(content)).digest('base64url')}`
}

/** "salutation.mr" style keys with their values. */
export function flattenStrings(content: LocaleContent): Map<string, string> {
  const flat = new Map<string, string>()
  for (const [key, value] of Object.entries(content)) {
    if (typeof value === 'string') flat.set(key, value)
    else for (const [inner, text] of Object.entries(value)) flat.set(`${key}.${inner}`, text)
  }
  return flat
}

function setFlat(target: Record<string, unknown>, key: string, value: string) {
  const dot = key.indexOf('.')
  if (dot === -1) return void (target[key] = value)
  const outer = key.slice(0, dot)
  const inner = (target[outer] = { ...((target[outer] as Record<string, string> | undefined) ?? {}) }) as Record<string, string>
  inner[key.slice(dot + 1)] = value
}

/**
 * The strings a mail in `locale` for a subsidiary uses: the master locale's strings, overlaid by the
 * locale's own, overlaid by the subsidiary's overrides for that locale. What is missing falls back.
 */
export function resolveStrings(set: TemplateSet, masterLocale: string, locale: string, derived?: DerivedTemplate): LocaleStrings {
  const merged: Record<string, unknown> = {}
  for (const layer of [set.locales.get(masterLocale)?.content, locale === masterLocale ? undefined : set.locales.get(locale)?.content]) {
    if (layer) for (const [key, value] of flattenStrings(layer)) setFlat(merged, key, value)
  }
  for (const [key, value] of Object.entries(derived?.strings[locale] ?? {})) setFlat(merged, key, value)
  return merged as LocaleStrings
}

/** Blocks a source names with [% block id %]. */
export function blockIds(source: string): string[] {
  return [...source.matchAll(/\[%-?\s*block\s+["']?([\w-]+)/g)].map((match) => match[1] ?? '')
}

/** A complete MJML document (a standalone design), as opposed to elements for a master's body region. */
export function isMjmlDocument(source: string): boolean {
  return /^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<mjml[\s>]/i.test(source)
}

/** Region names a master declares, so a misspelt override in a subsidiary is caught. */
export function regionNames(master: string): Set<string> {
  return new Set([...master.matchAll(/\[%-?\s*region\s+([\w-]+)/g)].map((match) => match[1] ?? ''))
}

/** The locale a mail is written in for a subsidiary: the requested one if the account writes in it (also 'fr-CH' → 'fr'), else the subsidiary's. */
export function mailLocale(set: TemplateSet, requested: string, subsidiaryDefault: string): string {
  const candidates = [requested, requested.split('-')[0] ?? '', subsidiaryDefault].map((locale) => locale.toLowerCase())
  return candidates.find((locale) => set.locales.has(locale)) ?? subsidiaryDefault
}
