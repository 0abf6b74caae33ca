import type { TemplateIssue } from '../templates/template-errors'
import type { TemplateSet } from '../templates/template-set'
import { blockAtLine, mailingLocales, type MailingContent } from './model'

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
  // The preview's stand-ins (its unsubscribe link) sit under .invalid (RFC 2606): not the marketer's links.
  for (const url of urls) if (/^https?:\/\/[^/]+\.invalid(?:[:/]|$)/i.test(url)) urls.delete(url)
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

/**
 * The text the mailing's own blocks carry in a language (tags dropped, Liquid left as written): what its
 * plain-text part says beyond the derived template's header and footer, which every mail has.
 */
export function blocksText(content: MailingContent, set: TemplateSet, locale: string): string {
  return content.blocks
    .map((block) => (block.kind === 'local' ? (block.body[locale] ?? Object.values(block.body)[0] ?? '') : (set.blocks.get(block.block)?.content.body[locale] ?? '')))
    .join(' ')
    .replace(/<[^>]*>/g, ' ')
}

/** A plain-text part with (next to) nothing in it: mail clients that show text, and spam filters, notice. */
export function plainTextCheck(text: string, locale: string): ChecklistItem[] {
  return text.replace(/\s+/g, ' ').trim().length < 40 ? [{ kind: 'missing_plain_text', severity: 'warning', locale, message: `the plain-text part in ${locale} is (almost) empty` }] : []
}

/**
 * A mailing that does not render in a language, one item per problem, naming the block it is in: a
 * local block by its name and id (the line within it), HQ's block by its id; else where in the templates.
 */
export function renderErrorItems(content: MailingContent, locale: string, issues: readonly TemplateIssue[]): ChecklistItem[] {
  return issues.map((issue) => {
    // LiquidJS ends its message with the position in the joined body; the item gives the one in the block.
    issue = { ...issue, message: issue.message.replace(/, line:\d+, col:\d+$/, '') }
    const at = issue.field === `body.${issue.locale ?? locale}` ? blockAtLine(content, locale, issue.line) : null
    if (at?.block.kind === 'local') {
      const name = at.block.name ? `"${at.block.name}" (${at.block.id})` : `"${at.block.id}"`
      return { kind: 'render_error', severity: 'error', locale, block: at.block.id, message: `block ${name} does not render in ${locale}: line ${at.line}, column ${issue.column}: ${issue.message}` }
    }
    const global = at?.block.kind === 'global' ? at.block.block : /^block (.+)$/.exec(issue.origin ?? '')?.[1]
    if (global) return { kind: 'render_error', severity: 'error', locale, block: global, message: `HQ's block "${global}" does not render in ${locale}: ${issue.message}` }
    const where = issue.region ? `region ${issue.region}` : (issue.field ?? 'the template')
    return { kind: 'render_error', severity: 'error', locale, message: `${where} does not render in ${locale}: line ${issue.line}, column ${issue.column}: ${issue.message}` }
  })
}
