/**
 * The sections of an MJML design, and marking one as a named region ([% region header %]…[% endregion %])
 * without the marketer editing markers by hand. No imports: the designer's editor uses it too.
 */
export interface DesignSection {
  /** 0-based, in document order. */
  index: number
  start: number
  end: number
  line: number
  /** The first words of its text, to recognise it in a list. */
  label: string
  /** The region it is already marked as, if any. */
  region?: string
}

const SECTION = /<mj-section\b[^>]*>[\s\S]*?<\/mj-section>/g
// Regions that a master's mails fill with column elements: marked inside the section's first column.
const INSIDE_COLUMN = new Set(['body', 'salutation'])

export function designSections(mjml: string): DesignSection[] {
  return [...mjml.matchAll(SECTION)].map((match, index) => {
    const start = match.index!
    const before = mjml.slice(0, start)
    const opened = [...before.matchAll(/\[%-?\s*region\s+([\w-]+)\s*-?%\]\s*$/g)].at(-1)?.[1]
    const inner = /<mj-column\b[^>]*>\s*\[%-?\s*region\s+([\w-]+)/.exec(match[0])?.[1]
    const text = match[0].replace(/<[^>]*>|\[%[^%]*%\]|\[\[[^\]]*\]\]|\{[{%][^}]*[}%]\}/g, ' ').replace(/\s+/g, ' ').trim()
    return { index, start, end: start + match[0].length, line: before.split('\n').length, label: text.slice(0, 60), ...((opened ?? inner) && { region: opened ?? inner }) }
  })
}

/** The design with section `index` marked as region `name` (body and salutation: the content of its first column). */
export function markSection(mjml: string, index: number, name: string): string {
  if (!/^[A-Za-z][\w-]{0,79}$/.test(name)) throw new Error(`"${name}" is not a region name: letters, digits, - and _`)
  const section = designSections(mjml)[index]
  if (!section) throw new Error(`no section ${index + 1} in the design`)
  if (section.region) throw new Error(`section ${index + 1} is already the region "${section.region}"`)
  const text = mjml.slice(section.start, section.end)
  let marked: string
  if (INSIDE_COLUMN.has(name)) {
    const column = /(<mj-column\b[^>]*>)([\s\S]*?)(<\/mj-column>)/.exec(text)
    if (!column) throw new Error(`section ${index + 1} has no column for the "${name}" region`)
    marked = text.replace(column[0], `${column[1]}[% region ${name} %]${column[2]}[% endregion %]${column[3]}`)
  } else marked = `[% region ${name} %]${text}[% endregion %]`
  return mjml.slice(0, section.start) + marked + mjml.slice(section.end)
}

/** The design with a content block placed as a section of its own after section `index` (-1: before the first). */
export function placeBlock(mjml: string, afterIndex: number, blockId: string): string {
  const sections = designSections(mjml)
  const anchor = afterIndex < 0 ? sections[0]?.start : sections[afterIndex]?.end
  if (anchor === undefined) throw new Error(`no section ${afterIndex + 1} in the design`)
  // After a marked section, after its endregion too.
  const rest = mjml.slice(anchor)
  const at = afterIndex >= 0 && /^\s*\[%-?\s*endregion\s*-?%\]/.test(rest) ? anchor + rest.indexOf('%]') + 2 : anchor
  return `${mjml.slice(0, at)}<mj-section><mj-column>[% block ${blockId} %]</mj-column></mj-section>${mjml.slice(at)}`
}

/** `[% region name %]…[% endregion %]` with the regions nested inside, as written in the source; undefined if absent. */
export function regionSource(source: string, name: string): string | undefined {
  const open = new RegExp(`\\[%-?\\s*region\\s+${name}\\s*-?%\\]`).exec(source)
  if (!open) return undefined
  const tags = /\[%-?\s*(region|endregion)\b[^%]*-?%\]/g
  tags.lastIndex = open.index + open[0].length
  let depth = 1
  for (let tag = tags.exec(source); tag; tag = tags.exec(source)) {
    depth += tag[1] === 'region' ? 1 : -1
    if (depth === 0) return source.slice(open.index, tag.index + tag[0].length)
  }
  return undefined
}

/** What a region says in the design: its source between the markers. */
export function regionDefault(source: string, name: string): string {
  const whole = regionSource(source, name)
  if (!whole) return ''
  return whole.replace(/^\[%[^%]*%\]/, '').replace(/\[%-?\s*endregion\s*-?%\]$/, '')
}

/** Region names a design declares, in order. */
export function declaredRegions(source: string): string[] {
  return [...new Set([...source.matchAll(/\[%-?\s*region\s+([\w-]+)/g)].map((match) => match[1]!))]
}
