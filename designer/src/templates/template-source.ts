import type { TemplateIssue, TemplateKind } from './templates-api'

// What the source editor shows for each kind of template, how an edit goes back into the document, and
// where a server issue points in the text on screen. Pure, so it is tested without a browser.

type Doc = Record<string, unknown>
const localeMap = (content: unknown, field: string) => ((content as Doc)[field] ?? {}) as Record<string, string>

/** Mails and blocks are edited one locale's MJML at a time, the master as its MJML, the rest as JSON. */
export function editsAsJson(kind: TemplateKind): boolean {
  return kind === 'subsidiary' || kind === 'locale'
}

export function editableText(kind: TemplateKind, content: unknown, locale: string): string {
  if (kind === 'mail' || kind === 'block') return localeMap(content, 'body')[locale] ?? ''
  if (kind === 'master') return String((content as Doc).mjml ?? '')
  return JSON.stringify(content, null, 2)
}

export type Edited = { ok: true; content: unknown } | { ok: false; issue: TemplateIssue }

/** The document with the text on screen put back; an empty locale body is removed (so it falls back again). */
export function withEditedText(kind: TemplateKind, content: unknown, locale: string, text: string): Edited {
  if (kind === 'mail' || kind === 'block') {
    const { [locale]: _old, ...others } = localeMap(content, 'body')
    return { ok: true, content: { ...(content as Doc), body: text.trim() ? { ...others, [locale]: text } : others } }
  }
  if (kind === 'master') return { ok: true, content: { ...(content as Doc), mjml: text } }
  try {
    return { ok: true, content: JSON.parse(text) as unknown }
  } catch (error) {
    return { ok: false, issue: { region: null, ...jsonErrorPosition(text, error as Error), message: `not valid JSON: ${(error as Error).message}`, field: 'content' } }
  }
}

export function withSubject(content: unknown, locale: string, subject: string): unknown {
  const { [locale]: _old, ...others } = localeMap(content, 'subject')
  return { ...(content as Doc), subject: subject ? { ...others, [locale]: subject } : others }
}

export const subjectOf = (content: unknown, locale: string): string => localeMap(content, 'subject')[locale] ?? ''

function jsonErrorPosition(text: string, error: Error): { line: number; column: number } {
  const at = /position (\d+)/.exec(error.message)
  if (!at) return { line: 1, column: 1 }
  return positionOf(text, Number(at[1]))
}

export function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n')
  return { line: before.length, column: before[before.length - 1]!.length + 1 }
}

/** Character offset of line:column (1-based) in text, clamped to the text. */
export function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split('\n')
  const upTo = Math.min(Math.max(line, 1), lines.length)
  let offset = 0
  for (let i = 0; i < upTo - 1; i++) offset += lines[i]!.length + 1
  return offset + Math.min(Math.max(column - 1, 0), lines[upTo - 1]!.length)
}

/**
 * The line an issue points at in the text on screen, or null when it is in another source (another
 * locale's body, the subject, a block). Regions of a derived template sit on one line of the JSON each.
 */
export function lineOnScreen(kind: TemplateKind, issue: TemplateIssue, locale: string, text: string): { line: number; column: number } | null {
  const field = issue.field ?? ''
  if (kind === 'mail' || kind === 'block') return field === `body.${locale}` ? { line: issue.line, column: issue.column } : null
  if (kind === 'master') return field === 'mjml' || field === '' ? { line: issue.line, column: issue.column } : null
  if (field === 'content') return { line: issue.line, column: issue.column }
  const key = field.split('.').pop()
  if (!key) return null
  const index = text.split('\n').findIndex((row) => row.trimStart().startsWith(`${JSON.stringify(key)}:`))
  return index < 0 ? null : { line: index + 1, column: 1 }
}

/** The master's default text of every region (`[% region x %]…[% endregion %]`, nested ones too). */
export function regionDefaults(mjml: string): Map<string, string> {
  const defaults = new Map<string, string>()
  const open: { name: string; start: number }[] = []
  const marker = /\[%\s*(region\s+([A-Za-z0-9_-]+)|endregion)\s*%\]/g
  for (let match = marker.exec(mjml); match; match = marker.exec(mjml)) {
    if (match[2]) open.push({ name: match[2], start: match.index + match[0].length })
    else {
      const region = open.pop()
      if (region) defaults.set(region.name, mjml.slice(region.start, match.index).trim())
    }
  }
  return defaults
}

export interface OverrideRow {
  what: 'region' | 'string'
  name: string
  /** The master's default (regions) or the locale's text (strings). */
  inherited: string
  /** The derived template's own text; null when it takes the master's. */
  own: string | null
}

/** Every region of the master and every string the derived template sets, with what it overrides. */
export function overrideRows(masterMjml: string, derived: { regions?: Record<string, string>; strings?: Record<string, Record<string, string>> }, locale: string, localeStrings: Record<string, unknown>): OverrideRow[] {
  const regions = [...regionDefaults(masterMjml)].map(([name, inherited]): OverrideRow => ({ what: 'region', name, inherited, own: derived.regions?.[name] ?? null }))
  const strings = Object.entries(derived.strings?.[locale] ?? {}).map(([name, own]): OverrideRow => ({ what: 'string', name, inherited: stringAt(localeStrings, name), own }))
  return [...regions, ...strings]
}

function stringAt(strings: Record<string, unknown>, dotted: string): string {
  const value = dotted.split('.').reduce<unknown>((at, part) => (at && typeof at === 'object' ? (at as Doc)[part] : undefined), strings)
  return typeof value === 'string' ? value : ''
}
