import type { TemplateSet } from '../templates/template-set'
import { mailingLocales, type MailingContent } from './model'

export interface ChecklistItem {
  kind: 'missing_translation' | 'needs_review' | 'unresolvable_link' | 'missing_plain_text' | 'no_subject' | 'no_blocks' | 'unknown_block' | 'render_error'
  /** error: sending is refused; warning: worth a look. */
  severity: 'error' | 'warning'
  locale?: string
  block?: string
  url?: string
  message: string
}

/** What the mailing's own content lacks per language (the subsidiary's language first). */
export function contentChecks(content: MailingContent, set: TemplateSet, subsidiaryLocale: string): ChecklistItem[] {
  const items: ChecklistItem[] = []
  const locales = [...new Set([subsidiaryLocale, ...mailingLocales(content)])]
  if (!content.blocks.length) items.push({ kind: 'no_blocks', severity: 'error', message: 'the mailing has no content blocks' })
  for (const locale of locales) {
    if (!content.subject[locale]?.trim()) {
      items.push({ kind: locale === subsidiaryLocale ? 'no_subject' : 'missing_translation', severity: locale === subsidiaryLocale ? 'error' : 'warning', locale, message: `no subject in ${locale}` })
    }
    if (!content.preheader[locale]?.trim()) items.push({ kind: 'missing_translation', severity: 'warning', locale, message: `no preheader in ${locale}` })
    for (const block of content.blocks) {
      if (block.kind === 'local' && !block.body[locale]?.trim()) {
        items.push({ kind: 'missing_translation', severity: 'warning', locale, block: block.id, message: `block "${block.name ?? block.id}" has no ${locale} text (the ${Object.keys(block.body)[0] ?? '?'} text is used)` })
      }
      if (block.kind === 'global') {
        const global = set.blocks.get(block.block)
        if (!global) items.push({ kind: 'unknown_block', severity: 'error', block: block.block, message: `global block "${block.block}" does not exist` })
        else if (!global.content.body[locale]) items.push({ kind: 'missing_translation', severity: 'warning', locale, block: block.block, message: `HQ's block "${global.content.name ?? block.block}" has no ${locale} version yet` })
      }
    }
    for (const key of content.review[locale] ?? []) {
      items.push({ kind: 'needs_review', severity: 'warning', locale, block: key.startsWith('block:') ? key.slice(6) : undefined, message: `${key} in ${locale} was machine-translated and awaits review` })
    }
  }
  return items
}

/** Links and images of the rendered mail that do not answer (network error or 4xx/5xx), checked at once with a short timeout. */
export async function linkChecks(html: string, timeoutMs = 4_000): Promise<ChecklistItem[]> {
  const urls = new Set<string>()
  for (const match of html.matchAll(/\b(?:href|src)\s*=\s*"(https?:\/\/[^"{}]+)"/gi)) urls.add(match[1]!.replace(/&amp;/g, '&'))
  const results = await Promise.all(
    [...urls].slice(0, 50).map(async (url) => {
      try {
        let response = await fetch(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) })
        // Some servers refuse HEAD; a GET settles it.
        if (response.status === 405 || response.status === 501) response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) })
        return response.status >= 400 ? `answers ${response.status}` : null
      } catch (error) {
        return `does not answer (${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message})`
      }
    }),
  )
  return [...urls].slice(0, 50).flatMap((url, i) => (results[i] ? [{ kind: 'unresolvable_link' as const, severity: 'warning' as const, url, message: `${url} ${results[i]}` }] : []))
}

/** A plain-text part with (next to) nothing in it: mail clients that show text, and spam filters, notice. */
export function plainTextCheck(text: string, locale: string): ChecklistItem[] {
  return text.replace(/\s+/g, ' ').trim().length < 40 ? [{ kind: 'missing_plain_text', severity: 'warning', locale, message: `the plain-text part in ${locale} is (almost) empty` }] : []
}
