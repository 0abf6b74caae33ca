import { composeMail } from './compose'
import { checkLayoutSyntax, compileLayout } from './layout-stage'
import { checkPersonalisationSyntax, parsePersonalisation } from './personalisation'
import { TemplateError, liquidPosition, type TemplateIssue } from './template-errors'
import { versionSources } from './variables'
import { baseStringsSchema, blockIds, flattenStrings, isMjmlDocument, regionNames, withItem, type ContentByKind, type TemplateKind, type TemplateSet } from './template-set'

// Names no author can take (not a valid key in the API): the stand-ins a check compiles with.
const PROBE = '~check'
const PROBE_BODY = '<mj-text>check</mj-text>'

/**
 * Everything that would keep a new version from rendering, each problem with the region it is in and
 * its line and column in the author's own source: Liquid syntax of both stages, regions and blocks that
 * do not exist, missing master-locale strings, and MJML errors of real compiles in every subsidiary and
 * locale the version affects. An empty list means the version may be saved (and so published).
 */
export async function checkTemplateVersion<K extends TemplateKind>(set: TemplateSet, kind: K, key: string, content: ContentByKind[K]): Promise<TemplateIssue[]> {
  const candidate = withItem(set, kind, key, content)
  const issues: TemplateIssue[] = [...syntaxIssues(kind, key, content), ...structureIssues(candidate, kind, key, content)]
  if (issues.length) return issues
  for (const probe of compileProbes(candidate, kind, key, content)) {
    try {
      const composed = composeMail(probe.set, probe.mail, { code: probe.subsidiary, locale: probe.locale })
      parsePersonalisation(composed.subject, await compileLayout(composed.layout))
    } catch (error) {
      if (error instanceof TemplateError) {
        issues.push(...error.issues.map((issue) => ({ ...issue, field: issue.field ?? fieldOf(issue, probe.locale), locale: probe.locale, ...(probe.subsidiary !== PROBE && { subsidiary: probe.subsidiary.toUpperCase() }) })))
      }
      else issues.push({ region: null, origin: kind, line: 1, column: 1, locale: probe.locale, message: (error as Error).message })
    }
  }
  // [[FirstName]] is a Mailjet merge tag, not a locale string: say what to write instead.
  for (const issue of issues) {
    const name = /undefined variable: ([\w.]+)/.exec(issue.message)?.[1]
    if (name && !name.startsWith('t.') && name !== 'locale') issue.message += ` ([[ ]] holds locale strings t.* only; for another tool's merge tag write {{ contact.firstName }} and the like, or import the design to map its tags)`
  }
  // One problem in a shared region shows in every subsidiary's compile: report it once.
  const seen = new Set<string>()
  return issues.filter((issue) => {
    const id = `${issue.origin}|${issue.region}|${issue.line}|${issue.column}|${issue.message}`
    return seen.has(id) ? false : (seen.add(id), true)
  })
}

function syntaxIssues(kind: TemplateKind, key: string, content: ContentByKind[TemplateKind]): TemplateIssue[] {
  const issues: TemplateIssue[] = []
  for (const source of versionSources(kind, content)) {
    const region = kind === 'block' ? `block:${key}` : source.region
    const checks = source.subject ? [checkPersonalisationSyntax] : [checkLayoutSyntax, checkPersonalisationSyntax]
    for (const check of checks) {
      try {
        check(source.text)
      } catch (error) {
        issues.push({ region, origin: `${kind} ${key}`, field: source.field, ...liquidPosition(error), message: (error as Error).message })
        break
      }
    }
  }
  return issues
}

function structureIssues(set: TemplateSet, kind: TemplateKind, key: string, content: ContentByKind[TemplateKind]): TemplateIssue[] {
  const issues: TemplateIssue[] = []
  const at = (field: string, message: string, region: string | null = null) => issues.push({ region, origin: `${kind} ${key}`, field, line: 1, column: 1, message })
  if (kind === 'subsidiary') {
    const derived = content as ContentByKind['subsidiary']
    const master = set.masters.get(derived.master)
    if (!master) at('master', `master: no master template "${derived.master}"`)
    else {
      const declared = regionNames(master.content.mjml)
      for (const region of Object.keys(derived.regions)) if (!declared.has(region)) at(`regions.${region}`, `regions.${region}: master "${derived.master}" has no region "${region}" (it has ${[...declared].join(', ')})`, region)
    }
  }
  if (kind === 'master') {
    const declared = regionNames((content as ContentByKind['master']).mjml)
    if (!declared.has('body')) at('mjml', 'mjml: a master needs a [% region body %][% endregion %] for the mails')
    for (const [code, derived] of set.subsidiaries) {
      if (derived.content.master !== key) continue
      for (const region of Object.keys(derived.content.regions)) if (!declared.has(region)) at('mjml', `mjml: subsidiary ${code.toUpperCase()} overrides region "${region}", which this master no longer declares`, region)
    }
  }
  if (kind === 'mail') {
    // An override must name a region the mail's design (or, for a body fragment, the master) declares.
    const mail = content as ContentByKind['mail']
    const declared = new Set<string>()
    for (const body of Object.values(mail.body)) for (const name of regionNames(isMjmlDocument(body) ? body : [...set.masters.values()].map((m) => m.content.mjml).join('\n'))) declared.add(name)
    for (const [scope, locales] of Object.entries(mail.overrides ?? {})) {
      if (scope !== '*' && !set.subsidiaries.has(scope)) at(`overrides.${scope}`, `overrides.${scope}: no subsidiary "${scope.toUpperCase()}"`)
      for (const [locale, regions] of Object.entries(locales)) {
        for (const region of Object.keys(regions)) {
          if (!declared.has(region)) at(`overrides.${scope}.${locale}.${region}`, `overrides.${scope}.${locale}.${region}: the design has no region "${region}" (it has ${[...declared].join(', ') || 'none: mark a section as a region first'})`, region)
        }
      }
    }
  }
  if (kind === 'locale') {
    const master = [...set.masters.values()].find((m) => m.content.locale === key)
    if (master) {
      const parsed = baseStringsSchema.safeParse(content)
      if (!parsed.success) for (const issue of parsed.error.issues) at(issue.path.join('.'), `${issue.path.join('.')}: the masters' locale needs every string (${issue.message})`)
    }
    for (const [name, text] of flattenStrings(content as ContentByKind['locale'])) {
      try {
        checkLayoutSyntax(text)
        checkPersonalisationSyntax(text)
      } catch (error) {
        issues.push({ region: null, origin: `locale ${key}`, field: name, ...liquidPosition(error), message: (error as Error).message })
      }
    }
  }
  for (const source of versionSources(kind, content)) {
    for (const id of blockIds(source.text)) if (!set.blocks.has(id)) at(source.field, `${source.field}: no content block "${id}"`, source.region)
  }
  return issues
}

