import { useCallback, useEffect, useMemo, useState } from 'react'
import { Chart } from './Chart'
import { CostEntry } from './CostEntry'
import { KindBadge } from './KindBadge'
import { FairReport } from './FairReport'
import { MailReport } from './MailReport'
import { attributionOption, cycleOption, euro, funnelOption, percent, perCampaignOption, trendsOption, FUNNEL_STAGES } from './report-charts'
import { createReportsApi, MODELS, type Attribution, type DrillStage, type Model, type Overview, type ReportFilter, type ReportsApi, type SalesCycle, type TrendPoint } from './reports-api'
import { REPORT_LANGUAGES, useReportLanguage, useReportT, type ReportLanguage } from './reports-i18n'
import './reports.css'

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10)
const SUBSIDIARIES = ['DE', 'FR', 'IT', 'ES']

interface Loaded {
  overview: Overview
  attribution: Attribution
  trends: TrendPoint[]
  cycle: SalesCycle
}

/** The managers' landing page: what campaigns cost, what they bring in, and where leads get stuck. */
export function ReportsPage({ token }: { token: string | null }) {
  const api = useMemo(() => createReportsApi(token), [token])
  const { t, locale } = useReportT()
  const [filter, setFilter] = useState<ReportFilter>({ from: day(-364), to: day(0), subsidiary: '', campaign: '', model: 'linear' })
  const [campaigns, setCampaigns] = useState<{ id: string; name: string }[]>([])
  const [data, setData] = useState<Loaded | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [drill, setDrill] = useState<{ stage: DrillStage; campaign?: string } | null>(null)
  const [ownSubsidiaries, setOwnSubsidiaries] = useState<string[]>(SUBSIDIARIES)

  // A sales manager may not list campaigns (campaigns.read): the filter and the cost form then offer the
  // campaigns the figures name, gathered from every overview loaded.
  const [listed, setListed] = useState(true)
  useEffect(() => {
    if (listed || !data) return
    const seen = new Map(campaigns.map((c) => [c.id, c.name]))
    for (const c of data.overview.campaigns) if (c.kind !== 'mailing' && !/^0{8}-/.test(c.campaignId)) seen.set(c.campaignId, c.name)
    if (seen.size > campaigns.length) setCampaigns([...seen].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)))
  }, [listed, data, campaigns])
  useEffect(() => {
    api.campaigns().then((r) => setCampaigns(r.campaigns), () => setListed(false))
    api.me().then((me) => setOwnSubsidiaries(me.subsidiaries === '*' ? SUBSIDIARIES : me.subsidiaries), () => {})
  }, [api])
  const load = useCallback(async () => {
    try {
      const [overview, attribution, trends, cycle] = await Promise.all([api.overview(filter), api.attribution(filter), api.trends(filter), api.salesCycle(filter)])
      setData({ overview, attribution, trends: trends.series, cycle })
      setError(null)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    }
  }, [api, filter])
  useEffect(() => void load(), [load])

  const change = (patch: Partial<ReportFilter>) => setFilter((current) => ({ ...current, ...patch }))
  const csv = (path: string, extra?: Record<string, string>) => void api.downloadCsv(path, filter, extra).catch((e: Error) => setError(e.message))

  return (
    <div className="reports">
      <header className="app__header reports__header">
        <span className="brand">Kessler Campaigns</span>
        <span className="app__title">{t('title')}</span>
        <Filters filter={filter} campaigns={campaigns} onChange={change} />
        <LanguagePicker />
        <a className="button" href="./?view=leads">{t('leads')}</a>
        <a className="button" href="./">{t('campaigns')}</a>
      </header>
      <main className="reports__main">
        {error && <p className="message--error" role="alert">{error}</p>}
        {!data ? <p>{t('loading')}</p> : (
          <>
            <KpiCards overview={data.overview} onDrill={(stage) => setDrill({ stage })} />
            <div className="reports__grid">
              <Section title={t('funnel')} onCsv={() => csv('reports/overview')}>
                <Chart label={t('funnel')} option={funnelOption(data.overview, t, locale)} onClick={(p) => setDrill({ stage: FUNNEL_STAGES[p.dataIndex]! })} />
              </Section>
              <Section title={t('perCampaign')} onCsv={() => csv('reports/overview')}>
                <Chart label={t('perCampaign')} option={perCampaignOption(data.overview, t)} onClick={(p) => setDrill({ stage: 'won', campaign: data.overview.campaigns.filter((c) => c.cost > 0)[p.dataIndex]?.campaignId })} />
              </Section>
            </div>
            <CampaignTable overview={data.overview} onDrill={(stage, campaign) => setDrill({ stage, campaign })} onCsv={() => csv('reports/overview')} />
            <CostEntry api={api} campaigns={campaigns} campaign={filter.campaign} subsidiaries={ownSubsidiaries} onChanged={() => void load()} />
            {drill && <DrillDown api={api} filter={filter} stage={drill.stage} campaign={drill.campaign} onClose={() => setDrill(null)} onCsv={() => csv('reports/drill', { stage: drill.stage, ...(drill.campaign ? { campaign: drill.campaign } : {}) })} />}
            <Section title={t('byModel')} onCsv={() => csv('reports/attribution')}>
              <Chart label={t('byModel')} option={attributionOption(data.attribution, t)} height={320} onClick={(p) => setDrill({ stage: 'revenue', campaign: data.attribution.campaigns[p.dataIndex]?.campaignId })} />
              <AttributionTable attribution={data.attribution} />
              <AttributionSettings api={api} attribution={data.attribution} onDone={load} />
            </Section>
            <div className="reports__grid">
              <Section title={t('trends')} onCsv={() => csv('reports/trends', { granularity: 'month' })}>
                <Chart label={t('trends')} option={trendsOption(data.trends, t)} />
              </Section>
              <Section title={t('salesCycle')} onCsv={() => csv('reports/sales-cycle')}>
                <CycleSummary cycle={data.cycle} />
                <Chart label={t('salesCycle')} option={cycleOption(data.cycle, t)} height={220} />
                <CycleTable cycle={data.cycle} />
              </Section>
            </div>
            <MailReport api={api} filter={filter} onCsv={csv} />
            <FairReport token={token} />
          </>
        )}
      </main>
    </div>
  )
}

