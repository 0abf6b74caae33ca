import { useEffect, useState } from 'react'
import { euro } from './report-charts'
import { ApiProblem, COST_CATEGORIES, type CampaignCosts, type CostCategory, type ReportsApi } from './reports-api'
import { useReportT } from './reports-i18n'

const today = () => new Date().toISOString().slice(0, 10)

/** A number as typed, else the text itself: the server checks it and names the field it refuses. */
const asTyped = (text: string): number | string => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text)

/**
 * A campaign's cost items and its budget beside the actual costs, and the form that enters a cost item
 * (category, EUR, date, subsidiary, note) or sets the budget. The API is the one judge of the input: a
 * refusal is shown with the field it names. `onChanged` reloads the figures (cost per lead, ROI) above.
 */
export function CostEntry({ api, campaigns, campaign, subsidiaries, onChanged }: {
  api: ReportsApi
  campaigns: { id: string; name: string }[]
  campaign: string
  subsidiaries: string[]
  onChanged(): void
}) {
  const { t, locale } = useReportT()
  const [chosen, setChosen] = useState(campaign)
  const [costs, setCosts] = useState<CampaignCosts | null>(null)
  const [form, setForm] = useState({ category: 'content' as CostCategory, amount: '', date: today(), subsidiary: subsidiaries[0] ?? 'DE', note: '' })
  const [budget, setBudget] = useState('')
  const [problem, setProblem] = useState<{ field?: string; message: string } | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const campaignId = chosen || campaigns[0]?.id || ''

  useEffect(() => setChosen(campaign), [campaign])
  useEffect(() => {
    if (!subsidiaries.includes(form.subsidiary) && subsidiaries[0]) setForm((f) => ({ ...f, subsidiary: subsidiaries[0]! }))
  }, [subsidiaries, form.subsidiary])
  useEffect(() => {
    if (!campaignId) return
    setCosts(null)
    api.costs(campaignId).then((c) => { setCosts(c); setBudget(c.budget === null ? '' : String(c.budget)) }, (e: Error) => setProblem({ message: e.message }))
  }, [api, campaignId])

  const attempt = async (action: () => Promise<string>) => {
    setProblem(null)
    setDone(null)
    try {
      setDone(await action())
      setCosts(await api.costs(campaignId))
      onChanged()
    } catch (e) {
      setProblem(e instanceof ApiProblem ? { field: e.field, message: e.message } : { message: String(e) })
    }
  }
  const addCost = () => attempt(async () => {
    const amount = asTyped(form.amount)
    await api.addCost(campaignId, { category: form.category, amount, date: form.date, subsidiary: form.subsidiary, ...(form.note.trim() ? { note: form.note } : {}) })
    setForm((f) => ({ ...f, amount: '', note: '' }))
    return t('costAdded', { amount: euro(Number(amount), locale, 2) })
  })
  const saveBudget = () => attempt(async () => (await api.setBudget(campaignId, asTyped(budget)), t('budgetSaved')))
  const invalid = (field: string) => (problem?.field === field ? { 'aria-invalid': true as const, className: 'reports__invalid' } : {})
  const rest = costs?.budget === null || !costs ? null : costs.budget - costs.actual

  return (
    <section className="reports__section" aria-label={t('costs')} data-testid="cost-entry">
      <h2>{t('costs')}</h2>
      <div className="reports__settings">
        <label>{t('costsOf')} <select data-testid="cost-campaign" value={campaignId} onChange={(e) => setChosen(e.target.value)}>
          {campaigns.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select></label>
        {costs && (
          <span data-testid="cost-budget-actual">
            <strong>{t('actual')}:</strong> <span data-testid="cost-actual">{euro(costs.actual, locale, 2)}</span> · <strong>{t('plannedBudget')}:</strong>{' '}
            <span data-testid="cost-budget">{costs.budget === null ? t('noBudget') : euro(costs.budget, locale, 2)}</span>
            {rest !== null && <> · <span className={rest < 0 ? 'message--error' : ''}>{rest < 0 ? t('overBudget', { amount: euro(-rest, locale, 2) }) : t('budgetLeft', { amount: euro(rest, locale, 2) })}</span></>}
          </span>
        )}
      </div>
      {/* noValidate: the API judges the input, so the form shows the server's word on each field. */}
      <form className="reports__settings" noValidate data-testid="cost-form" onSubmit={(e) => (e.preventDefault(), void addCost())}>
        <label>{t('costCategory')} <select name="category" value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value as CostCategory })}>
          {COST_CATEGORIES.map((c) => <option key={c} value={c}>{t(`category.${c}`)}</option>)}
        </select></label>
        <label>{t('costAmount')} <input name="amount" inputMode="decimal" value={form.amount} onChange={(e) => setForm({ ...form, amount: e.target.value })} {...invalid('amount')} /></label>
        <label>{t('costDate')} <input name="date" type="date" value={form.date} onChange={(e) => setForm({ ...form, date: e.target.value })} {...invalid('date')} /></label>
        <label>{t('subsidiary')} <select name="subsidiary" value={form.subsidiary} onChange={(e) => setForm({ ...form, subsidiary: e.target.value })}>
          {subsidiaries.map((code) => <option key={code} value={code}>{code}</option>)}
        </select></label>
        <label>{t('costNote')} <input name="note" value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} {...invalid('note')} /></label>
        <button type="submit" className="button" disabled={!campaignId}>{t('addCost')}</button>
      </form>
      <form className="reports__settings" noValidate data-testid="budget-form" onSubmit={(e) => (e.preventDefault(), void saveBudget())}>
        <label>{t('plannedBudget')} <input name="budget" inputMode="decimal" value={budget} onChange={(e) => setBudget(e.target.value)} {...invalid('amount')} /></label>
        <button type="submit" className="button" disabled={!campaignId}>{t('saveBudget')}</button>
      </form>
      {problem && <p className="message--error" role="alert" data-testid="cost-problem">{problem.field ? t('fieldError', { field: problem.field, message: problem.message.replace(new RegExp(`^${problem.field}: `), '') }) : problem.message}</p>}
      {done && <p className="reports__note" role="status" data-testid="cost-done">{done}</p>}
      {costs && (costs.items.length === 0 ? <p>{t('noCosts')}</p> : (
        <div className="reports__table-wrap reports__drill-table">
          <table className="reports__table" data-testid="cost-items">
            <thead><tr><th>{t('costDate')}</th><th>{t('costCategory')}</th><th>{t('subsidiary')}</th><th>{t('costAmount')}</th><th>{t('costNote')}</th></tr></thead>
            <tbody>
              {costs.items.map((item) => (
                <tr key={item.id}><td>{new Date(item.incurred_on).toLocaleDateString(locale)}</td><td>{t(`category.${item.category}`)}</td><td>{item.subsidiary_code}</td><td>{euro(item.amount, locale, 2)}</td><td>{item.note ?? ''}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  )
}
