import { useT } from '../i18n'
import type { TemplateIssue } from './templates-api'

type At = { line: number; column: number }

/** Problems with line:column and region; one in the source on screen moves the cursor there when clicked. */
export function IssueList({ issues, refused, onScreen, onGoTo }: { issues: TemplateIssue[]; refused: string | null; onScreen(issue: TemplateIssue): At | null; onGoTo(at: At): void }) {
  const t = useT()
  if (!issues.length && !refused) return null
  return (
    <section className="tpl-issues" data-testid="template-issues" role="alert">
      <h3>{refused ? t('tpl.notSaved') : t('tpl.problems')}</h3>
      {refused && !issues.length && <p>{refused}</p>}
      <ul>
        {issues.map((issue, i) => {
          const at = onScreen(issue)
          const where = [issue.field, issue.region && t('tpl.inRegion', { region: issue.region }), issue.subsidiary, issue.locale].filter(Boolean).join(' · ')
          const label = (
            <>
              <strong>
                {t('tpl.lineColumn', { line: issue.line, column: issue.column })}
              </strong>{' '}
              <span className="tpl-muted">{where}</span> {issue.message}
            </>
          )
          return (
            <li key={i}>
              {at ? (
                <button type="button" className="tpl-issue" data-testid="template-issue" data-line={issue.line} data-region={issue.region ?? ''} onClick={() => onGoTo(at)}>
                  {label}
                </button>
              ) : (
                <span className="tpl-issue tpl-issue--elsewhere" data-testid="template-issue" data-line={issue.line} data-region={issue.region ?? ''}>
                  {label}
                </span>
              )}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
