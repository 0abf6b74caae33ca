import type { EChartsCoreOption } from 'echarts/core'
import { useEffect, useMemo, useState } from 'react'
import type { FairFigures } from '../../../api/contract/fairs'
import { authHeaders } from '../auth'
import { toCsv } from '../../../reporting/csv-values'
import { Chart } from './Chart'
import { euro } from './report-charts'
import { useReportT, type ReportKey } from './reports-i18n'

// Trade fairs in reporting (issue 17): what each fair brought (GET /api/fairs/:id/figures) against what it cost.
interface FairRow extends FairFigures { name: string; place: string; startsOn: string }

type T = (key: ReportKey) => string

/** Revenue against costs per fair: the ROI at a glance. */
export function fairsOption(rows: FairRow[], t: T): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: {},
    xAxis: { type: 'category', data: rows.map((r) => r.name) },
    yAxis: { type: 'value' },
    series: [
      { name: t('fairCosts'), type: 'bar', data: rows.map((r) => r.costs) },
      { name: t('revenue'), type: 'bar', data: rows.map((r) => r.wonRevenue) },
      { name: t('fairPipeline'), type: 'bar', data: rows.map((r) => r.pipelineValue) },
    ],
  }
}

/** The fair table as CSV, from the figures on screen (each fair's own figures route has no CSV form). */
function downloadFairsCsv(rows: FairRow[]) {
  const csv = toCsv(['fair', 'place', 'starts_on', 'leads_captured', 'meetings_held', 'opportunities', 'won_revenue', 'costs', 'roi'],
    rows.map((r) => [r.name, r.place, r.startsOn, r.leadsCaptured, r.meetingsHeld, r.opportunities, r.wonRevenue, r.costs, r.roi]))
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }))
  const link = document.createElement('a')
  link.href = url
  link.download = 'trade-fairs.csv'
  link.click()
  URL.revokeObjectURL(url)
}

export function FairReport({ token }: { token: string | null }) {
  const { t, locale } = useReportT()
  const [rows, setRows] = useState<FairRow[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    const get = async <R,>(path: string): Promise<R> => {
      const response = await fetch(path, { headers: authHeaders(token) })
      if (!response.ok) throw new Error(`${path}: ${response.status}`)
      return (await response.json()) as R
    }
    get<{ fairs: { id: string; name: string; place: string; startsOn: string }[] }>('/api/fairs')
      .then(({ fairs }) => Promise.all(fairs.map(async (f) => ({ ...(await get<FairFigures>(`/api/fairs/${f.id}/figures`)), name: f.name, place: f.place, startsOn: f.startsOn }))))
      .then(setRows, (e: Error) => setError(e.message))
  }, [token])
  const option = useMemo(() => fairsOption(rows ?? [], t), [rows, t])
  return (
    <section className="reports__section" aria-label={t('fairs')} data-testid="fair-report">
      <h2>{t('fairs')}{rows && rows.length > 0 && <button type="button" className="button reports__csv" onClick={() => downloadFairsCsv(rows)}>{t('exportCsv')}</button>}</h2>
      {error ? <p className="message--error">{error}</p> : rows === null ? <p>{t('loading')}</p> : rows.length === 0 ? <p>{t('none')}</p> : (
        <>
          <div className="reports__table-wrap">
            <table className="reports__table" data-testid="fair-table">
              <thead><tr>
                <th>{t('fair')}</th><th>{t('fairLeads')}</th><th>{t('fairMeetings')}</th><th>{t('opportunity')}</th><th>{t('revenue')}</th><th>{t('fairCosts')}</th><th>{t('roi')}</th>
              </tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.fairId}>
                    <td>{r.name} · {r.place} · {new Date(r.startsOn).toLocaleDateString(locale)}</td><td>{r.leadsCaptured}</td><td>{r.meetingsHeld}</td><td>{r.opportunities}</td>
                    <td>{euro(r.wonRevenue, locale)}</td><td data-testid="fair-costs">{euro(r.costs, locale)}</td>
                    <td>{r.roi === null ? '–' : r.roi.toLocaleString(locale, { maximumFractionDigits: 2 })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Chart label={t('fairs')} option={option} height={240} />
        </>
      )}
    </section>
  )
}
