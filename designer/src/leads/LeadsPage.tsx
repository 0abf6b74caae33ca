import { UserMenu } from '../people/UserMenu'
import { memo, useCallback, useEffect, useMemo, useState } from 'react'
import './leads.css'
import { createLeadsApi, GRADES, heat, LEVELS, type Lead, type Matrix } from './leads-api'

// How often the matrix is read again: the demo shows leads moving as tracked links are clicked.
const REFRESH_MS = 3_000

/** The scoring matrix: profile A–D down, activity 1–4 across, a heatmap of lead counts; a cell lists its leads. */
export function LeadsPage({ token }: { token: string | null }) {
  const api = useMemo(() => createLeadsApi(token), [token])
  const [matrix, setMatrix] = useState<Matrix | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [cell, setCell] = useState<string | null>(null)
  const [leads, setLeads] = useState<Lead[] | null>(null)

  const refresh = useCallback(async () => {
    try {
      setMatrix(await api.matrix())
      if (cell) setLeads(await api.leads(cell))
      setError(null)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    }
  }, [api, cell])

  useEffect(() => {
    void refresh()
    const timer = setInterval(() => void refresh(), REFRESH_MS)
    return () => clearInterval(timer)
  }, [refresh])

  const open = (next: string) => {
    setCell(next)
    setLeads(null)
  }

  return (
    <div className="leads">
      <header className="app__header">
        <span className="brand">Kessler Campaigns</span>
        <span className="app__title">Leads: scoring matrix</span>
        <a className="button" href="./">
          Campaigns
        </a>
        <UserMenu />
      </header>
      <main className="leads__main">
        {error && <p className="message--error" role="alert">{error}</p>}
        {matrix && <MatrixGrid matrix={matrix} selected={cell} onSelect={open} />}
        {cell && (
          <section className="leads__list" aria-label={`leads in ${cell}`}>
            <h2>
              Leads in {cell}{' '}
              <button type="button" className="button" onClick={() => void api.downloadCsv(cell)}>
                Export CSV
              </button>
            </h2>
            {leads === null ? <p>Loading…</p> : <LeadTable leads={leads} />}
          </section>
        )}
      </main>
    </div>
  )
}

const MatrixGrid = memo(function MatrixGrid({ matrix, selected, onSelect }: { matrix: Matrix; selected: string | null; onSelect(cell: string): void }) {
  const max = Math.max(0, ...Object.values(matrix.cells))
  return (
    <table className="matrix" data-testid="scoring-matrix">
      <caption>
        {matrix.total} scored leads · handover in {matrix.handoverCells.join(', ')}
      </caption>
      <thead>
        <tr>
          <th scope="col">profile \ activity</th>
          {LEVELS.map((level) => (
            <th key={level} scope="col">
              {level}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {GRADES.map((grade) => (
          <tr key={grade}>
            <th scope="row">{grade}</th>
            {LEVELS.map((level) => {
              const cell = `${grade}${level}`
              const count = matrix.cells[cell] ?? 0
              const h = heat(count, max)
              return (
                <td key={cell}>
                  <button
                    type="button"
                    className={`matrix__cell${matrix.handoverCells.includes(cell) ? ' matrix__cell--handover' : ''}`}
                    data-testid={`cell-${cell}`}
                    aria-pressed={selected === cell}
                    style={{ background: `rgba(220, 38, 38, ${0.08 + h * 0.8})`, color: h > 0.5 ? '#fff' : undefined }}
                    onClick={() => onSelect(cell)}
                  >
                    <span className="matrix__name">{cell}</span>
                    <span className="matrix__count">{count}</span>
                  </button>
                </td>
              )
            })}
          </tr>
        ))}
      </tbody>
    </table>
  )
})

function LeadTable({ leads }: { leads: Lead[] }) {
  if (leads.length === 0) return <p>No leads in this cell.</p>
  return (
    <table className="leads__table">
      <thead>
        <tr>
          <th>Lead</th>
          <th>Company</th>
          <th>Subsidiary</th>
          <th>Profile</th>
          <th>Activity</th>
          <th>Stage</th>
        </tr>
      </thead>
      <tbody>
        {leads.map((lead) => (
          <tr key={lead.contactId}>
            <td>
              {lead.name || lead.email}
              <div className="leads__email">{lead.email}</div>
            </td>
            <td>{lead.company}</td>
            <td>{lead.subsidiary}</td>
            <td>{lead.profilePoints} %</td>
            <td>{lead.activityPoints}</td>
            <td>{lead.lifecycleStage}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** The header link from the campaign designer to the matrix (keeps the designer's session token). */
export function LeadsLink() {
  return (
    <a className="button" href="?view=leads" data-testid="leads-link">
      Leads
    </a>
  )
}
