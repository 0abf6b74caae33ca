import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import mjml2html from 'mjml'
import { applyMergeTagMapping, detectMergeTags, suggestedMapping } from '../templates/merge-tags'
import { mailContentSchema, withItem, type TemplateSet } from '../templates/template-set'
import { knownVariables } from '../templates/variables'
import { composeMail } from '../templates/compose'
import { compileLayout, resolvedMjml } from '../templates/layout-stage'
import { createTemplateRenderer, type MailContact, type MailSubsidiary, type RenderRequest } from '../templates/renderer'
import { loadTemplateLibrary } from '../templates/template-library'
import { cpuMeter, now, perSecond } from './measure'

// Rendering: personalised mails per second from the product's renderer (layout stage and MJML once per
// (mail, subsidiary, master, strings, blocks) versions and locale, Liquid per recipient) against calling
// MJML per recipient on the same resolved MJML, in one run. The issue's goal is at least 50×.

export interface RenderingOptions {
  template: string
  /** Recipients rendered by the product's renderer. */
  recipients: number
  /** Recipients compiled by raw mjml2html (fewer: each takes tens of milliseconds). */
  mjmlRecipients: number
  log: (message: string) => void
}

export interface RenderingResult {
  template: string
  subsidiaries: string[]
  /** cpuBusy: share of the machine's CPU time used while measuring (one render loop keeps one core busy: about 0.5 on two). */
  product: { recipients: number; ms: number; mailsPerSecond: number; mjmlCompilations: number; averageHtmlBytes: number; cpuBusy: number }
  raw: { recipients: number; ms: number; mailsPerSecond: number; averageHtmlBytes: number; cpuBusy: number }
  ratio: number
  /** The MJML this benchmark resolves compiles to exactly what the product's layout stage compiles. */
  resolvedMjmlMatchesProduct: boolean
}

const TEMPLATES_DIR = fileURLToPath(new URL('../templates/', import.meta.url))
const DESIGNS_DIR = new URL('./designs/', import.meta.url)

/**
 * The set to render from: the built-in files, plus, for a template id that is not a built-in mail, the
 * design bench/designs/<id>.mjml brought in as the import does (its merge tags mapped to the suggested
 * variables) with the subjects and FR/IT overrides of bench/designs/<id>.json: an imported design.
 */
function templateSet(template: string, log: (message: string) => void): TemplateSet {
  const library = loadTemplateLibrary(TEMPLATES_DIR)
  if (library.mails.has(template)) return library
  const file = new URL(`${template}.mjml`, DESIGNS_DIR)
  if (!existsSync(file)) throw new Error(`--template ${template}: neither a built-in mail nor bench/designs/${template}.mjml`)
  const design = readFileSync(file, 'utf8')
  const tags = detectMergeTags(design, knownVariables(library, []))
  const sidecar = new URL(`${template}.json`, DESIGNS_DIR)
  const extra = existsSync(sidecar) ? (JSON.parse(readFileSync(sidecar, 'utf8')) as Record<string, unknown>) : {}
  log(`rendering: imported design bench/designs/${template}.mjml, ${tags.length} merge tags mapped (${tags.map((tag) => `${tag.raw} → ${tag.suggestion ?? 'removed'}`).join(', ')})`)
  const content = mailContentSchema.parse({ subject: { de: template }, ...extra, body: { de: applyMergeTagMapping(design, tags, suggestedMapping(tags)) } })
  return withItem(library, 'mail', template, content)
}

// The options compileLayout passes to mjml2html: the raw baseline compiles the same way.
const MJML_OPTIONS = { validationLevel: 'strict', keepComments: false, fonts: {} } as const

const SUBSIDIARIES: MailSubsidiary[] = [
  { code: 'DE', locale: 'de', name: 'Kessler Hydraulik GmbH' },
  { code: 'FR', locale: 'fr', name: 'Kessler Hydraulique France SAS' },
  { code: 'IT', locale: 'it', name: 'Kessler Idraulica Italia S.r.l.' },
  { code: 'ES', locale: 'es', name: 'Kessler Hidráulica España S.L.' },
]

const FIRST = ['Jonas', 'Claire', 'Marco', 'Lucía', "Siobhán", 'Élodie', 'Giulia', 'Javier']
const LAST = ['Becker', 'Dupont', 'Rossi', 'Fernández', "O'Brien", 'Bernard', 'Bianchi', 'García']

