import { useEffect } from 'react'
import { create } from 'zustand'
import { useDesigner } from '../designer-context'
import { useReportT } from './reports-i18n'
import { createReportsApi } from './reports-api'
import './reports.css'

// Delivered / opened / clicked rates beside a send step's live counts on the canvas. One poll per open
// campaign, however many steps show it (the steps subscribe narrowly to their own rates).

const POLL_MS = 5_000
type Rates = Record<string, { deliveredRate: number | null; openRate: number | null; clickRate: number | null }>
const useRates = create<{ campaignId: string | null; rates: Rates }>()(() => ({ campaignId: null, rates: {} }))
let watchers = 0
let timer: ReturnType<typeof setInterval> | null = null

function watch(token: string | null, campaignId: string) {
  const api = createReportsApi(token)
  const poll = () =>
    api.stepStats(campaignId).then(
      (r) => useRates.getState().campaignId === campaignId && useRates.setState({ rates: Object.fromEntries(r.steps.map((s) => [s.nodeId, s])) }),
      () => {},
    )
  if (useRates.getState().campaignId !== campaignId) {
    useRates.setState({ campaignId, rates: {} })
    if (timer) clearInterval(timer)
    timer = null
  }
  watchers++
  if (!timer) {
    void poll()
    timer = setInterval(poll, POLL_MS)
  }
  return () => {
    watchers--
    if (watchers === 0 && timer) {
      clearInterval(timer)
      timer = null
    }
  }
}

// The designer keeps its token per tab (auth.ts).
const tokenOf = () => window.sessionStorage?.getItem('kessler.designer.token') ?? null

export function StepRates({ id }: { id: string }) {
  const campaignId = useDesigner((state) => (state.live && !state.readOnly ? (state.campaign?.id ?? null) : null))
  const rate = useRates((state) => state.rates[id])
  const { t, locale } = useReportT()
  useEffect(() => (campaignId ? watch(tokenOf(), campaignId) : undefined), [campaignId])
  if (!campaignId || !rate) return null
  const p = (value: number | null) => (value === null ? '–' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(value))
  return (
    <div className="step__rates" data-testid="step-rates">
      <span>{t('step.delivered', { rate: p(rate.deliveredRate) })}</span>
      <span>{t('step.opened', { rate: p(rate.openRate) })}</span>
      <span>{t('step.clicked', { rate: p(rate.clickRate) })}</span>
    </div>
  )
}
