import type { ComposedMail } from './compose'
import { checkPersonalisationSyntax } from './personalisation'
import { liquidPosition, type TemplateIssue } from './template-errors'

/**
 * Personalisation syntax errors of a composed mail, each in the source its author wrote (the subject, the
 * mail body, a region override, a block, the master) rather than in the compiled HTML, whose line
 * numbers nobody can find. The compile runs Liquid on the compiled HTML: when that fails, this says where.
 */
export function personalisationIssues(composed: ComposedMail): TemplateIssue[] {
  const { layout } = composed
  const sources = [
    { region: 'subject', origin: layout.master.origin, field: composed.subjectField, text: composed.subject },
    { region: null, ...layout.master },
    ...[...layout.regions].map(([region, source]) => ({ region, ...source })),
    ...[...layout.blocks].map(([id, source]) => ({ region: `block:${id}`, ...source })),
    ...(layout.footer ? [{ region: 'footer', ...layout.footer }] : []),
  ]
  const issues: TemplateIssue[] = []
  for (const source of sources) {
    try {
      checkPersonalisationSyntax(source.text)
    } catch (error) {
      issues.push({ region: source.region, origin: source.origin, ...(source.field && { field: source.field }), locale: layout.locale, ...liquidPosition(error), message: (error as Error).message })
    }
  }
  return issues
}
