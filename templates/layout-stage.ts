import { Liquid, Tag, TypeGuards, type Context, type Emitter, type Parser, type TagToken, type Template, type TopLevelToken } from 'liquidjs'
import mjml2html from 'mjml'
import { mjmlFontOptions, selfHostFonts } from './fonts'
import { TemplateError, liquidPosition, type TemplateIssue } from './template-errors'
import type { LocaleStrings } from './template-set'

/**
 * The layout stage: fills a master's regions, content blocks and locale strings, then compiles MJML to
 * HTML. Runs once per mail × subsidiary × locale × versions. Its delimiters are [[ ]] and [% %] so that
 * the personalisation markup {{ }} / {% %} passes through untouched to the per-recipient stage.
 * No escaping here: everything it inserts is template source written by authors, not contact data.
 */
const layoutEngine = new Liquid({
  outputDelimiterLeft: '[[',
  outputDelimiterRight: ']]',
  tagDelimiterLeft: '[%',
  tagDelimiterRight: '%]',
  // A misspelt locale key or filter must fail the compile, not ship an empty string.
  strictVariables: true,
  strictFilters: true,
})

/** Source text that fills a region or block, and who wrote it (named in errors). */
export interface SourceText {
  text: string
  origin: string
  /** The saved document's field it is in, when the origin alone does not say ("overrides.fr.fr.headline"). */
  field?: string
}

// Resolved MJML carries invisible markers around every region and block, so that an MJML error line can
// be traced to the region (and the line in that region's own source) it came from. They never reach
// MJML: stripping them changes no line numbers.
const OPEN = '\u0001'
const MID = '\u0002'
const CLOSE = '\u0003'
const marker = (region: string, origin: string, line: number, column: number, field = '') => `${OPEN}${region}|${origin}|${line}|${column}|${field}${MID}`
// Closing a region names where the source around it resumes, so that lines after a multi-line region
// map to the enclosing source's own lines rather than to the resolved MJML's.
const closer = ([line, column]: [number, number]) => `${CLOSE}${line}|${column}${MID}`
const MARKERS = /\u0001[^\u0002]*\u0002|\u0003[^\u0002]*\u0002/g

interface Scope {
  regions: Map<string, SourceText>
  blocks: Map<string, SourceText>
  footer?: SourceText
}
// The overrides travel in the render scope under this key; a symbol keeps them out of reach of template code.
const SCOPE = Symbol('layout')
const scopeOf = (ctx: Context): Scope => (ctx.environments as Record<symbol, Scope>)[SCOPE] ?? { regions: new Map(), blocks: new Map() }

function* renderSource(liquid: Liquid, ctx: Context, emitter: Emitter, region: string, source: SourceText, resume: [number, number]): Generator<unknown, void, unknown> {
  let templates: Template[]
  try {
    templates = liquid.parse(source.text)
  } catch (error) {
    throw new TemplateError([{ region, origin: source.origin, ...(source.field && { field: source.field }), ...liquidPosition(error), message: (error as Error).message }])
  }
  emitter.write(marker(region, source.origin, 1, 1, source.field))
  try {
    yield liquid.renderer.renderTemplates(templates, ctx, emitter)
  } catch (error) {
    if (error instanceof TemplateError) throw error
    const inner = templateErrorIn(error)
    if (inner) throw inner
    throw new TemplateError([{ region, origin: source.origin, ...(source.field && { field: source.field }), ...liquidPosition(error), message: (error as Error).message }])
  }
  emitter.write(closer(resume))
}

/**
 * [% region name %]HQ default[% endregion %]: a named region of a master. The derived template
 * (and the mail, for "body") may replace the default; overrides are layout-stage source too.
 */
class RegionTag extends Tag {
  private readonly region: string
  private readonly fallback: Template[] = []
  private readonly at: [number, number]
  private end: [number, number] = [1, 1]

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid)
    this.region = this.tokenizer.readIdentifier().content
    if (!this.region) throw new Error(`region tag without a name: ${token.getText()}`)
    this.at = positionAt(token.input, token.end)
    while (remainTokens.length > 0) {
      const next = remainTokens.shift()
      if (TypeGuards.isTagToken(next) && next.name === 'endregion') {
        this.end = positionAt(next.input, next.end)
        return
      }
      if (next) this.fallback.push(parser.parseToken(next, remainTokens))
    }
    throw new Error(`region "${this.region}" is not closed with endregion`)
  }

  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    const override = scopeOf(ctx).regions.get(this.region)
    if (override !== undefined) return yield* renderSource(this.liquid, ctx, emitter, this.region, override, this.end)
    // The default is written in the enclosing source (a master, or a standalone design): its own origin.
    emitter.write(marker(this.region, '', this.at[0], this.at[1]))
    yield this.liquid.renderer.renderTemplates(this.fallback, ctx, emitter)
    emitter.write(closer(this.end))
  }
}
layoutEngine.registerTag('region', RegionTag)

