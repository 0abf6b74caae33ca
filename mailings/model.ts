import { z } from 'zod'
import { nextSendWindowStart, TIME_OF_DAY, WEEKDAYS, type SendWindow } from '../engine/nodes/zoned-time'
import { contentRef, LOCALES, type MailTemplate, type Versioned } from '../templates/template-set'

/**
 * A mailing's content: subject and preheader per language, and a body made of content blocks in order:
 * global blocks (HQ's, by id, always their newest version when a mail leaves) and local blocks of its
 * own (MJML per language). The body is a mail template like any other: it fills the master's "body"
 * region of the subsidiary's derived template.
 */
const localeCode = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a locale such as "fr"')
const blockKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/, 'a block id such as "product-news-hydrostat-3000"')
export const localBlockId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a block id of a-z, 0-9 and -')

export const globalBlockSchema = z.strictObject({ kind: z.literal('global'), block: blockKey })
export const localBlockSchema = z.strictObject({
  kind: z.literal('local'),
  id: localBlockId,
  name: z.string().max(200).optional(),
  /** MJML that may sit in a column (mj-text, mj-image, mj-button …), per language. */
  body: z.record(localeCode, z.string().max(100_000)),
})
export const mailingBlockSchema = z.discriminatedUnion('kind', [globalBlockSchema, localBlockSchema])
export type MailingBlock = z.infer<typeof mailingBlockSchema>

export const mailingContentSchema = z.strictObject({
  subject: z.record(localeCode, z.string().max(998)).default({}),
  preheader: z.record(localeCode, z.string().max(300)).default({}),
  blocks: z.array(mailingBlockSchema).max(50).default([]),
  /** Per language, what machine translation filled in and nobody has reviewed yet ("subject", "preheader", "block:<id>"). */
  review: z.record(localeCode, z.array(z.string())).default({}),
})
export type MailingContent = z.infer<typeof mailingContentSchema>

export const sendWindowSchema = z.strictObject({
  days: z.array(z.enum(WEEKDAYS)).min(1),
  from: z.string().regex(TIME_OF_DAY, 'a time such as 08:00'),
  until: z.string().regex(TIME_OF_DAY, 'a time such as 18:00'),
})

export const scheduleSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('now') }),
  /** A wall-clock time in the subsidiary's time zone, e.g. "2026-12-04T09:00". */
  z.strictObject({ mode: z.literal('at'), localTime: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'a local time such as 2026-12-04T09:00') }),
  /** Each recipient in this window on their own clock (their time zone, else the subsidiary's), from `localTime` (or now) on. */
  z.strictObject({
    mode: z.literal('recipient_window'),
    window: sendWindowSchema,
    localTime: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/).optional(),
  }),
])
export type MailingSchedule = z.infer<typeof scheduleSchema>

export type MailingStatus = 'draft' | 'awaiting_approval' | 'scheduled' | 'sending' | 'paused' | 'sent' | 'cancelled'

/** The mail-template key a mailing renders under (never clashes with template keys, which cannot contain ':'). */
export const mailingTemplateKey = (mailingId: string) => `mailing-${mailingId}`

/** Every language the mailing is written in (subject or a local block). */
export function mailingLocales(content: MailingContent): string[] {
  const locales = new Set(Object.keys(content.subject))
  for (const block of content.blocks) if (block.kind === 'local') for (const locale of Object.keys(block.body)) locales.add(locale)
  return [...locales].sort()
}

/**
 * The mailing as a mail template: per language a body of `[% block id %]` for global blocks (resolved
 * when the mail is compiled, so HQ's newest version shows) and the local blocks' MJML. A local block
 * without the language falls back to the first language it has (the checklist lists it as missing).
 */
export function mailingAsMailTemplate(name: string, content: MailingContent): Versioned<MailTemplate> {
  // Every language the product writes in: a preview (or a recipient) in a language the mailing lacks still
  // gets HQ's blocks in that language and the local blocks' fallback, not an empty body.
  const locales = [...new Set([...mailingLocales(content), ...LOCALES])]
  const body: Record<string, string> = {}
  for (const locale of locales) body[locale] = content.blocks.map((block) => blockSource(block, locale)).join('\n')
  const mail: MailTemplate = { name, subject: { ...content.subject }, body }
  // The content's hash as the ref: the renderer compiles once per content, derived template, master,
  // strings, blocks and language, and a changed global block makes a new compile on its own.
  return { ref: contentRef('mailing', mail), version: 1, content: mail }
}

/** One block's part of the mailing's body in a language (see mailingAsMailTemplate). */
function blockSource(block: MailingBlock, locale: string): string {
  return block.kind === 'global' ? `[% block ${block.block} %]` : (block.body[locale] ?? Object.values(block.body)[0] ?? '')
}

/**
 * The block at `line` (1-based) of the mailing's body in `locale`, and the line within that block: a
 * render error in the body names the block the marketer wrote, not a line of the joined body.
 */
export function blockAtLine(content: MailingContent, locale: string, line: number): { block: MailingBlock; line: number } | null {
  let start = 1
  for (const block of content.blocks) {
    const lines = blockSource(block, locale).split('\n').length
    if (line < start + lines) return line >= start ? { block, line: line - start + 1 } : null
    start += lines
  }
  return null
}

/** The first instant at or after `from` inside every given window on the clock of `zone`. */
export function nextInWindows(from: number, zone: string, windows: readonly SendWindow[]): number {
  let at = from
  for (let round = 0; round < 16; round++) {
    let moved = false
    for (const window of windows) {
      const next = nextSendWindowStart(at, zone, window)
      if (next !== at) {
        at = next
        moved = true
      }
    }
    if (!moved) return at
  }
  return at // windows that never overlap: the last opening found
}