function recipient(index: number): { contact: MailContact; subsidiary: MailSubsidiary } {
  const subsidiary = SUBSIDIARIES[index % SUBSIDIARIES.length]!
  return {
    subsidiary,
    contact: {
      email: `recipient-${index}@bench.example`,
      firstName: index % 7 === 0 ? null : FIRST[index % FIRST.length]!,
      lastName: LAST[(index * 3) % LAST.length]!,
      salutation: (['mr', 'ms', 'none', null] as const)[index % 4]!,
      company: index % 5 === 0 ? null : `Company ${index} & Söhne`,
      attributes: { model: 'HydroStat 2000' },
    },
  }
}

function request(templateId: string, index: number, templates: TemplateSet): RenderRequest {
  const { contact, subsidiary } = recipient(index)
  return {
    templateId,
    templates,
    subsidiary,
    contact,
    variables: { event: index % 3 === 0 ? {} : { product: 'HydroStat 2000' } },
    // Tracked links and the pixel carry a signed token in the product; a string of the same length will do here.
    trackLink: (url, tag) => `http://127.0.0.1:3000/t/c/${'x'.repeat(180)}.${index}.${tag ?? encodeURIComponent(url).length}`,
    openPixelUrl: `http://127.0.0.1:3000/t/o/${'x'.repeat(160)}.${index}`,
    unsubscribeUrl: `http://127.0.0.1:3000/u/${'x'.repeat(120)}.${index}`,
  }
}

export async function runRendering(options: RenderingOptions): Promise<RenderingResult> {
  const { log, template } = options
  const library = templateSet(template, log)
  // The same composition the renderer does (master, the subsidiary's overrides, body, blocks, strings).
  const inputs = SUBSIDIARIES.map((subsidiary) => composeMail(library, template, subsidiary).layout)
  const resolved = inputs.map(resolvedMjml)

  // The baseline must compile what the product compiles: same resolved MJML, same options, same HTML.
  let matches = true
  for (const [i, input] of inputs.entries()) {
    const product = await compileLayout(input)
    const raw = (await mjml2html(resolved[i]!, MJML_OPTIONS)).html
    if (product !== raw) {
      matches = false
      log(`rendering: warning: the resolved MJML for ${input.label} does not compile to the product's HTML; the baseline may be off`)
    }
  }

  // Warm-up (JIT, lazy requires), with a renderer of its own so the measured one starts cold like a worker's.
  const warm = createTemplateRenderer()
  for (let i = 0; i < 20; i++) await warm.render(request(template, i, library))
  for (let i = 0; i < 4; i++) await mjml2html(resolved[i % resolved.length]!, MJML_OPTIONS)

  log(`rendering: product renderer, ${options.recipients} recipients of "${template}" across ${SUBSIDIARIES.map((s) => s.code).join(', ')}`)
  const renderer = createTemplateRenderer()
  let productBytes = 0
  const productCpu = cpuMeter()
  const productStart = now()
  for (let i = 0; i < options.recipients; i++) {
    const mail = await renderer.render(request(template, i, library))
    productBytes += mail.html.length
  }
  const productMs = now() - productStart
  const productBusy = productCpu.busy()

  log(`rendering: raw mjml2html, ${options.mjmlRecipients} recipients on the same resolved MJML`)
  let rawBytes = 0
  const rawCpu = cpuMeter()
  const rawStart = now()
  for (let i = 0; i < options.mjmlRecipients; i++) {
    const html = (await mjml2html(resolved[i % resolved.length]!, MJML_OPTIONS)).html
    rawBytes += html.length
  }
  const rawMs = now() - rawStart
  const rawBusy = rawCpu.busy()

  const product = {
    recipients: options.recipients,
    ms: productMs,
    mailsPerSecond: perSecond(options.recipients, productMs),
    mjmlCompilations: renderer.stats().mjmlCompilations,
    averageHtmlBytes: Math.round(productBytes / options.recipients),
    cpuBusy: productBusy,
  }
  const raw = { recipients: options.mjmlRecipients, ms: rawMs, mailsPerSecond: perSecond(options.mjmlRecipients, rawMs), averageHtmlBytes: Math.round(rawBytes / options.mjmlRecipients), cpuBusy: rawBusy }
  log(`rendering: product ${product.mailsPerSecond.toFixed(0)} mails/s, raw MJML ${raw.mailsPerSecond.toFixed(1)} mails/s`)
  return { template, subsidiaries: SUBSIDIARIES.map((s) => s.code), product, raw, ratio: product.mailsPerSecond / raw.mailsPerSecond, resolvedMjmlMatchesProduct: matches }
}
