import type { CreditedKind } from './reports-api'
import { useReportT } from './reports-i18n'

/** Marks a mailing among the campaigns it is credited beside (issue 15); campaigns carry no mark. */
export function KindBadge({ kind }: { kind: CreditedKind | undefined }) {
  const { t } = useReportT()
  return kind === 'mailing' ? <span className="reports__badge" data-testid="mailing-badge" title={t('mailingHint')}>{t('mailingBadge')}</span> : null
}
