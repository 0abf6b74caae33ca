import { regionSource } from './design-sections'
import type { LayoutRequest, SourceText } from './layout-stage'
import { blockIds, isMjmlDocument, mailLocale, resolveStrings, type MailTemplate, type TemplateSet, type Versioned } from './template-set'

export interface SubsidiaryRef {
  code: string
  /** The locale asked for (the contact's subsidiary's, or a preview's); the derived template's own if we do not write in it. */
  locale: string
  name?: string
}

export interface ComposedMail {
  layout: LayoutRequest
  subject: string
  /** Where the subject came from: "subject.fr" (or the master locale's it fell back to). */
  subjectField: string
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
  const bodyLocale = mail.content.body[locale] !== undefined ? locale : masterLocale
  const body = mail.content.body[bodyLocale] ?? ''
  const bodyField = `body.${bodyLocale}`
  const subject = mail.content.subject[locale] ?? mail.content.subject[masterLocale] ?? ''
  const standalone = isMjmlDocument(body)

  const regions = new Map<string, SourceText>(Object.entries(derived.content.regions).map(([name, text]) => [name, { text, origin: `subsidiary ${code}` }]))
  // The mail's own overrides win over the subsidiary's: the subsidiary's for this locale, then those for all.
  for (const scope of ['*', code]) {
    for (const [name, text] of Object.entries(mail.content.overrides?.[scope]?.[locale] ?? {})) regions.set(name, { text, origin: `mail ${id}`, field: `overrides.${scope}.${locale}.${name}` })
  }
  if (!standalone) regions.set('body', { text: body, origin: `mail ${id}`, field: bodyField })
  const footer = standalone ? { text: footerSection(master.content.mjml), origin: 'master' } : undefined
  const blocks = new Map<string, SourceText>()
  const refs: string[] = []
  const layoutSource = standalone ? withUnsubscribe(body) : master.content.mjml
  const pending = [layoutSource, ...[...regions.values()].map((region) => region.text), footer?.text ?? '']
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
      // A standalone design is the layout itself: its errors are the mail's.
      master: standalone ? { text: layoutSource, origin: `mail ${id}`, field: bodyField } : { text: master.content.mjml, origin: 'master', field: 'mjml' },
      regions,
      blocks,
      footer,
      locale,
      strings,
      fontBase: set.fontBase,
    },
    subject,
    subjectField: `subject.${mail.content.subject[locale] !== undefined ? locale : masterLocale}`,
    locale,
    key: [mail.ref, derived.ref, master.ref, locale, set.fontBase ?? '', ...localeRefs, ...refs.sort()].join('|'),
  }
}

/**
 * The subsidiary's footer as a section for a standalone design: the master's "footer" region (so the
 * subsidiary's footer and legal overrides apply) in a section like the master's, and the unsubscribe line.
 */
function footerSection(masterMjml: string): string {
  const region = regionSource(masterMjml, 'footer')
  const before = region ? masterMjml.slice(0, masterMjml.indexOf(region)) : ''
  const section = [...before.matchAll(/<mj-section\b[^>]*>/g)].at(-1)?.[0] ?? '<mj-section padding="20px 0 24px">'
  const unsubscribe = '<mj-text font-size="12px" line-height="1.5" color="#52606d">[[ t.unsubscribeNote ]] <a href="{{ unsubscribeUrl }}">[[ t.unsubscribe ]]</a></mj-text>'
  return `${section}<mj-column>${region ?? ''}${unsubscribe}</mj-column></mj-section>`
}

/**
 * A standalone design must still let every recipient unsubscribe: one that has no unsubscribe link and
 * no [% footer %] gets the subsidiary footer before </mj-body> (on the same line, so no line moves).
 */
export function withUnsubscribe(design: string): string {
  // A design without a language gets the mail's, as the master has (mail clients and screen readers read it).
  const withLang = design.replace(/<mjml(?![^>]*\slang=)(?=[\s>])/, '<mjml lang="[[ locale ]]"')
  if (/\{\{-?\s*unsubscribeUrl\b/.test(withLang) || /\[%-?\s*footer\s*-?%\]/.test(withLang)) return withLang
  const end = withLang.lastIndexOf('</mj-body>')
  return end === -1 ? withLang : `${withLang.slice(0, end)}[% footer %]${withLang.slice(end)}`
}
