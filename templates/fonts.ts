import type { TemplateIssue } from './template-errors'
import { versionSources } from './variables'
import type { ContentByKind, TemplateKind } from './template-set'

/**
 * Web fonts. Loading a font from Google Fonts (or any third party) when a mail is opened hands the
 * reader's IP address to that party: a GDPR problem in Germany. So no mail links a third-party font:
 * <mj-font> pointing elsewhere is rewritten to the fonts this app serves for the account
 * (/fonts/<account>/<family>.css, uploaded under Templates → Fonts), or removed when there is no such
 * base (the built-in files). A family nobody uploaded gets an empty stylesheet, so the font-family's
 * fallback shows; saving and previewing say so (fontWarnings).
 */

// The Google fonts MJML links by itself when a font-family names one (its default `fonts` option).
export const MJML_GOOGLE_FONTS = ['Open Sans', 'Droid Sans', 'Lato', 'Roboto', 'Ubuntu']

const MJ_FONT = /<mj-font\b[^>]*>/gi
const THIRD_PARTY_IMPORT = /@import\s+url\(\s*['"]?https?:\/\/[^)]*\)\s*;?|<link\b[^>]*href\s*=\s*["']https?:\/\/fonts\.(?:googleapis|gstatic)\.com[^>]*>/gi

const attribute = (tag: string, name: string) => new RegExp(`\\s${name}\\s*=\\s*(["'])(.*?)\\1`, 'i').exec(tag)?.[2]
// Keeps the line breaks of what is removed, so that MJML's line numbers still point into the author's source.
const blankOut = (text: string) => text.replace(/[^\n]/g, '')
export const fontCssUrl = (fontBase: string, family: string) => `${fontBase}/${encodeURIComponent(family)}.css`

/** The resolved MJML with every third-party font link pointing at the app's fonts (or removed without a base). */
export function selfHostFonts(mjml: string, fontBase: string | undefined): string {
  return mjml
    .replace(MJ_FONT, (tag) => {
      const name = attribute(tag, 'name')
      const href = attribute(tag, 'href') ?? ''
      if (fontBase && href.startsWith(fontBase)) return tag
      if (!fontBase || !name) return blankOut(tag)
      return tag.replace(/(\shref\s*=\s*)(["'])(.*?)\2/i, (_, prefix: string, quote: string) => `${prefix}${quote}${fontCssUrl(fontBase, name)}${quote}`)
    })
    .replace(THIRD_PARTY_IMPORT, (found) => (fontBase && found.includes(fontBase) ? found : blankOut(found)))
}

/** mjml2html's `fonts`: MJML's own Google list pointed at the app's fonts, or none. */
export function mjmlFontOptions(fontBase: string | undefined): Record<string, string> {
  return fontBase ? Object.fromEntries(MJML_GOOGLE_FONTS.map((family) => [family, fontCssUrl(fontBase, family)])) : {}
}

export interface FontWarning extends TemplateIssue {
  font: string
}

/** Each web font a version names that the account does not host, with its position: it will not show. */
export function fontWarnings<K extends TemplateKind>(kind: K, key: string, content: ContentByKind[K], hosted: Iterable<string>): FontWarning[] {
  const served = new Set([...hosted].map((family) => family.toLowerCase()))
  const warnings: FontWarning[] = []
  for (const source of versionSources(kind, content)) {
    const found = new Map<string, number>()
    for (const tag of source.text.matchAll(MJ_FONT)) {
      const name = attribute(tag[0], 'name')
      if (name && !found.has(name.toLowerCase())) found.set(name.toLowerCase(), tag.index!)
    }
    for (const use of source.text.matchAll(/font-family\s*[=:]\s*["']?([^"';>]+)/gi)) {
      for (const family of use[1]!.split(',').map((f) => f.trim().replace(/^["']|["']$/g, ''))) {
        if (MJML_GOOGLE_FONTS.some((google) => google.toLowerCase() === family.toLowerCase()) && !found.has(family.toLowerCase())) found.set(family.toLowerCase(), use.index!)
      }
    }
    for (const [lower, offset] of found) {
      if (served.has(lower)) continue
      const family = source.text.slice(offset).match(new RegExp(lower.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'))?.[0] ?? lower
      const before = source.text.slice(0, offset)
      const line = before.split('\n').length
      const column = offset - before.lastIndexOf('\n')
      warnings.push({
        region: source.region,
        origin: `${kind} ${key}`,
        field: source.field,
        line,
        column,
        font: family,
        message: `${source.field}, line ${line}, column ${column}: web font "${family}" is not loaded from Google or any third party (that would reveal readers' IP addresses); upload it under Templates → Fonts to keep the typeface, else the next font in font-family shows`,
      })
    }
  }
  return warnings
}