/** [% block product-news-hydroclean %]: a global content block, in the mail's locale. */
class BlockTag extends Tag {
  private readonly id: string
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid)
    this.id = this.tokenizer.readIdentifier().content || this.tokenizer.readQuoted()?.getText().slice(1, -1) || ''
    if (!this.id) throw new Error(`block tag without an id: ${token.getText()}`)
  }
  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    const block = scopeOf(ctx).blocks.get(this.id)
    if (!block) throw new Error(`unknown content block "${this.id}", line:${this.token.getPosition()[0]}, col:${this.token.getPosition()[1]}`)
    yield* renderSource(this.liquid, ctx, emitter, `block:${this.id}`, block, positionAt(this.token.input, this.token.end))
  }
}
layoutEngine.registerTag('block', BlockTag)

/**
 * [% footer %]: the subsidiary's footer (its master's footer region with the subsidiary's overrides, and
 * the unsubscribe line) as a section of its own, for designs that bring their own layout. A standalone
 * design without an unsubscribe link gets it at the end of its body (see compose.ts).
 */
class FooterTag extends Tag {
  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    const footer = scopeOf(ctx).footer
    if (!footer) throw new Error(`[% footer %] has no subsidiary footer here, line:${this.token.getPosition()[0]}, col:${this.token.getPosition()[1]}`)
    yield* renderSource(this.liquid, ctx, emitter, 'footer', footer, positionAt(this.token.input, this.token.end))
  }
}
layoutEngine.registerTag('footer', FooterTag)

function positionAt(input: string, offset: number): [number, number] {
  const before = input.slice(0, offset)
  const line = before.split('\n').length
  return [line, offset - before.lastIndexOf('\n')]
}

export interface LayoutRequest {
  /** Names the compile in error messages, e.g. 'mail "onboarding-welcome" for subsidiary FR (fr)'. */
  label: string
  master: SourceText
  /** Region overrides: the subsidiary's, plus the mail's body. */
  regions: Map<string, SourceText>
  /** Content blocks by id, in this locale. */
  blocks: Map<string, SourceText>
  /** What [% footer %] inserts: the subsidiary's footer section. */
  footer?: SourceText
  locale: string
  strings: LocaleStrings
  /** Where the account's self-hosted fonts are served (https://…/fonts/<account>); none: web fonts are removed. */
  fontBase?: string
}

/** Resolves the layout stage to MJML, then compiles it to HTML that still carries the personalisation markup. Throws TemplateError. */
export async function compileLayout(request: LayoutRequest): Promise<string> {
  const marked = resolveLayout(request)
  const mjml = selfHostFonts(marked.replace(MARKERS, ''), request.fontBase)
  try {
    // mjml v5: mjml2html returns a Promise (v4 was synchronous). 'strict' throws a ValidationError
    // carrying .errors instead of rendering a half-broken mail.
    const result = await mjml2html(mjml, {
      validationLevel: 'strict',
      // Template comments are notes to authors, not content for recipients.
      keepComments: false,
      // No Google Fonts links: loading them from a mail client leaks the reader's IP (a GDPR issue in Germany).
      // MJML's own list of Google fonts points at the account's self-hosted ones instead (see fonts.ts).
      fonts: mjmlFontOptions(request.fontBase),
    })
    const nested = nestedInEndingTags(mjml)
    if (nested.length) {
      // MJML copies an mj-text's content through as HTML: a nested <mj-…> would reach the recipient as a stray tag.
      const spans = markerSpans(marked, request.master)
      const issues = nested.map((n) => locate(spans, n.line, n.column, `${n.inner} cannot sit inside ${n.outer}: close the ${n.outer} first`))
      throw new TemplateError(issues, `MJML errors in ${request.label}:\n${issues.map((issue) => `  ${issue.message}`).join('\n')}`)
    }
    return result.html
  } catch (error) {
    if (error instanceof TemplateError) throw error
    const issues = mjmlIssues(error, marked, mjml, request.master)
    throw new TemplateError(issues, `MJML errors in ${request.label}:\n${describeMjmlErrors(error, mjml)}`)
  }
}

// Components whose content MJML passes through as HTML.
const ENDING_TAG_OPEN = /<(mj-text|mj-button|mj-table|mj-navbar-link|mj-accordion-title|mj-accordion-text|mj-social-element)\b[^>]*>/g

function nestedInEndingTags(mjml: string): { line: number; column: number; outer: string; inner: string }[] {
  const found: { line: number; column: number; outer: string; inner: string }[] = []
  for (const match of mjml.matchAll(ENDING_TAG_OPEN)) {
    if (match[0].endsWith('/>')) continue // <mj-text … /> in mj-attributes has no content
    const contentStart = match.index! + match[0].length
    const close = mjml.indexOf(`</${match[1]}`, contentStart)
    const inner = /<(mj-[a-z-]+)/.exec(mjml.slice(contentStart, close === -1 ? undefined : close))
    if (!inner) continue
    const [line, column] = positionAt(mjml, contentStart + inner.index)
    found.push({ line, column, outer: match[1]!, inner: inner[1]! })
  }
  return found
}

/** The MJML the layout stage resolves to (markers removed): what the benchmark's raw baseline compiles. */
export function resolvedMjml(request: LayoutRequest): string {
  return selfHostFonts(resolveLayout(request).replace(MARKERS, ''), request.fontBase)
}

