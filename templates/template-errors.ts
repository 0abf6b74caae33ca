/**
 * A template problem with its position: the region (or content block) it is in, who wrote that source
 * (master, subsidiary fr, mail onboarding-welcome, block …) and the line and column in that source.
 * region null means the master's own markup outside every region.
 */
export interface TemplateIssue {
  region: string | null
  origin: string
  line: number
  column: number
  message: string
  /** Where in the saved document: "body.fr", "regions.footer", "subject.de". */
  field?: string
  locale?: string
  subsidiary?: string
}

export class TemplateError extends Error {
  constructor(
    readonly issues: TemplateIssue[],
    message?: string,
  ) {
    super(message ?? issues.map((issue) => `${issue.region ? `region ${issue.region}, ` : ''}line ${issue.line}, column ${issue.column}: ${issue.message}`).join('\n'))
    this.name = 'TemplateError'
  }
}

/** Line and column of a liquidjs error (its token), else 1:1. */
export function liquidPosition(error: unknown): { line: number; column: number } {
  const token = (error as { token?: { getPosition?: () => [number, number] } }).token
  const position = token?.getPosition?.()
  if (position) return { line: position[0], column: position[1] }
  const match = /line:(\d+), col:(\d+)/.exec((error as Error)?.message ?? '')
  return match ? { line: Number(match[1]), column: Number(match[2]) } : { line: 1, column: 1 }
}
