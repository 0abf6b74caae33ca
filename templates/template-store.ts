import type { Sql } from 'postgres'
import { latestPins, seedBuiltInTemplates, versionContents, versionRefs, type TemplatePins, type TemplateVersionRef } from '../db/templates'
import { contentSchemas, emptySet, setMap, TEMPLATE_KINDS, type TemplateKind, type TemplateSet } from './template-set'

export interface TemplateStore {
  /**
   * The account's templates at the pinned versions (newest where `pins` is null or does not name one);
   * null when the account has no templates in the database (then the built-in files apply).
   */
  set(accountId: string, pins: TemplatePins | null): Promise<TemplateSet | null>
  /**
   * The same for a campaign version's pins at the account's template generation (migration 044), as a
   * send read them with its recipient (db/enrolments.ts sendRecipient). The versions are taken once per
   * campaign version and generation, not for every mail; a save anywhere in the account moves the
   * generation, so the next send takes them again.
   */
  setAt(accountId: string, at: { campaignVersionId: string; pins: TemplatePins | null; generation: string }): Promise<TemplateSet | null>
  /** The newest version of every template: what a publish pins. */
  latestPins(accountId: string): Promise<TemplatePins>
  /** Loads the built-in templates into the account (idempotent). */
  seed(accountId: string, builtIn: TemplateSet): Promise<number>
}

const SET_CACHE_LIMIT = 200

/**
 * Template sets from Postgres. Versions are immutable, so contents are cached by version id for the
 * process's lifetime and a set by the ids it is made of; a render costs one small query for the ids, or
 * none where the caller read them with its own query (setOf).
 */
export function createTemplateStore(sql: Sql, options: { /** The app's public URL, once known: self-hosted fonts are served under it. */ publicUrl?: () => string | undefined } = {}): TemplateStore {
  const contents = new Map<string, unknown>()
  const sets = new Map<string, TemplateSet>()
  // The sends of one campaign step arriving at once share one read of the versions.
  const atGeneration = new Map<string, Promise<TemplateSet | null>>()

  async function setOf(accountId: string, refs: TemplateVersionRef[]): Promise<TemplateSet | null> {
    if (!refs.length) return null
    const cacheKey = `${options.publicUrl?.() ?? ''}|${refs.map((ref) => ref.id).join(',')}`
    const cached = sets.get(cacheKey)
    if (cached) return cached
    for (const row of await versionContents(sql, refs.filter((ref) => !contents.has(ref.id)).map((ref) => ref.id))) {
      contents.set(row.id, row.content)
    }
    const publicUrl = options.publicUrl?.()
    const set: TemplateSet = { ...emptySet(), ...(publicUrl && { fontBase: `${publicUrl.replace(/\/$/, '')}/fonts/${accountId}` }) }
    for (const ref of refs) {
      // Parsed with the schema's defaults, so versions saved before a field existed still read.
      const content = contentSchemas[ref.kind].parse(contents.get(ref.id))
      setMap(set, ref.kind).set(ref.key, { ref: ref.id, version: ref.version, content: content as never })
    }
    if (sets.size >= SET_CACHE_LIMIT) sets.delete(sets.keys().next().value!)
    sets.set(cacheKey, set)
    return set
  }

  function setAt(accountId: string, at: { campaignVersionId: string; pins: TemplatePins | null; generation: string }): Promise<TemplateSet | null> {
    const key = `${options.publicUrl?.() ?? ''}|${accountId}|${at.campaignVersionId}|${at.generation}`
    let set = atGeneration.get(key)
    if (!set) {
      set = versionRefs(sql, accountId, at.pins).then((refs) => setOf(accountId, refs))
      // A failed read is not kept: the next send reads again.
      set.catch(() => atGeneration.delete(key))
      if (atGeneration.size >= SET_CACHE_LIMIT) atGeneration.delete(atGeneration.keys().next().value!)
      atGeneration.set(key, set)
    }
    return set
  }

  return {
    set: async (accountId, pins) => setOf(accountId, await versionRefs(sql, accountId, pins)),
    setAt,
    latestPins: (accountId) => latestPins(sql, accountId),
    seed: (accountId, builtIn) =>
      seedBuiltInTemplates(
        sql,
        accountId,
        TEMPLATE_KINDS.flatMap((kind: TemplateKind) => [...setMap(builtIn, kind)].map(([key, item]) => ({ kind, key, content: item.content }))),
      ),
  }
}
