import { Liquid, Tag, TypeGuards, type Context, type Emitter, type Parser, type TagToken, type Template, type TopLevelToken } from 'liquidjs'
import mjml2html from 'mjml'
import type { LocaleStrings } from './template-library'

/**
 * The layout stage: fills a master's regions and locale strings, then compiles MJML to HTML.
 * Runs once per mail × subsidiary × locale. Its delimiters are [[ ]] and [% %] so that the
 * personalisation markup {{ }} / {% %} passes through untouched to the per-recipient stage.
 * No escaping here: everything it inserts is template source written by us, not contact data.
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

/**
 * [% region name %]HQ default[% endregion %]: a named region of a master. The derived template
 * (and the mail, for "body") may replace the default; overrides are layout-stage source too.
 */
class RegionTag extends Tag {
  private readonly region: string
  private readonly fallback: Template[] = []

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid)
    this.region = this.tokenizer.readIdentifier().content
    if (!this.region) throw new Error(`region tag without a name: ${token.getText()}`)
    while (remainTokens.length > 0) {
      const next = remainTokens.shift()
      if (TypeGuards.isTagToken(next) && next.name === 'endregion') return
      if (next) this.fallback.push(parser.parseToken(next, remainTokens))
    }
    throw new Error(`region "${this.region}" is not closed with endregion`)
  }

  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    const override = regionOverrides(ctx).get(this.region)
    const templates = override === undefined ? this.fallback : parseRegion(this.region, override)
    yield this.liquid.renderer.renderTemplates(templates, ctx, emitter)
  }
}
layoutEngine.registerTag('region', RegionTag)

// The overrides travel in the render scope under this key; a symbol keeps them out of reach of template code.
const REGIONS = Symbol('regions')

function regionOverrides(ctx: Context): Map<string, string> {
  const overrides: unknown = (ctx.environments as Record<symbol, unknown>)[REGIONS]
  return overrides instanceof Map ? overrides : new Map()
}

function parseRegion(region: string, source: string): Template[] {
  try {
    return layoutEngine.parse(source)
  } catch (error) {
    throw new Error(`region "${region}": ${(error as Error).message}`, { cause: error })
  }
}

export interface LayoutRequest {
  /** Names the compile in error messages, e.g. 'onboarding-welcome for FR (fr)'. */
  label: string
  master: string
  /** Region overrides: the subsidiary's, plus the mail's body. */
  regions: Map<string, string>
  locale: string
  strings: LocaleStrings
}

/** Resolves the layout stage to MJML, then compiles it to HTML that still carries the personalisation markup. */
export async function compileLayout(request: LayoutRequest): Promise<string> {
  const mjml = resolveLayout(request)
  try {
    // mjml v5: mjml2html returns a Promise (v4 was synchronous). 'strict' throws a ValidationError
    // carrying .errors instead of rendering a half-broken mail.
    const result = await mjml2html(mjml, {
      validationLevel: 'strict',
      // Template comments are notes to authors, not content for recipients.
      keepComments: false,
      // No Google Fonts links: loading them from a mail client leaks the reader's IP (a GDPR issue in Germany).
      fonts: {},
    })
    return result.html
  } catch (error) {
    throw new Error(`MJML errors in ${request.label}:\n${describeMjmlErrors(error, mjml)}`, { cause: error })
  }
}

function resolveLayout(request: LayoutRequest): string {
  const scope = { locale: request.locale, t: request.strings, [REGIONS]: request.regions }
  try {
    return layoutEngine.parseAndRenderSync(request.master, scope) as string
  } catch (error) {
    throw new Error(`layout stage failed for ${request.label}: ${(error as Error).message}`, { cause: error })
  }
}

interface MjmlValidationIssue {
  line: number
  tagName: string
  message: string
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
