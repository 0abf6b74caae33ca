import { personalisationGlobals } from './personalisation'
import type { TemplateIssue } from './template-errors'
import { flattenStrings, isMjmlDocument, type ContentByKind, type TemplateKind, type TemplateSet } from './template-set'

/**
 * Unknown personalisation variables: Liquid renders them as nothing ("Hey !"), so a misspelt or foreign
 * merge tag ({{FirstName}}, {{ contact.firstname }}) would ship silently. They do not block a save (an
 * attribute may arrive with the next import of contacts), but every save and preview names each one with
 * its position and the closest known variable.
 */
export interface VariableWarning extends TemplateIssue {
  variable: string
  suggestion?: string
}

/** What a mail may read: the contact's fields, the attributes the account's contacts carry, and the documented variables. */
export function knownVariables(set: TemplateSet, attributeKeys: Iterable<string>): string[] {
  const strings = new Set<string>()
  for (const locale of set.locales.values()) for (const key of flattenStrings(locale.content).keys()) strings.add(`t.${key}`)
  return [
    'contact.email', 'contact.firstName', 'contact.lastName', 'contact.salutation', 'contact.company', 'contact.attributes',
    ...[...attributeKeys].map((key) => `contact.attributes.${key}`),
    'salutation', 'subject', 'unsubscribeUrl', 'locale', 'subsidiary.code', 'subsidiary.name', 'event.product',
    'fair.name', 'fair.place', 'fair.stand', 'fair.startsOn', 'fair.endsOn', 'fair.bookingUrl',
    ...strings,
  ]
}

// event.* is whatever the triggering event brings, so any event.x is allowed; "forloop" & co. are Liquid's own.
const OPEN_ROOTS = new Set(['event', 'forloop', 'tablerowloop'])

/** Every unknown variable in the sources of a version: field (body.fr, subject.de, regions.legal), line, column, suggestion. */
export function unknownVariables<K extends TemplateKind>(kind: K, key: string, content: ContentByKind[K], known: string[]): VariableWarning[] {
  const knownSet = new Set(known)
  const prefixes = new Set(known.flatMap((path) => path.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'))))
  const warnings: VariableWarning[] = []
  for (const source of versionSources(kind, content)) {
    let globals: ReturnType<typeof personalisationGlobals>
    try {
      globals = personalisationGlobals(source.text)
    } catch {
      continue // a syntax error: reported as an error with its position by the check
    }
    for (const { path, line, column } of globals) {
      const name = path.join('.')
      if (!name || OPEN_ROOTS.has(path[0]!) || knownSet.has(name) || isKnown(path, knownSet, prefixes)) continue
      const suggestion = closest(name, known)
      warnings.push({
        region: source.region,
        origin: `${kind} ${key}`,
        field: source.field,
        line,
        column,
        variable: name,
        ...(suggestion && { suggestion }),
        message: `${source.field}, line ${line}, column ${column}: unknown variable "${name}" renders as nothing${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
      })
    }
  }
  return warnings
}

function isKnown(path: string[], known: Set<string>, prefixes: Set<string>): boolean {
  // An attribute must be one the account's contacts carry: contact.attributes.maintenace_due is a typo.
  if (path[0] === 'contact' && path[1] === 'attributes' && path.length > 2) return known.has(path.slice(0, 3).join('.'))
  // A known variable read further (contact.firstName.size), or a prefix of one (contact, t).
  for (let i = path.length; i > 0; i--) if (known.has(path.slice(0, i).join('.'))) return true
  return prefixes.has(path.join('.'))
}

export function versionSources(kind: TemplateKind, content: ContentByKind[TemplateKind]): { field: string; region: string | null; text: string; subject?: boolean }[] {
  switch (kind) {
    case 'master':
      return [{ field: 'mjml', region: null, text: (content as ContentByKind['master']).mjml }]
    case 'subsidiary':
      return Object.entries((content as ContentByKind['subsidiary']).regions).map(([region, text]) => ({ field: `regions.${region}`, region, text }))
    case 'mail': {
      const mail = content as ContentByKind['mail']
      return [
        ...Object.entries(mail.subject).map(([locale, text]) => ({ field: `subject.${locale}`, region: 'subject', text, subject: true })),
        ...Object.entries(mail.body).map(([locale, text]) => ({ field: `body.${locale}`, region: isMjmlDocument(text) ? null : 'body', text })),
        ...Object.entries(mail.overrides ?? {}).flatMap(([scope, locales]) =>
          Object.entries(locales).flatMap(([locale, regions]) => Object.entries(regions).map(([region, text]) => ({ field: `overrides.${scope}.${locale}.${region}`, region, text }))),
        ),
      ]
    }
    case 'block':
      return Object.entries((content as ContentByKind['block']).body).map(([locale, text]) => ({ field: `body.${locale}`, region: null, text }))
    case 'locale':
      return []
  }
}

/** The known variable nearest to a name, ignoring case: by the whole path or by its last part (FirstName → contact.firstName). */
export function closest(name: string, known: string[]): string | undefined {
  const lower = name.toLowerCase()
  const last = lower.split('.').at(-1)!
  let best: { path: string; distance: number } | undefined
  for (const path of known) {
    const candidate = path.toLowerCase()
    const distance = Math.min(editDistance(lower, candidate), editDistance(last, candidate.split('.').at(-1)!) + 1)
    if (!best || distance < best.distance) best = { path, distance }
  }
  return best && best.distance <= Math.max(2, Math.floor(last.length / 3)) ? best.path : undefined
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = current
  }
  return previous[b.length]!
}
