import type { LayoutRequest, SourceText } from './layout-stage'
import { blockIds, mailLocale, resolveStrings, type MailTemplate, type TemplateSet, type Versioned } from './template-set'

export interface SubsidiaryRef {
  code: string
  /** The locale asked for (the contact's subsidiary's, or a preview's); the derived template's own if we do not write in it. */
  locale: string
  name?: string
}

export interface ComposedMail {
  layout: LayoutRequest
  subject: string
  locale: string
  /** Unique per (mail, subsidiary, master, locale strings, blocks) versions and locale: the compile cache key. */
  key: string
}

/**
 * Puts together what the layout stage needs for one mail in one subsidiary and locale, resolving the
 * derivation at this moment: the subsidiary's master, its overrides on top, the mail's body and subject
 * (falling back to the master's locale), the blocks any of them names, the strings with their fallbacks.
 * Nothing is copied: a master edit shows in every subsidiary's next compile.
 */
export function composeMail(set: TemplateSet, mailOrId: string | { id: string; mail: Versioned<MailTemplate> }, subsidiary: SubsidiaryRef): ComposedMail {
  const id = typeof mailOrId === 'string' ? mailOrId : mailOrId.id
  const mail = typeof mailOrId === 'string' ? set.mails.get(mailOrId) : mailOrId.mail
  if (!mail) throw new Error(`Unknown mail template "${id}" (known: ${[...set.mails.keys()].join(', ')})`)
  const code = subsidiary.code.toLowerCase()
  const derived = set.subsidiaries.get(code)
  if (!derived) throw new Error(`No derived template for subsidiary "${subsidiary.code}" (expected a subsidiary template "${code}")`)
  const master = set.masters.get(derived.content.master)
  if (!master) throw new Error(`subsidiary "${code}": unknown master "${derived.content.master}"`)
  const masterLocale = master.content.locale
  const locale = mailLocale(set, subsidiary.locale, derived.content.locale)
  const body = mail.content.body[locale] ?? mail.content.body[masterLocale] ?? ''
  const subject = mail.content.subject[locale] ?? mail.content.subject[masterLocale] ?? ''

  const regions = new Map<string, SourceText>(Object.entries(derived.content.regions).map(([name, text]) => [name, { text, origin: `subsidiary ${code}` }]))
  regions.set('body', { text: body, origin: `mail ${id}` })
  const blocks = new Map<string, SourceText>()
  const refs: string[] = []
  const pending = [master.content.mjml, ...[...regions.values()].map((region) => region.text)]
  while (pending.length) {
    for (const blockId of blockIds(pending.pop()!)) {
      const block = set.blocks.get(blockId)
      if (!block || blocks.has(blockId)) continue
      const text = block.content.body[locale] ?? block.content.body[masterLocale] ?? ''
      blocks.set(blockId, { text, origin: `block ${blockId}` })
      refs.push(block.ref)
      pending.push(text) // a block may name another block
    }
  }
  const strings = resolveStrings(set, masterLocale, locale, derived.content)
  const localeRefs = [set.locales.get(masterLocale)?.ref, set.locales.get(locale)?.ref]
  return {
    layout: {
      label: `mail "${id}" for subsidiary ${subsidiary.code.toUpperCase()} (${locale})`,
      master: { text: master.content.mjml, origin: 'master' },
      regions,
      blocks,
      locale,
      strings,
    },
    subject,
    locale,
    key: [mail.ref, derived.ref, master.ref, locale, ...localeRefs, ...refs.sort()].join('|'),
  }
}