function Filters({ filter, campaigns, onChange }: { filter: ReportFilter; campaigns: { id: string; name: string }[]; onChange(patch: Partial<ReportFilter>): void }) {
  const { t } = useReportT()
  return (
    <div className="reports__filters">
      <label>{t('subsidiary')} <select data-testid="filter-subsidiary" value={filter.subsidiary} onChange={(e) => onChange({ subsidiary: e.target.value })}>
        <option value="">{t('allSubsidiaries')}</option>
        {SUBSIDIARIES.map((code) => <option key={code} value={code}>{code}</option>)}
      </select></label>
      <label>{t('campaign')} <select data-testid="filter-campaign" value={filter.campaign} onChange={(e) => onChange({ campaign: e.target.value })}>
        <option value="">{t('allCampaigns')}</option>
        {campaigns.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
      </select></label>
      <label>{t('from')} <input type="date" data-testid="filter-from" value={filter.from} onChange={(e) => e.target.value && onChange({ from: e.target.value })} /></label>
      <label>{t('to')} <input type="date" data-testid="filter-to" value={filter.to} onChange={(e) => e.target.value && onChange({ to: e.target.value })} /></label>
      <label>{t('model')} <select data-testid="filter-model" value={filter.model} onChange={(e) => onChange({ model: e.target.value as Model })}>
        {MODELS.map((m) => <option key={m} value={m}>{t(`model.${m}`)}</option>)}
      </select></label>
    </div>
  )
}

function LanguagePicker() {
  const { t, language } = useReportT()
  const setLanguage = useReportLanguage((state) => state.setLanguage)
  return (
    <select className="language" aria-label={t('language')} data-testid="reports-language" value={language} onChange={(e) => setLanguage(e.target.value as ReportLanguage)}>
      {REPORT_LANGUAGES.map((code) => <option key={code} value={code}>{code.toUpperCase()}</option>)}
    </select>
  )
}

function Section({ title, onCsv, children }: { title: string; onCsv?: () => void; children: React.ReactNode }) {
  const { t } = useReportT()
  return (
    <section className="reports__section" aria-label={title}>
      <h2>{title}{onCsv && <button type="button" className="button reports__csv" onClick={onCsv}>{t('exportCsv')}</button>}</h2>
      {children}
    </section>
  )
}

function KpiCards({ overview, onDrill }: { overview: Overview; onDrill(stage: DrillStage): void }) {
  const { t, locale } = useReportT()
  const k = overview.totals.kpis
  const cards: [string, string, DrillStage | null][] = [
    [t('cost'), euro(overview.totals.cost, locale), null],
    [t('mql'), String(overview.totals.mql), 'mql'],
    [t('won'), String(overview.totals.won), 'won'],
    [t('revenue'), euro(overview.totals.revenue, locale), 'revenue'],
    [t('cpl'), euro(k.costPerLead, locale), 'mql'],
    [t('cpo'), euro(k.costPerOrder, locale), 'won'],
    [t('roi'), k.roi === null ? '–' : k.roi.toLocaleString(locale, { maximumFractionDigits: 2 }), 'revenue'],
    [t('unattributed'), euro(overview.unattributedRevenue, locale), null],
  ]
  return (
    <div className="reports__cards" data-testid="kpi-cards">
      {cards.map(([label, value, stage]) => (
        <button type="button" key={label} className="reports__card" disabled={!stage} onClick={() => stage && onDrill(stage)} title={label === t('unattributed') ? t('unattributedHint') : undefined}>
          <span className="reports__card-label">{label}</span>
          <span className="reports__card-value">{value}</span>
        </button>
      ))}
      {overview.attributionPending > 0 && <p className="reports__pending">{t('pending', { n: overview.attributionPending })}</p>}
    </div>
  )
}

function CampaignTable({ overview, onDrill, onCsv }: { overview: Overview; onDrill(stage: DrillStage, campaign: string): void; onCsv(): void }) {
  const { t, locale } = useReportT()
  const n = (value: number, stage: DrillStage, campaign: string) => <button type="button" className="reports__link" onClick={() => onDrill(stage, campaign)}>{value}</button>
  return (
    <Section title={t('perCampaign')} onCsv={onCsv}>
      {overview.campaigns.length === 0 ? <p>{t('none')}</p> : (
        <div className="reports__table-wrap">
          <table className="reports__table" data-testid="campaign-table">
            <thead><tr>
              <th>{t('campaign')}</th><th>{t('budget')}</th><th>{t('cost')}</th><th>{t('mql')}</th><th>{t('sal')}</th><th>{t('rejected')}</th><th>{t('sql')}</th>
              <th>{t('opportunity')}</th><th>{t('won')}</th><th>{t('revenue')}</th><th>{t('production')}</th><th>{t('cpl')}</th><th>{t('cpo')}</th><th>{t('cpsql')}</th><th>{t('roi')}</th>
            </tr></thead>
            <tbody>
              {overview.campaigns.map((c) => (
                <tr key={c.campaignId}>
                  <td>{c.name}<KindBadge kind={c.kind} /></td><td>{euro(c.budget, locale)}</td><td>{euro(c.cost, locale)}</td>
                  <td>{n(c.mql, 'mql', c.campaignId)}</td><td>{n(c.sal, 'sal', c.campaignId)}</td><td>{n(c.rejected, 'rejected', c.campaignId)}</td><td>{n(c.sql, 'sql', c.campaignId)}</td>
                  <td>{n(c.opportunity, 'opportunity', c.campaignId)}</td><td>{n(c.won, 'won', c.campaignId)}</td>
                  <td><button type="button" className="reports__link" onClick={() => onDrill('revenue', c.campaignId)}>{euro(c.revenue, locale)}</button></td>
                  <td>{euro(c.production, locale)}</td><td>{euro(c.kpis.costPerLead, locale, 2)}</td><td>{euro(c.kpis.costPerOrder, locale, 2)}</td><td>{euro(c.kpis.costPerSql, locale, 2)}</td>
                  <td>{c.kpis.roi === null ? '–' : c.kpis.roi.toLocaleString(locale, { maximumFractionDigits: 2 })}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="reports__note">{t('conversion', { rate: percent(overview.totals.kpis.conversion.mqlToWon, locale) })} ({t('mql')} → {t('won')})</p>
        </div>
      )}
    </Section>
  )
}

function AttributionTable({ attribution }: { attribution: Attribution }) {
  const { t, locale } = useReportT()
  return (
    <table className="reports__table" data-testid="attribution-table">
      <thead><tr><th>{t('campaign')}</th>{MODELS.map((m) => <th key={m}>{t(`model.${m}`)}</th>)}</tr></thead>
      <tbody>
        {attribution.campaigns.map((c) => <tr key={c.campaignId}><td>{c.name}<KindBadge kind={c.kind} /></td>{MODELS.map((m) => <td key={m}>{euro(c.revenue[m], locale)}</td>)}</tr>)}
        {attribution.unattributed && <tr className="reports__unattributed"><td title={t('unattributedHint')}>{t('unattributed')}</td>{MODELS.map((m) => <td key={m}>{euro(attribution.unattributed![m], locale)}</td>)}</tr>}
      </tbody>
    </table>
  )
}

function AttributionSettings({ api, attribution, onDone }: { api: ReportsApi; attribution: Attribution; onDone(): void }) {
  const { t } = useReportT()
  const [lookback, setLookback] = useState(attribution.settings.lookbackDays)
  const [halfLife, setHalfLife] = useState(attribution.settings.halfLifeDays)
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const recompute = async () => {
    try {
      const { recompute } = await api.saveSettings({ lookbackDays: lookback, halfLifeDays: halfLife })
      setProgress(recompute)
      for (let job = await api.job(recompute.id); ; job = await api.job(recompute.id)) {
        setProgress(job)
        if (job.status === 'done') break
        await new Promise((resolve) => setTimeout(resolve, 1000))
      }
      setProgress(null)
      onDone()
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    }
  }
  return (
    <form className="reports__settings" onSubmit={(e) => (e.preventDefault(), void recompute())}>
      <strong>{t('settings')}</strong>
      <label>{t('lookback')} <input type="number" min={1} max={3650} value={lookback} onChange={(e) => setLookback(Number(e.target.value))} /></label>
      <label>{t('halfLife')} <input type="number" min={0.5} step={0.5} value={halfLife} onChange={(e) => setHalfLife(Number(e.target.value))} /></label>
      <button type="submit" className="button" disabled={progress !== null}>{t('recompute')}</button>
      {progress && <progress max={progress.total || 1} value={progress.done} aria-label={t('recomputing', progress)} />}
      {progress && <span>{t('recomputing', progress)}</span>}
      {error && <span className="message--error">{error}</span>}
    </form>
  )
}

function CycleSummary({ cycle }: { cycle: SalesCycle }) {
  const { t, locale } = useReportT()
  if (!cycle.total) return <p>{t('none')}</p>
  const d = (value: number | null) => (value === null ? '–' : t('days', { n: value.toLocaleString(locale, { maximumFractionDigits: 1 }) }))
  return (
    <p className="reports__note" data-testid="cycle-summary">
      {t('cycleMqlWon')}: {t('average')} {d(cycle.total.mqlToWon.averageDays)}, {t('median')} {d(cycle.total.mqlToWon.medianDays)} ·{' '}
      {t('cycleTouchWon')}: {t('average')} {d(cycle.total.firstTouchToWon.averageDays)}, {t('median')} {d(cycle.total.firstTouchToWon.medianDays)}
    </p>
  )
}

/** The chart's distribution as a table (for screen readers and for copying), folded away. */
function CycleTable({ cycle }: { cycle: SalesCycle }) {
  const { t } = useReportT()
  if (cycle.histogram.length === 0) return null
  return (
    <details className="reports__note">
      <summary>{t('distribution')}</summary>
      <table className="reports__table" data-testid="cycle-histogram">
        <thead><tr><th>{t('weeks')}</th><th>{t('deals')}</th></tr></thead>
        <tbody>{cycle.histogram.map((h) => <tr key={h.fromDays}><td>{h.toDays === null ? `${h.fromDays / 7}+` : h.fromDays / 7}</td><td>{h.deals}</td></tr>)}</tbody>
      </table>
    </details>
  )
}

function DrillDown({ api, filter, stage, campaign, onClose, onCsv }: { api: ReportsApi; filter: ReportFilter; stage: DrillStage; campaign?: string; onClose(): void; onCsv(): void }) {
  const { t, locale } = useReportT()
  const [rows, setRows] = useState<Record<string, unknown>[] | null>(null)
  useEffect(() => {
    setRows(null)
    api.drill(filter, stage, campaign).then((r) => setRows(r.contacts ?? r.opportunities ?? []), () => setRows([]))
  }, [api, filter, stage, campaign])
  const deals = stage === 'revenue'
  return (
    <section className="reports__section reports__drill" aria-label={t('drill')} data-testid="drill-down">
      <h2>{t('drill')}: {stage === 'revenue' ? t('revenue') : t(stage === 'opportunity' ? 'opportunity' : stage === 'leads' ? 'leads' : stage)}
        <button type="button" className="button reports__csv" onClick={onCsv}>{t('exportCsv')}</button>
        <button type="button" className="button" onClick={onClose}>{t('close')}</button>
      </h2>
      {rows === null ? <p>{t('loading')}</p> : rows.length === 0 ? <p>{t('none')}</p> : (
        <div className="reports__table-wrap reports__drill-table">
          <table className="reports__table">
            <thead><tr>{deals ? <><th>{t('name')}</th><th>{t('company')}</th><th>{t('email')}</th><th>{t('amount')}</th><th>{t('campaign')}</th><th>{t('credited')}</th></> : <><th>{t('email')}</th><th>{t('name')}</th><th>{t('company')}</th><th>{t('stage')}</th><th>{t('campaign')}</th><th>{t('at')}</th></>}</tr></thead>
            <tbody>
              {rows.map((r, i) => deals ? (
                <tr key={i}><td>{String(r.name)}</td><td>{String(r.company ?? '')}</td><td>{String(r.email ?? '')}</td><td>{euro(Number(r.amountNet), locale)}</td><td>{String(r.campaign)}</td><td>{euro(Number(r.credited), locale, 2)}</td></tr>
              ) : (
                <tr key={i}><td>{String(r.email)}</td><td>{[r.firstName, r.lastName].filter(Boolean).join(' ')}</td><td>{String(r.company ?? '')}</td><td>{String(r.stage)}</td><td>{String(r.campaign)}</td><td>{new Date(String(r.at)).toLocaleDateString(locale)}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