function resolveLayout(request: LayoutRequest): string {
  const scope = { locale: request.locale, t: request.strings, [SCOPE]: { regions: request.regions, blocks: request.blocks, footer: request.footer } satisfies Scope }
  try {
    return layoutEngine.parseAndRenderSync(request.master.text, scope) as string
  } catch (error) {
    // liquidjs wraps what a region's render threw in a RenderError at the master's region tag: the
    // positioned error from the region's own source is inside it.
    const inner = templateErrorIn(error)
    const issues = inner ? inner.issues : [{ region: null, origin: request.master.origin, ...(request.master.field && { field: request.master.field }), ...liquidPosition(error), message: (error as Error).message }]
    throw new TemplateError(issues, `layout stage failed for ${request.label}: ${issues.map((issue) => issue.message).join('; ')}`)
  }
}

function templateErrorIn(error: unknown): TemplateError | undefined {
  for (let e = error as { originalError?: unknown } | undefined, depth = 0; e && depth < 10; e = e.originalError as typeof e, depth++) {
    if (e instanceof TemplateError) return e
  }
  return undefined
}

interface MjmlValidationIssue {
  line: number
  tagName: string
  message: string
}

// Traces each MJML error line to the innermost region or block around it and its line in that source.
function mjmlIssues(error: unknown, marked: string, mjml: string, root: SourceText): TemplateIssue[] {
  const raw = (error as { errors?: MjmlValidationIssue[] }).errors
  if (!Array.isArray(raw)) return [{ region: null, origin: root.origin, ...(root.field && { field: root.field }), line: 1, column: 1, message: (error as Error).message }]
  const spans = markerSpans(marked, root)
  const lines = mjml.split('\n')
  return raw.map((issue) => {
    const lineText = lines[issue.line - 1] ?? ''
    const column = Math.max(0, lineText.indexOf(`<${issue.tagName}`)) + 1
    return locate(spans, issue.line, column, `${issue.tagName}: ${issue.message}`)
  })
}

/** A position in the resolved MJML → the region or block it came from, and the position in that source. */
function locate(segments: Segment[], line: number, column: number, message: string): TemplateIssue {
  const starts = (s: Segment) => line > s.fromLine || (line === s.fromLine && column >= s.fromColumn)
  const segment = segments.filter(starts).at(-1) ?? segments[0]!
  const col = line === segment.fromLine ? segment.baseColumn + Math.max(0, column - segment.fromColumn) : column
  return { region: segment.region, origin: segment.origin, ...(segment.field && { field: segment.field }), line: segment.baseLine + (line - segment.fromLine), column: col, message }
}

/** A stretch of resolved MJML copied from one source, starting at baseLine:baseColumn of that source. */
interface Segment {
  region: string | null
  origin: string
  baseLine: number
  baseColumn: number
  fromLine: number
  fromColumn: number
  field?: string
}

/** The resolved MJML cut into segments, in order: each region opens one, and its close resumes the source around it. */
function markerSpans(marked: string, root: SourceText): Segment[] {
  const segments: Segment[] = [{ region: null, origin: root.origin, field: root.field, baseLine: 1, baseColumn: 1, fromLine: 1, fromColumn: 1 }]
  const open: Segment[] = []
  let line = 1
  let column = 1
  for (let i = 0; i < marked.length; i++) {
    const ch = marked[i]
    if (ch === OPEN || ch === CLOSE) {
      const end = marked.indexOf(MID, i)
      const fields = marked.slice(i + 1, end).split('|')
      const current = segments.at(-1)!
      if (ch === OPEN) {
        const [region = '', origin = '', baseLine = '1', baseColumn = '1', field = ''] = fields
        open.push(current)
        // A region default is written in the source around it.
        segments.push({ region, origin: origin || current.origin, field: origin ? field || undefined : current.field, baseLine: Number(baseLine), baseColumn: Number(baseColumn), fromLine: line, fromColumn: column })
      } else {
        const [baseLine = '1', baseColumn = '1'] = fields
        const outer = open.pop() ?? segments[0]!
        segments.push({ region: outer.region, origin: outer.origin, field: outer.field, baseLine: Number(baseLine), baseColumn: Number(baseColumn), fromLine: line, fromColumn: column })
      }
      i = end
    } else if (ch === '\n') {
      line += 1
      column = 1
    } else column += 1
  }
  return segments
}

// Line numbers refer to the resolved MJML (master with regions filled), so quote that line.
function describeMjmlErrors(error: unknown, mjml: string): string {
  const issues = (error as { errors?: MjmlValidationIssue[] }).errors
  if (!Array.isArray(issues)) return `  ${(error as Error).message}`
  const lines = mjml.split('\n')
  return issues
    .map((issue) => `  line ${issue.line} (${issue.tagName}): ${issue.message}\n    > ${(lines[issue.line - 1] ?? '').trim()}`)
    .join('\n')
}

/** Parses source with the layout syntax ([[ ]], [% %]): throws liquidjs errors with positions. */
export function checkLayoutSyntax(source: string): void {
  layoutEngine.parse(source)
}
