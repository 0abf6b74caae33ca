import { closest } from './variables'

/**
 * Merge tags of the tools marketers come from, found in an imported design, and their mapping to this
 * product's Liquid variables. Mailchimp *|FNAME|*, Mailjet [[FirstName]] / [[data:firstname:""]] and
 * {{var:firstname:"there"}}, HubSpot {{ contact.firstname }}, Mautic {contactfield=firstname}. A design
 * keeps none of them: [[ ]] is this product's layout syntax and the others would reach recipients as text.
 */
export type Tool = 'mailchimp' | 'mailjet' | 'hubspot' | 'mautic'

export interface MergeTag {
  /** The tag as written, e.g. "*|FNAME|*": what the mapping is keyed by. */
  raw: string
  tool: Tool
  /** The tool's field name, e.g. "FNAME", "firstname". */
  name: string
  /** The fallback the tool would show when the field is empty (Mailjet's :"there", Mautic's |there). */
  fallback?: string
  /** Where it first occurs, and how often. */
  line: number
  column: number
  count: number
  /** The product variable it most likely means; none if nothing is close. */
  suggestion?: string
}

const PATTERNS: { tool: Tool; pattern: RegExp }[] = [
  { tool: 'mailchimp', pattern: /\*\|([A-Z0-9_:-]+)\|\*/g },
  { tool: 'mailjet', pattern: /\[\[\s*(?:data:)?([A-Za-z_][\w.-]*)(?::"([^"]*)")?\s*\]\]/g },
  { tool: 'mailjet', pattern: /\{\{\s*var:([A-Za-z_][\w.-]*)(?::"([^"]*)")?\s*\}\}/g },
  { tool: 'hubspot', pattern: /\{\{\s*((?:contact|company)\.[A-Za-z_]\w*|unsubscribe_link|unsubscribe_anchor)\s*\}\}/g },
  { tool: 'mautic', pattern: /\{(?:contactfield=([A-Za-z_]\w*)(?:\|([^}]*))?|(unsubscribe_url|unsubscribe_text|webview_url))\}/g },
]

// Field names the tools use, normalised (lower case, no _ - :), and what they mean here.
const WELL_KNOWN: Record<string, string> = {
  fname: 'contact.firstName', firstname: 'contact.firstName', contactfirstname: 'contact.firstName', prenom: 'contact.firstName', vorname: 'contact.firstName',
  lname: 'contact.lastName', lastname: 'contact.lastName', contactlastname: 'contact.lastName', surname: 'contact.lastName', nachname: 'contact.lastName',
  email: 'contact.email', contactemail: 'contact.email',
  company: 'contact.company', companyname: 'contact.company', contactcompany: 'contact.company', mmerge3: 'contact.company',
  unsub: 'unsubscribeUrl', unsublink: 'unsubscribeUrl', unsublinken: 'unsubscribeUrl', unsubscribeurl: 'unsubscribeUrl', unsubscribelink: 'unsubscribeUrl', unsubscribeanchor: 'unsubscribeUrl', unsubscribetext: 'unsubscribeUrl',
  mcsubject: 'subject', subject: 'subject', salutation: 'salutation', greeting: 'salutation',
}
const normalise = (name: string) => name.toLowerCase().replace(/[_\-:.]/g, '')

// This product's own [[ t.key ]] / [[ locale ]] are not foreign tags.
const OWN_LAYOUT = /^(t\.|locale$)/

export function detectMergeTags(source: string, known: string[]): MergeTag[] {
  const found = new Map<string, MergeTag>()
  for (const { tool, pattern } of PATTERNS) {
    for (const match of source.matchAll(pattern)) {
      const name = match[1] ?? match[3] ?? ''
      if (tool === 'mailjet' && match[0].startsWith('[[') && OWN_LAYOUT.test(name)) continue
      if (tool === 'hubspot' && known.includes(name)) continue // {{ contact.company }} is already ours
      const existing = found.get(match[0])
      if (existing) {
        existing.count += 1
        continue
      }
      const before = source.slice(0, match.index)
      const fallback = match[2]
      // Mailjet writes the unsubscribe link per language ([[UNSUB_LINK_DE]]): here it is one variable.
      const suggestion = WELL_KNOWN[normalise(name)] ?? WELL_KNOWN[normalise(name.split('.').at(-1)!)] ?? (normalise(name).startsWith('unsub') ? 'unsubscribeUrl' : closest(name, known))
      found.set(match[0], {
        raw: match[0],
        tool,
        name,
        ...(fallback && { fallback }),
        line: before.split('\n').length,
        column: match.index! - before.lastIndexOf('\n'),
        count: 1,
        ...(suggestion && { suggestion }),
      })
    }
  }
  return [...found.values()].sort((a, b) => a.line - b.line || a.column - b.column)
}

/**
 * Replaces each tag by the product variable it is mapped to ({{ contact.firstName | default: "there" }}
 * with the tool's fallback), or by nothing when mapped to "". Tags not in the mapping stay as they are,
 * so the save check still points at them.
 */
export function applyMergeTagMapping(source: string, tags: MergeTag[], mapping: Record<string, string>): string {
  let result = source
  // Longest first, so that [[data:firstname:"x"]] is not cut by a shorter tag that is part of it.
  for (const tag of [...tags].sort((a, b) => b.raw.length - a.raw.length)) {
    const target = mapping[tag.raw]
    if (target === undefined) continue
    const fallback = tag.fallback ? ` | default: "${tag.fallback.replace(/"/g, '')}"` : ''
    const replacement = target === '' ? '' : `{{ ${target}${fallback} }}`
    result = result.split(tag.raw).join(replacement)
  }
  return result
}

/** The suggested mapping: each tag to its suggestion (tags without one are left for the marketer to choose). */
export function suggestedMapping(tags: MergeTag[]): Record<string, string> {
  return Object.fromEntries(tags.flatMap((tag) => (tag.suggestion ? [[tag.raw, tag.suggestion]] : [])))
}