interface Probe {
  set: TemplateSet
  mail: string
  subsidiary: string
  locale: string
}

// The compiles a version affects: a master in every subsidiary derived from it (and bare, so that its own
// lines are the compiled lines), a subsidiary in its locales, a mail and a block in each of their locales.
function compileProbes(set: TemplateSet, kind: TemplateKind, key: string, content: ContentByKind[TemplateKind]): Probe[] {
  const subsidiaries = [...set.subsidiaries.entries()]
  const firstMaster = () => [...set.masters.keys()][0] ?? ''
  const masterLocaleOf = (masterName: string) => set.masters.get(masterName)?.content.locale ?? 'de'
  const withProbes = (masterName: string, body: Record<string, string>, locale: string) => {
    const probeMail = withItem(set, 'mail', PROBE, { subject: { [locale]: 'check' }, body })
    return withItem(probeMail, 'subsidiary', PROBE, { master: masterName, locale, regions: {}, strings: {}, review: {} })
  }
  const subsidiaryFor = (locale: string) => subsidiaries.find(([, s]) => s.content.locale === locale)?.[0] ?? PROBE
  switch (kind) {
    case 'master': {
      const locale = masterLocaleOf(key)
      const probes: Probe[] = [{ set: withProbes(key, { [locale]: PROBE_BODY }, locale), mail: PROBE, subsidiary: PROBE, locale }]
      for (const [code, derived] of subsidiaries) {
        if (derived.content.master === key) probes.push({ set: withProbes(key, { [derived.content.locale]: PROBE_BODY }, derived.content.locale), mail: PROBE, subsidiary: code, locale: derived.content.locale })
      }
      return probes
    }
    case 'subsidiary': {
      const derived = content as ContentByKind['subsidiary']
      const locales = new Set([derived.locale, ...Object.keys(derived.strings)])
      return [...locales].map((locale) => ({ set: withProbes(derived.master, { [locale]: PROBE_BODY }, locale), mail: PROBE, subsidiary: key, locale }))
    }
    case 'mail': {
      const mail = content as ContentByKind['mail']
      const locales = new Set([...Object.keys(mail.body), ...Object.keys(mail.subject)])
      const probes = [...locales].map((locale) => {
        const code = subsidiaryFor(locale)
        return { set: code === PROBE ? withProbes(firstMaster(), { de: PROBE_BODY }, locale) : set, mail: key, subsidiary: code, locale }
      })
      // Each override in the compile it changes: its subsidiary (or one writing the locale) in its locale.
      for (const [scope, byLocale] of Object.entries(mail.overrides ?? {})) {
        for (const locale of Object.keys(byLocale)) {
          const code = scope === '*' ? subsidiaryFor(locale) : scope
          if (code !== PROBE && set.subsidiaries.has(code) && !probes.some((p) => p.subsidiary === code && p.locale === locale)) probes.push({ set, mail: key, subsidiary: code, locale })
        }
      }
      return probes
    }
    case 'block': {
      const block = content as ContentByKind['block']
      return Object.keys(block.body).map((locale) => ({ set: withProbes(firstMaster(), { [locale]: `[% block ${key} %]` }, locale), mail: PROBE, subsidiary: PROBE, locale }))
    }
    case 'locale':
      return [{ set: withProbes(firstMaster(), { [key]: PROBE_BODY }, key), mail: PROBE, subsidiary: PROBE, locale: key }]
  }
}

// The saved document's field an error is in: the editor highlights it.
function fieldOf(issue: TemplateIssue, locale: string): string | undefined {
  if (issue.origin === 'master') return 'mjml'
  if (issue.origin.startsWith('subsidiary ')) return issue.region ? `regions.${issue.region}` : undefined
  if (issue.origin.startsWith('mail ') || issue.origin.startsWith('block ')) return `body.${locale}`
  return undefined
}
