import { useEffect } from 'react'
import { useApi } from '../designer-context'
import { useReportT } from './reports-i18n'

/** The header's way to the Reports view. */
export function ReportsLink() {
  const { t } = useReportT()
  return <a className="button" href="./?view=reports" data-testid="reports-link">{t('title')}</a>
}

/** Managers land on the Reports view: the campaigns page sends them there once per tab. */
export function useManagerLanding() {
  const api = useApi()
  useEffect(() => {
    if (window.location.search || window.sessionStorage?.getItem('kessler.reports.landed')) return
    api.me().then((me) => {
      if (me.role !== 'sales_manager') return
      window.sessionStorage?.setItem('kessler.reports.landed', '1')
      window.location.replace('./?view=reports')
    }, () => {})
  }, [api])
}
