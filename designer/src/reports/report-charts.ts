import type { EChartsCoreOption } from 'echarts/core'
import { MODELS, type Attribution, type Overview, type SalesCycle, type TrendPoint } from './reports-api'
import type { ReportKey } from './reports-i18n'

// Chart options built from the API's figures (pure, so the labels and numbers are easy to check).

type T = (key: ReportKey, values?: Record<string, string | number>) => string
export const FUNNEL_STAGES = ['mql', 'sal', 'sql', 'opportunity', 'won'] as const

export const percent = (value: number | null, locale: string) =>
  value === null ? '–' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value)
export const euro = (value: number | null, locale: string, digits = 0) =>
  value === null ? '–' : new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value)

/** The funnel with each stage's conversion from the one before. */
export function funnelOption(overview: Overview, t: T, locale: string): EChartsCoreOption {
  const totals = overview.totals
  const data = FUNNEL_STAGES.map((stage, i) => {
    const before = i === 0 ? null : totals[FUNNEL_STAGES[i - 1]!]
    const rate = before ? totals[stage] / before : null
    return { name: t(stage), value: totals[stage], conversion: i === 0 ? '' : t('conversion', { rate: percent(rate, locale) }) }
  })
  return {
    tooltip: { trigger: 'item' },
    series: [{
      type: 'funnel', sort: 'none', left: '5%', width: '70%', minSize: '8%', gap: 2, data,
      label: { position: 'right', formatter: (p: { name: string; value: number; data: { conversion: string } }) => `${p.name}: ${p.value}${p.data.conversion ? `  (${p.data.conversion})` : ''}` },
    }],
  }
}

/** ROI (line, right axis) and cost per lead / order (bars) per campaign. */
export function perCampaignOption(overview: Overview, t: T): EChartsCoreOption {
  const rows = overview.campaigns.filter((c) => c.cost > 0)
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 60, right: 50, top: 40, bottom: 80 },
    xAxis: { type: 'category', data: rows.map((c) => c.name), axisLabel: { rotate: 30, width: 140, overflow: 'truncate' } },
    yAxis: [{ type: 'value', name: '€' }, { type: 'value', name: t('roi') }],
    series: [
      { type: 'bar', name: t('cpl'), data: rows.map((c) => round(c.kpis.costPerLead)) },
      { type: 'bar', name: t('cpo'), data: rows.map((c) => round(c.kpis.costPerOrder)) },
      { type: 'line', name: t('roi'), yAxisIndex: 1, data: rows.map((c) => round(c.kpis.roi)) },
    ],
  }
}

/** Revenue credited per campaign under every model, side by side. */
export function attributionOption(attribution: Attribution, t: T): EChartsCoreOption {
  const rows = attribution.campaigns.slice(0, 15)
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 80, right: 20, top: 40, bottom: 80 },
    xAxis: { type: 'category', data: rows.map((c) => c.name), axisLabel: { rotate: 30, width: 140, overflow: 'truncate' } },
    yAxis: { type: 'value', name: '€' },
    series: MODELS.map((model) => ({ type: 'bar', name: t(`model.${model}`), data: rows.map((c) => c.revenue[model]) })),
  }
}

export function trendsOption(series: TrendPoint[], t: T): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 70, right: 60, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: series.map((p) => p.period.slice(0, 7)) },
    yAxis: [{ type: 'value', name: '€' }, { type: 'value', name: t('mql') }],
    series: [
      { type: 'bar', name: t('cost'), data: series.map((p) => p.cost) },
      { type: 'line', name: t('revenue'), data: series.map((p) => p.revenue), large: true },
      { type: 'line', name: t('mql'), yAxisIndex: 1, data: series.map((p) => p.mql) },
      { type: 'line', name: t('won'), yAxisIndex: 1, data: series.map((p) => p.won) },
    ],
  }
}

export function cycleOption(cycle: SalesCycle, t: T): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 50, right: 20, top: 20, bottom: 50 },
    xAxis: { type: 'category', name: t('weeks'), nameLocation: 'middle', nameGap: 30, data: cycle.histogram.map((h) => (h.toDays === null ? `${h.fromDays / 7}+` : String(h.fromDays / 7))) },
    yAxis: { type: 'value', name: t('deals') },
    series: [{ type: 'bar', name: t('deals'), data: cycle.histogram.map((h) => h.deals) }],
  }
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100)
